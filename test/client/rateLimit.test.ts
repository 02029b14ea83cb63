import { describe, expect, it, jest } from '@jest/globals';
import { ServerApi } from '../../client/core/net/serverApi.js';
import { clientPair } from '../helpers/clients.js';

const ALICE = '+15559990001';
const BOB = '+15559990002';

describe('sending past the server rate limit', () => {
  const pair = clientPair({ alice: ALICE, bob: BOB }, { rateLimits: true });

  it('waits out retry-after-ms and sends everything, in order', async () => {
    // The burst allows 100 messages per sender and recipient; the rest wait for tokens.
    const texts = Array.from({ length: 115 }, (_, i) => `m${i}`);
    // Counts Send calls (each still goes to the real server): a client that retried early would make many more.
    const sends = jest.spyOn(ServerApi.prototype, 'send');
    let calls: number;
    try {
      for (const text of texts) await pair.alice.client.send(BOB, text);
      calls = sends.mock.calls.length;
    } finally {
      sends.mockRestore();
    }
    // At most one refusal for each of the 15 past the burst: the client waited as long as it was told.
    expect(calls).toBeLessThanOrEqual(texts.length + 15);
    expect(pair.alice.client.messages(BOB).every((m) => m.status === 'sent')).toBe(true);
    await pair.bob.client.receive();
    expect(pair.bob.client.messages(ALICE).map((m) => m.text)).toEqual(texts);
  });
});
