/**
 * Real servers for tests: in-process on an ephemeral port, or the built server
 * as a child process (for kill -9 and restart). Always 127.0.0.1.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../proto/loader.js';
import { startServer, type StartOptions } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import { openDatabase, type Db } from '../../server/storage/database.js';

export interface TestServer {
  address: string;
  port: number;
  serverId: string;
  dbPath: string;
  dir: string;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'e2ee-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A server database (`db`) in a temp folder (`dir`) for one test file: opened before its tests, deleted after. */
export function serverDatabaseForFile(): { readonly db: Db; readonly dir: string } {
  const temp = {} as { db: Db; dir: string };
  beforeAll(() => {
    temp.dir = tempDir();
    temp.db = openDatabase(join(temp.dir, 'server.db'));
  });
  afterAll(() => {
    temp.db.close();
    rmSync(temp.dir, { recursive: true, force: true });
  });
  return temp;
}

export async function startTestServer(
  opts: { dbPath?: string; serverId?: string; rateLimits?: boolean } & Omit<StartOptions, 'dbPath' | 'host' | 'port'> = {},
): Promise<TestServer> {
  const dir = tempDir();
  const dbPath = opts.dbPath ?? join(dir, 'server.db');
  // Errors only: an unexpected failure in a test should be visible, routine lines should not.
  const log = createLogger('error', (line) => process.stderr.write(line));
  const server = await startServer({ log, ...opts, host: '127.0.0.1', port: 0, dbPath, rateLimits: opts.rateLimits ?? true });
  return {
    address: server.address,
    port: server.port,
    serverId: server.serverId,
    dbPath,
    dir,
    stop: async () => {
      await server.stop(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ChildServer {
  address: string;
  port: number;
  serverId: string;
  proc: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: the crash case. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
}

const READY = /^listening on ([\d.]+):(\d+) db=\S+ server_id=(\S+)$/m;

/** Starts dist/server/main.js (run `npm run build` first; `make test` does). */
export async function spawnServer(opts: {
  dbPath: string;
  port?: number;
  serverId?: string;
  rateLimits?: boolean;
  env?: Record<string, string>;
  args?: string[];
  timeoutMs?: number;
}): Promise<ChildServer> {
  const args = [
    join(projectRoot(), 'dist/server/main.js'),
    '--host', '127.0.0.1',
    '--port', String(opts.port ?? 0),
    '--db', opts.dbPath,
    ...(opts.serverId ? ['--server-id', opts.serverId] : []),
    ...(opts.rateLimits === false ? ['--no-rate-limits'] : []),
    ...(opts.args ?? []),
  ];
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in time; output:\n${output}`));
    }, opts.timeoutMs ?? 15000);
    const check = () => {
      const m = READY.exec(output);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        resolve(m);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening; output:\n${output}`));
    });
  });

  const waitExit = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return {
    address: `${ready[1]}:${ready[2]}`,
    port: Number(ready[2]),
    serverId: ready[3]!,
    proc,
    output: () => output,
    stop: () => waitExit('SIGTERM'),
    kill9: () => waitExit('SIGKILL'),
    exited,
  };
}
