/** Wires storage, domain and gRPC services into a running server. */
import * as grpc from '@grpc/grpc-js';
import { loadContract } from '../proto/loader.js';
import { DEFAULT_CONFIG, type ServerConfig } from './config.js';
import { AccountService } from './domain/accounts.js';
import { ChallengeBook, TokenIssuer } from './domain/auth.js';
import { KeyService } from './domain/keys.js';
import { MailboxService } from './domain/mailbox.js';
import { Maintenance } from './domain/maintenance.js';
import { InProcessNotifier } from './domain/notifier.js';
import { RateLimiter } from './domain/rateLimiter.js';
import { systemClock, type Clock } from './domain/types.js';
import { AccountsService } from './grpc/accountsService.js';
import { guardDeserializers } from './grpc/decode.js';
import { KeysService } from './grpc/keysService.js';
import { MailboxGrpcService } from './grpc/mailboxService.js';
import { createLogger, type Logger } from './log.js';
import { openDatabase, storedServerId } from './storage/database.js';
import { WriteBatcher } from './storage/writeBatcher.js';

export interface RunningServer {
  /** host:port actually bound (the port is real even when 0 was asked for). */
  address: string;
  port: number;
  serverId: string;
  dbPath: string;
  /** Stops accepting, ends streams, waits up to `graceMs` for calls, closes the database. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions extends Partial<ServerConfig> {
  log?: Logger;
  clock?: Clock;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...options, rates: { ...DEFAULT_CONFIG.rates, ...options.rates } };
  const log = options.log ?? createLogger('silent');
  const clock = options.clock ?? systemClock;

  const db = openDatabase(config.dbPath);
  const serverId = config.serverId ?? storedServerId(db);
  const writes = new WriteBatcher(db);
  const notifier = new InProcessNotifier();
  const limits = new RateLimiter(config.rates, config.rateLimits, clock);
  const challenges = new ChallengeBook(serverId, config.challengeTtlMs, clock);
  const tokens = new TokenIssuer(db, config.tokenTtlMs, clock);
  const mailbox = new MailboxService(db, writes, notifier, limits, config, clock);
  const accounts = new AccountService(db, writes, tokens, clock, log, (id) => mailbox.endStream(id, 'sessions_ended'));
  const keys = new KeyService(db, writes, limits);
  const maintenance = new Maintenance(writes, challenges, limits, config, clock, log);

  const { definition } = loadContract();
  const service = (name: string) => guardDeserializers(definition[`e2ee.v1.${name}`] as unknown as grpc.ServiceDefinition);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxReceiveBytes,
  });
  new AccountsService({ db, accounts, challenges, tokens, limits, maxPreKeysPerList: config.maxPreKeysPerList, log }).addToServer(
    server,
    service('Accounts'),
  );
  new KeysService({ keys, tokens, maxPreKeysPerList: config.maxPreKeysPerList, log }).addToServer(server, service('Keys'));
  new MailboxGrpcService({ mailbox, tokens, config, log }).addToServer(server, service('Mailbox'));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${config.host}:${config.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
  } catch (err) {
    db.close();
    throw err;
  }
  maintenance.start();

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000) =>
    (stopping ??= (async () => {
      maintenance.stop();
      mailbox.endAllStreams('shutdown');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      writes.flush();
      db.close();
      log.info('stopped');
    })());

  return { address: `${config.host}:${port}`, port, serverId, dbPath: config.dbPath, stop };
}
