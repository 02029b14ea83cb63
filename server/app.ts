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
import { Gatekeeper } from './grpc/auth.js';
import { ConnectionGuard } from './grpc/connections.js';
import { guardDeserializers } from './grpc/decode.js';
import { HandlerKit } from './grpc/handlers.js';
import { HealthService } from './grpc/healthService.js';
import { KeysService } from './grpc/keysService.js';
import { MailboxGrpcService } from './grpc/mailboxService.js';
import { createLogger, type Logger } from './log.js';
import { openDatabase, storedServerId } from './storage/database.js';
import { grpcServerOptions, listen, serverCredentials } from './transport.js';
import { DatabaseWriter, moduleBeside } from './storage/databaseWriter.js';
import type { WriteScripts, Writer } from './domain/writes.js';

const E2EE_SERVICES = ['e2ee.v1.Accounts', 'e2ee.v1.Keys', 'e2ee.v1.Mailbox'];

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
  /** Told before an existing database's schema is upgraded (see openDatabase). */
  onSchemaUpgrade?: (from: number, to: number) => void;
  clock?: Clock;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...options, rates: { ...DEFAULT_CONFIG.rates, ...options.rates } };
  const log = options.log ?? createLogger('silent');
  const clock = options.clock ?? systemClock;

  const credentials = serverCredentials(config); // refuse a bad TLS setup before touching the database
  const db = openDatabase(config.dbPath, { maxBytes: config.maxDatabaseBytes, onUpgrade: options.onSchemaUpgrade });
  const serverId = config.serverId ?? storedServerId(db);
  let writer: Writer;
  try {
    writer = await DatabaseWriter.start<WriteScripts>(config.dbPath, moduleBeside(import.meta.url, './domain/writes'), config.maxDatabaseBytes);
  } catch (err) {
    db.close();
    throw err;
  }
  const notifier = new InProcessNotifier();
  const limits = new RateLimiter(config.rates, config.rateLimits, clock);
  const challenges = new ChallengeBook(serverId, config.challengeTtlMs, clock);
  const tokens = new TokenIssuer(db, config.tokenTtlMs, clock);
  const mailbox = new MailboxService(db, writer, notifier, limits, config, clock);
  const accounts = new AccountService(writer, tokens, clock, log, (id) => mailbox.sessionsEnded(id));
  const keys = new KeyService(db, writer, limits);
  const maintenance = new Maintenance(writer, challenges, limits, config, clock, log);

  const kit = new HandlerKit(log, config.maxCallMs);
  const connections = new ConnectionGuard(config.unauthenticatedTimeoutMs, log);
  const gate = new Gatekeeper(tokens, connections);
  const health = new HealthService(E2EE_SERVICES, kit);

  const { definition } = loadContract();
  const service = (name: string) => guardDeserializers(definition[name] as unknown as grpc.ServiceDefinition);
  const server = new grpc.Server(grpcServerOptions(config));
  const maxPreKeysPerList = config.maxPreKeysPerList;
  new AccountsService({ db, accounts, challenges, limits, maxPreKeysPerList, gate, kit }).addToServer(
    server,
    service('e2ee.v1.Accounts'),
  );
  new KeysService({ keys, gate, kit, maxPreKeysPerList }).addToServer(server, service('e2ee.v1.Keys'));
  new MailboxGrpcService({ mailbox, gate, kit, config }).addToServer(server, service('e2ee.v1.Mailbox'));
  health.addToServer(server, service('grpc.health.v1.Health'));

  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(server, credentials, config, connections);
  } catch (err) {
    server.forceShutdown();
    await writer.close();
    db.close();
    throw err;
  }
  const { port, acceptor } = listening;
  maintenance.start();
  const streamChecks = setInterval(() => mailbox.endStreamsOfDeletedAccounts(), config.streamCheckMs);
  streamChecks.unref();

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = config.shutdownGraceMs) =>
    (stopping ??= (async () => {
      // 1. Refuse new work: health says so, no new sockets, streams end UNAVAILABLE.
      health.setStatus('NOT_SERVING');
      health.endWatches();
      acceptor.close();
      maintenance.stop();
      clearInterval(streamChecks);
      mailbox.endAllStreams('shutdown');
      // 2. In-flight calls get the grace period, then are cancelled.
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
      connections.destroyAll();
      // 3. Commit whatever was queued, then close the database.
      await writer.close();
      db.close();
      log.info('stopped');
    })());

  return { address: `${config.host}:${port}`, port, serverId, dbPath: config.dbPath, stop };
}
