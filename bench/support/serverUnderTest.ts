/**
 * The real server as a child process (`dist/server/main.js`), so its CPU time
 * and memory are its own: 127.0.0.1, a port the OS picks, rate limits off.
 */
import { join } from 'node:path';
import { projectRoot } from '../../proto/loader.js';
import { startNodeChild, type StartedChild } from './childProcess.js';
import { withTempDir } from './tempDir.js';
import { connect, type Wire } from './wire.js';

export interface ServerUnderTest extends StartedChild {
  /** The server's configured name, which challenge signatures include. */
  serverId: string;
}

export interface ServerOptions {
  db: string;
  /** Write a V8 CPU profile of the server into this folder when it stops. */
  profileDir?: string;
}

export async function startServer({ db, profileDir }: ServerOptions): Promise<ServerUnderTest> {
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const script = join(projectRoot(), 'dist', 'server', 'main.js');
  const child = await startNodeChild(
    [...profiling, script, '--host', '127.0.0.1', '--port', '0', '--db', db, '--no-rate-limits'],
    'server under test',
  );
  const serverId = /server_id=(\S+)/.exec(child.readyLine)?.[1];
  if (serverId === undefined) {
    await child.stop();
    throw new Error(`server's first line names no server_id: "${child.readyLine}"`);
  }
  return { ...child, serverId };
}

/** A fresh database in a temp folder, the server on it, and wire clients; all stopped and removed afterwards. */
export async function withServer<T>(
  purpose: string,
  profileDir: string | undefined,
  use: (server: ServerUnderTest, wire: Wire) => Promise<T>,
): Promise<T> {
  return withTempDir(purpose, async (dir) => {
    const server = await startServer({ db: join(dir, 'server.db'), profileDir });
    const wire = connect(server.address);
    try {
      return await use(server, wire);
    } finally {
      wire.close();
      await server.stop();
    }
  });
}
