import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registeredClient, type TestClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ALICE = '+15559990001';
const BOB = '+15559990002';

describe('sending past the server rate limit', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: true });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await server?.stop();
  });

  it('waits out retry-after-ms and sends everything, in order', async () => {
    // The burst allows 100 messages per sender and recipient; the rest wait for tokens.
    const texts = Array.from({ length: 115 }, (_, i) => `m${i}`);
    for (const text of texts) await alice.client.send(BOB, text);
    expect(alice.client.messages(BOB).every((m) => m.status === 'sent')).toBe(true);
    await bob.client.receive();
    expect(bob.client.messages(ALICE).map((m) => m.text)).toEqual(texts);
  });
});
