import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../proto/loader.js';
import { MIGRATIONS } from '../../server/storage/migrations.js';
import { databaseAtVersion } from '../helpers/schema.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';
import { call, codeOf, connect, freshNumber, makeDeviceKeys, register, type Stubs } from '../helpers/wire.js';
import { status } from '@grpc/grpc-js';

const run = promisify(execFile);
const main = join(projectRoot(), 'dist/server/main.js');

async function serverCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], { timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('server command line', () => {
  it('prints usage with --help', async () => {
    const { code, stdout } = await serverCommand(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--no-rate-limits/);
    expect(stdout).toMatch(/accounts delete <number>/);
  });

  it.each([
    [['--port', 'eighty']],
    [['--bogus']],
    [['frobnicate']],
    [['accounts', 'delete']],
  ])('refuses %j with exit code 2 and a one-line reason, no stack trace', async (args) => {
    const { code, stderr } = await serverCommand(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^server: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a running server', () => {
  let dir: string;
  let server: ChildServer;
  let stubs: Stubs;
  beforeAll(async () => {
    dir = tempDir();
    server = await spawnServer({ dbPath: join(dir, 'server.db'), serverId: 'test-server' });
    stubs = connect(server.address);
  });
  afterAll(async () => {
    stubs.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces its address, database and configured server id', () => {
    expect(server.serverId).toBe('test-server');
    expect(server.output()).toMatch(/^listening on 127\.0\.0\.1:\d+ db=\S+server\.db server_id=test-server$/m);
  });

  it('frees a number with the operator command `accounts delete`', async () => {
    const number = freshNumber();
    const owner = await register(stubs, number);
    expect(await codeOf(register(stubs, number))).toBe(status.ALREADY_EXISTS);
    const sender = await register(stubs, freshNumber());
    const sendToOwner = () =>
      call(stubs.mailbox, stubs.mailbox.Send, { destination: number, messages: [{ type: 2, content: Buffer.from('x'), client_timestamp: '1' }] }, sender.auth);
    await sendToOwner(); // the server now remembers the recipient too
    const preKeyCount = () =>
      call(stubs.keys, stubs.keys.GetPreKeyCount, {}, owner.auth).then(
        () => status.OK,
        (err: { code: status }) => err.code,
      );
    expect(await preKeyCount()).toBe(status.OK); // the server now remembers the token
    const { code, stdout } = await serverCommand(['accounts', 'delete', number, '--db', join(dir, 'server.db')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/deleted account/);
    expect(await codeOf(sendToOwner())).toBe(status.NOT_FOUND); // not a foreign-key failure
    // The running server re-reads a remembered token at least once a second.
    const deadline = Date.now() + 3_000;
    while ((await preKeyCount()) === status.OK && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await preKeyCount()).toBe(status.UNAUTHENTICATED);
    await register(stubs, number, makeDeviceKeys());
    const again = await serverCommand(['accounts', 'delete', '+19999999997', '--db', join(dir, 'server.db')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`server: no account +19999999997 in ${join(dir, 'server.db')}\n`);
    // A mistyped --db: said so, and no empty database left there.
    const missing = join(dir, 'no-such.db');
    const nowhere = await serverCommand(['accounts', 'delete', '+19999999997', '--db', missing]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe(`server: no database at ${missing} (--db names it)\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it('says when its port is taken', async () => {
    const taken = await serverCommand(['--port', String(server.port), '--db', join(dir, 'second.db')]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toBe(`server: 127.0.0.1:${server.port} is already in use (another server? choose another --port)\n`);
  });

  it('stops cleanly on SIGHUP, as when its terminal closes', async () => {
    const other = await spawnServer({ dbPath: join(dir, 'hangup.db') });
    try {
      other.proc.kill('SIGHUP');
      const stillRunning = new Promise((resolve) => setTimeout(() => resolve('still running after 5 s'), 5_000).unref());
      expect(await Promise.race([other.exited, stillRunning])).toBe(0);
      expect(other.output()).toMatch(/"msg":"shutting down","signal":"SIGHUP"/);
    } finally {
      await other.kill9();
    }
  });

  it('never writes numbers, tokens or keys into its log', async () => {
    const number = freshNumber();
    const keys = makeDeviceKeys();
    const account = await register(stubs, number, keys);
    await call(stubs.accounts, stubs.accounts.Deregister, {}, account.auth);
    const log = server.output();
    expect(log).toMatch(/account created/);
    expect(log).not.toContain(number);
    expect(log).not.toContain(account.token);
    expect(log).not.toContain(Buffer.from(keys.identity.publicKey.serialize()).toString('base64'));
  });

  it('stops cleanly on SIGTERM', async () => {
    const other = await spawnServer({ dbPath: join(dir, 'other.db') });
    await other.stop();
    expect(await other.exited).toBe(0);
    expect(other.output()).toMatch(/"msg":"stopped"/);
  });

  it('says so, on stderr, when it upgrades an older database; a new one is created quietly', async () => {
    const olderPath = join(dir, 'version2.db');
    databaseAtVersion(olderPath, 2).close();
    const upgraded = await spawnServer({ dbPath: olderPath });
    await upgraded.stop();
    expect(upgraded.output()).toContain(`upgrading ${olderPath} from schema version 2 to ${MIGRATIONS.length}`);

    const fresh = await spawnServer({ dbPath: join(dir, 'fresh.db') });
    await fresh.stop();
    expect(fresh.output()).not.toContain('upgrading');
  });
});

describe('the server database on disk: who talks to whom, and their queued ciphertexts', () => {
  const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);
  let umask: number;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
    // The common default, which the spawned server inherits: new files readable by everyone.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the server on `dbPath`, writes once (so the WAL exists), and reports the modes while it runs. */
  async function modesWhileRunning(dbPath: string): Promise<Record<string, string>> {
    const server = await spawnServer({ dbPath });
    const stubs = connect(server.address);
    try {
      await register(stubs, freshNumber());
      return { folder: modeOf(dirname(dbPath)), database: modeOf(dbPath), wal: modeOf(`${dbPath}-wal`), shm: modeOf(`${dbPath}-shm`) };
    } finally {
      stubs.close();
      await server.stop();
    }
  }

  it('is created owner-only under a umask of 022, with its folder', async () => {
    expect(await modesWhileRunning(join(dir, 'new', 'server.db'))).toEqual({ folder: '700', database: '600', wal: '600', shm: '600' });
  });

  it('is tightened when an earlier run left it readable by others', async () => {
    const dbPath = join(dir, 'server.db');
    writeFileSync(dbPath, '', { mode: 0o644 });
    writeFileSync(`${dbPath}-shm`, '', { mode: 0o664 });
    expect(await modesWhileRunning(dbPath)).toMatchObject({ database: '600', wal: '600', shm: '600' });
  });
});
