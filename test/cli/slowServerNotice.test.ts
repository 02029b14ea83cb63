import { describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { noticeSlowServer } from '../../client/cli/slowServerNotice.js';
import { ChatClient } from '../../client/core/chatClient.js';
import { silentServer } from '../helpers/addresses.js';
import { tempDir } from '../helpers/server.js';

describe('a one-shot waiting on a silent server', () => {
  it('says once what it waits for, and nothing once stopped', async () => {
    const silent = await silentServer();
    const { address } = silent;
    const dir = tempDir('e2ee-notice-');
    const client = await ChatClient.open({ number: '+111111111', dataDir: dir, server: address });
    try {
      const lines: string[] = [];
      const stop = noticeSlowServer(client, (text) => lines.push(text), 200);
      const registering = client.register().then(
        () => 'registered',
        () => 'failed',
      );
      await sleep(600);
      expect(lines).toEqual([`waiting for the server at ${address} (gives up after 15 s; Ctrl+C stops)\n`]);
      stop();

      const stoppedEarly = noticeSlowServer(client, (text) => lines.push(text), 200);
      stoppedEarly();
      await sleep(400);
      expect(lines).toHaveLength(1);

      await client.close();
      await expect(registering).resolves.toBe('failed');
    } finally {
      await client.close();
      silent.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
