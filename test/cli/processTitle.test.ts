/** What other local users can see of a running client: `ps` and /proc/<pid>/cmdline show its argv. */
import { describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../proto/loader.js';
import { silentServer } from '../helpers/addresses.js';
import { registeredClient } from '../helpers/clients.js';
import { startTestServer } from '../helpers/server.js';

const ALICE = '+15558880001';
const BOB = '+15558880002';

describe('the process title', () => {
  it('does not show the text of a one-shot send while it runs', async () => {
    const server = await startTestServer();
    const alice = await registeredClient(server.address, ALICE);
    await alice.client.close();
    // The send waits for this server (it needs Bob's keys), long enough to be looked at.
    const silent = await silentServer();
    const child = spawn(process.execPath, [
      join(projectRoot(), 'dist/client/main.js'),
      ...['--id', ALICE, '--server', silent.address, '--data-dir', alice.dataDir, 'send', BOB, 'the secret plaintext'],
    ]);
    try {
      await silent.connected;
      // What any local user sees: ps reads the process's argv (/proc/<pid>/cmdline on Linux).
      const { stdout } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(child.pid)], { timeout: 5_000 });
      expect(stdout).toContain('e2ee-chat');
      expect(stdout).not.toContain('secret');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'close');
      silent.close();
      await alice.dispose();
      await server.stop();
    }
  });
});
