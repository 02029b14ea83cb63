import { describe, expect, it } from '@jest/globals';
import { unusedAddress } from '../helpers/addresses.js';
import { clientPair } from '../helpers/clients.js';

const ALICE = '+15554450001';
const BOB = '+15554450002';

describe('a server out of reach', () => {
  const pair = clientPair({ alice: ALICE, bob: BOB }, { rateLimits: false });

  it('queues a message to a known contact, even before signing in, and it goes out once the server is back', async () => {
    await pair.alice.client.send(BOB, 'hello');
    await pair.alice.client.close();
    // Started while the server is down: it never signed in.
    pair.alice = await pair.alice.reopen(await unusedAddress());
    await expect(pair.alice.client.send(BOB, 'written offline')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('the message is queued'),
    });
    expect(pair.alice.client.messages(BOB).map((m) => [m.text, m.status])).toEqual([
      ['hello', 'sent'],
      ['written offline', 'sending'],
    ]);
    await pair.alice.client.close();

    pair.alice = await pair.alice.reopen(pair.server.address);
    await pair.alice.client.receive(); // sends what the outbox holds
    await pair.bob.client.receive();
    expect(pair.bob.client.messages(ALICE).map((m) => m.text)).toEqual(['hello', 'written offline']);
  });
});
