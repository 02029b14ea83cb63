/**
 * Crash safety: the client runs as a child process and SIGKILLs itself at a
 * failpoint (E2EE_FAILPOINTS); after a restart every message is stored exactly
 * once and the session still works. Needs the build (`make test` builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import type { FailpointName } from '../../client/core/failpoints.js';
import { openTestClient, registeredClient, type TestClient } from '../helpers/clients.js';
import { runClient } from '../helpers/clientProcess.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const ALICE = '+15553330001';
const BOB = '+15553330002';

describe('crash safety with SIGKILL at failpoints', () => {
  let server: TestServer;
  let alice: TestClient;
  const bobDir = tempDir('e2ee-bob-');

  const bobArgs = (...command: string[]): string[] => ['--id', BOB, '--server', server.address, '--data-dir', bobDir, '--json', ...command];
  const crashAt = (failpoint: FailpointName): { env: Record<string, string> } => ({ env: { E2EE_FAILPOINTS: failpoint } });

  /** Bob's stored conversation with Alice, read with an in-process client. */
  async function bobsHistory(): Promise<string[]> {
    const bob = await openTestClient(server.address, BOB, bobDir);
    try {
      return bob.client.messages(ALICE).map((m) => `${m.direction === 'incoming' ? '<' : '>'} ${m.text}`);
    } finally {
      await bob.client.close();
    }
  }

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    expect((await runClient(bobArgs('register'))).code).toBe(0);
  });

  afterAll(async () => {
    await alice?.dispose();
    await server?.stop();
    rmSync(bobDir, { recursive: true, force: true });
  });

  it.each([
    ['client.after-decrypt-before-commit', 'first'],
    ['client.after-commit-before-ack', 'second'],
  ] as const)('killed at %s: every message stored once after the restart', async (failpoint, round) => {
    const texts = [`${round} 1`, `${round} 2`, `${round} 3`];
    // Start from an empty queue (Alice's receipts), so the crash hits the first message.
    expect((await runClient(bobArgs('receive'))).code).toBe(0);
    for (const text of texts) await alice.client.send(BOB, text);
    const before = await bobsHistory();

    const crashed = await runClient(bobArgs('receive'), crashAt(failpoint));
    expect(crashed.signal).toBe('SIGKILL');

    const restarted = await runClient(bobArgs('receive'));
    expect(restarted.code).toBe(0);
    const shown = restarted.events.filter((e) => e.event === 'message').map((e) => e.text);
    // The three arrive as one batch: after a crash past its commit they are in the history already and not shown again.
    expect(shown).toEqual(failpoint === 'client.after-commit-before-ack' ? [] : texts);
    expect(await bobsHistory()).toEqual([...before, ...texts.map((t) => `< ${t}`)]);

    // The session still works both ways.
    expect((await runClient(bobArgs('send', ALICE, `${round} reply`))).code).toBe(0);
    await alice.client.receive();
    expect(alice.client.messages(BOB).filter((m) => m.direction === 'incoming').at(-1)?.text).toBe(`${round} reply`);
  }, 120_000);

  it.each([
    ['client.after-decrypt-before-commit', 'burst a'],
    ['client.after-commit-before-ack', 'burst b'],
  ] as const)('killed at %s in the first batch of a 300-message burst: all 300 stored once, in order', async (failpoint, round) => {
    const texts = Array.from({ length: 300 }, (_, i) => `${round} ${i}`);
    expect((await runClient(bobArgs('receive'), { timeoutMs: 60_000 })).code).toBe(0);
    // Sent at once: the sends share group commits, and their order is the call order.
    await Promise.all(texts.map((text) => alice.client.send(BOB, text)));
    const before = await bobsHistory();

    const crashed = await runClient(bobArgs('receive'), { ...crashAt(failpoint), timeoutMs: 60_000 });
    expect(crashed.signal).toBe('SIGKILL');

    const restarted = await runClient(bobArgs('receive'), { timeoutMs: 60_000 });
    expect(restarted.code).toBe(0);
    const shown = restarted.events.filter((e) => e.event === 'message').map((e) => e.text);
    // A fetched page of 100 is one batch: committed as a whole, or not at all.
    expect(shown).toEqual(failpoint === 'client.after-commit-before-ack' ? texts.slice(100) : texts);
    expect(await bobsHistory()).toEqual([...before, ...texts.map((t) => `< ${t}`)]);
  }, 180_000);

  it('killed at client.after-encrypt-before-send: the stored ciphertext goes once, after the restart', async () => {
    const crashed = await runClient(bobArgs('send', ALICE, 'sent across a crash'), crashAt('client.after-encrypt-before-send'));
    expect(crashed.signal).toBe('SIGKILL');
    await alice.client.receive();
    expect(alice.client.messages(BOB).map((m) => m.text)).not.toContain('sent across a crash');

    // Any later run flushes the outbox: the same ciphertext, the same guid.
    expect((await runClient(bobArgs('receive'))).code).toBe(0);
    expect((await runClient(bobArgs('receive'))).code).toBe(0);
    await alice.client.receive();
    expect(alice.client.messages(BOB).filter((m) => m.text === 'sent across a crash')).toHaveLength(1);
    expect((await bobsHistory()).filter((m) => m === '> sent across a crash')).toHaveLength(1);

    await alice.client.send(BOB, 'still in step');
    const after = await runClient(bobArgs('receive'));
    expect(after.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['still in step']);
  }, 120_000);
});
