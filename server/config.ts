/** Server configuration: every default API.md names, in one place. */

/** API.md's "burst X, then 1 per Y": a token bucket. */
export interface TokenBucketRule {
  /** Tokens available at once. */
  burst: number;
  /** One token comes back every `refillMs`. */
  refillMs: number;
}

/** API.md's "N per T": at most `limit` in any span of `windowMs`. */
export interface WindowRule {
  limit: number;
  windowMs: number;
}

export type RateRule = TokenBucketRule | WindowRule;

export interface ServerConfig {
  host: string;
  port: number;
  dbPath: string;
  /** Configured name; when absent, the random id kept in the database. */
  serverId?: string;
  rateLimits: boolean;
  /** PEM files; without them the server speaks plaintext (loopback only, unless `insecure`). */
  tls?: { certPath: string; keyPath: string };
  /** Allow plaintext on a non-loopback address. */
  insecure: boolean;
  /** Open connections at once; more are refused at accept. */
  maxConnections: number;
  /** A connection that has not authenticated by then is closed. */
  unauthenticatedTimeoutMs: number;
  /** HTTP/2 streams (calls) at once per connection. */
  maxConcurrentStreams: number;
  /** The server pings an idle transport this often, and drops it when a ping goes unanswered. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** A connection with no call for this long is closed. */
  maxConnectionIdleMs: number;
  /** Longest a unary call that came without a deadline may run. */
  maxCallMs: number;
  /** At shutdown, how long in-flight calls get to finish. */
  shutdownGraceMs: number;
  /**
   * How often open delivery streams check that their account still exists: the
   * operator's `accounts delete` runs in another process, which this one never hears of.
   */
  streamCheckMs: number;
  /** Upper bound on the database file, in bytes (0: none); writes past it fail as a full disk does. */
  maxDatabaseBytes: number;
  challengeTtlMs: number;
  tokenTtlMs: number;
  maxContentBytes: number;
  maxReceiveBytes: number;
  maxMessagesPerSend: number;
  maxPreKeysPerList: number;
  maxAckGuids: number;
  maxInFlightPerStream: number;
  /** Bytes of committed envelopes all streams together may hold in memory for sending (domain/delivery.ts). */
  maxHeldBytes: number;
  queueCap: number;
  envelopeTtlMs: number;
  idempotencyTtlMs: number;
  fetchDefaultLimit: number;
  fetchMaxBytes: number;
  rates: {
    bundlePerTarget: RateRule;
    bundlePerCaller: RateRule;
    sendPerPair: RateRule;
    registerPerNumber: RateRule;
    failedAuthPerNumber: RateRule;
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 50051,
  dbPath: 'data/server.db',
  rateLimits: true,
  insecure: false,
  maxConnections: 1000,
  unauthenticatedTimeoutMs: 30 * SECOND,
  maxConcurrentStreams: 100,
  keepaliveTimeMs: 60 * SECOND,
  keepaliveTimeoutMs: 20 * SECOND,
  maxConnectionIdleMs: 10 * MINUTE,
  maxCallMs: 30 * SECOND,
  shutdownGraceMs: 5 * SECOND,
  streamCheckMs: 30 * SECOND,
  maxDatabaseBytes: 0,
  challengeTtlMs: 60 * SECOND,
  tokenTtlMs: DAY,
  maxContentBytes: 96 * 1024,
  maxReceiveBytes: 256 * 1024,
  maxMessagesPerSend: 100,
  maxPreKeysPerList: 100,
  maxAckGuids: 1000,
  maxInFlightPerStream: 256,
  maxHeldBytes: 64 * 1024 * 1024,
  queueCap: 10_000,
  envelopeTtlMs: 30 * DAY,
  idempotencyTtlMs: DAY,
  fetchDefaultLimit: 100,
  fetchMaxBytes: 2 * 1024 * 1024,
  rates: {
    bundlePerTarget: { burst: 6, refillMs: 10 * MINUTE },
    bundlePerCaller: { burst: 100, refillMs: 10 * SECOND },
    sendPerPair: { burst: 100, refillMs: 100 },
    registerPerNumber: { limit: 6, windowMs: 30 * SECOND },
    failedAuthPerNumber: { burst: 10, refillMs: 6 * MINUTE },
  },
};
