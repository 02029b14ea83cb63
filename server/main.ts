/**
 * `npm run server -- [options]`, and the operator command
 * `npm run server -- accounts delete <number> [--db FILE]`.
 */
import { chmodSync, existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG } from './config.js';
import { startServer } from './app.js';
import writeScripts from './domain/writes.js';
import { findAccountByNumber } from './storage/accounts.js';
import { createLogger } from './log.js';
import { ConfigError } from './transport.js';
import { openDatabase } from './storage/database.js';

const USAGE = `Usage: npm run server -- [options]
       npm run server -- accounts delete <number> [--db FILE]

Runs the e2ee messenger server (gRPC, package e2ee.v1).

Options:
  --host HOST        address to listen on (default ${DEFAULT_CONFIG.host})
  --port PORT        port to listen on, 0 for any free one (default ${DEFAULT_CONFIG.port})
  --db FILE          SQLite database file (default ${DEFAULT_CONFIG.dbPath})
  --server-id NAME   name clients pin and sign into challenges
                     (default: a random id kept in the database)
  --tls-cert FILE    PEM certificate chain; with --tls-key, serve TLS
  --tls-key FILE     PEM private key of that certificate
  --insecure         allow plaintext on a non-loopback address (refused otherwise)
  --max-db-mb N      cap the database file at N MiB; past it writes fail as on a full disk
  --no-rate-limits   turn rate limits off (load tests and benchmarks)
  --log-level LEVEL  debug | info | warn | error (default info)
  -h, --help         show this help

Operator commands:
  accounts delete <number>   free a number whose owner lost their identity key
`;

class UsageError extends Error {
  override name = 'UsageError';
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        'server-id': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        insecure: { type: 'boolean' },
        'max-db-mb': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONFIG.port;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be 0..65535, got "${value}"`);
  return port;
}

function tlsOf(cert: string | undefined, key: string | undefined) {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return { certPath: resolve(cert), keyPath: resolve(key) };
}

function megabytesOf(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--max-db-mb must be a whole number of MiB, got "${value}"`);
  return Number(value) * 1024 * 1024;
}

function levelOf(value: string | undefined) {
  const level = value ?? 'info';
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error') {
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  }
  return level;
}

/**
 * An upgrade takes seconds on a big mailbox, so it is announced; on stderr,
 * because stdout's first line is the "listening on" that scripts wait for.
 */
function announceUpgrade(dbPath: string): (from: number, to: number) => void {
  return (from, to) =>
    console.error(`upgrading ${dbPath} from schema version ${from} to ${to} (once; about 5 s per million queued envelopes)`);
}

function deleteAccount(number: string | undefined, dbPath: string): void {
  if (!number) throw new UsageError('accounts delete needs a number, e.g. accounts delete +15551234567');
  // Opening would create an empty database where a mistyped --db points.
  if (!existsSync(dbPath)) throw new Error(`no database at ${dbPath} (--db names it)`);
  const db = openDatabase(dbPath, { onUpgrade: announceUpgrade(dbPath) });
  try {
    const account = findAccountByNumber(db, number);
    if (!account) throw new Error(`no account ${number} in ${dbPath}`);
    db.transaction(() => writeScripts.removeAccount(db, { accountId: account.id }))();
    console.log(`deleted account ${number}; the number is free to register again`);
  } finally {
    db.close();
  }
}

/** The database file and the two SQLite keeps beside it (made with the database's mode). */
const DATABASE_FILE_SUFFIXES = ['', '-wal', '-shm'];

/**
 * The database holds who talks to whom and the ciphertexts they queue: no
 * other local user may read it. What this process creates is owner-only
 * (umask), and files an earlier version left readable lose their group and
 * other bits.
 */
function keepDatabaseToOwner(dbPath: string): void {
  process.umask(0o077);
  for (const path of DATABASE_FILE_SUFFIXES.map((suffix) => dbPath + suffix)) {
    if (!existsSync(path)) continue;
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dbPath = resolve(values.db ?? DEFAULT_CONFIG.dbPath);
  keepDatabaseToOwner(dbPath);
  if (positionals[0] === 'accounts' && positionals[1] === 'delete') return deleteAccount(positionals[2], dbPath);
  if (positionals.length > 0) throw new UsageError(`unknown command "${positionals.join(' ')}"`);

  const log = createLogger(levelOf(values['log-level']));
  const server = await startServer({
    host: values.host ?? DEFAULT_CONFIG.host,
    port: portOf(values.port),
    dbPath,
    serverId: values['server-id'],
    rateLimits: !values['no-rate-limits'],
    tls: tlsOf(values['tls-cert'], values['tls-key']),
    insecure: values.insecure ?? false,
    maxDatabaseBytes: megabytesOf(values['max-db-mb']),
    log,
    onSchemaUpgrade: announceUpgrade(dbPath),
  });
  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Its terminal closed (the demo's tmux session killed, say): stop as cleanly.
  process.once('SIGHUP', () => shutdown('SIGHUP'));
  // Announced only once a signal is handled: whoever waits for this line may stop us at once.
  console.log(`listening on ${server.address} db=${server.dbPath} server_id=${server.serverId}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`server: ${message}`);
  if (err instanceof UsageError) console.error('Run with --help for usage.');
  process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
});
