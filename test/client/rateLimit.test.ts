import { describe, expect, it } from '@jest/globals';
import { clientPair } from '../helpers/clients.js';

const ALICE = '+15559990001';
const BOB = '+15559990002';

describe('sending past the server rate limit', () => {
  const pair = clientPair({ alice: ALICE, bob: BOB }, { rateLimits: true });

  it('waits out retry-after-ms and sends everything, in order', async () => {
    // The burst allows 100 messages per sender and recipient; the rest wait for tokens.
    const texts = Array.from({ length: 115 }, (_, i) => `m${i}`);
    for (const text of texts) await pair.alice.client.send(BOB, text);
    expect(pair.alice.client.messages(BOB).every((m) => m.status === 'sent')).toBe(true);
    await pair.bob.client.receive();
    expect(pair.bob.client.messages(ALICE).map((m) => m.text)).toEqual(texts);
  });
});
