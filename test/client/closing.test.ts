import { describe, expect, it } from '@jest/globals';
import { ServerApi } from '../../client/core/net/serverApi.js';
import { clientPair } from '../helpers/clients.js';

const ALICE = '+15554440001';
const BOB = '+15554440002';

describe('closing a client while its outbox is being sent', () => {
  const pair = clientPair({ alice: ALICE, bob: BOB }, { rateLimits: false });

  it('keeps the message queued, and it goes out when the client runs again', async () => {
    await pair.alice.client.send(BOB, 'first');
    // Closed while the send is under way: its Send finds the connection gone.
    const sending = pair.alice.client.send(BOB, 'cut short').then(
      () => 'sent',
      (err: Error) => err.message,
    );
    await pair.alice.client.close();
    await sending;
    pair.alice = await pair.alice.reopen();
    expect(pair.alice.client.messages(BOB).map((m) => [m.text, m.status])).not.toContainEqual(['cut short', 'failed']);
    await pair.alice.client.receive(); // flushes what the outbox still holds
    await pair.bob.client.receive();
    expect(pair.bob.client.messages(ALICE).map((m) => m.text)).toEqual(['first', 'cut short']);
  });

  it('refuses calls after close as unavailable (try again later), not as a server failure', async () => {
    const api = new ServerApi(pair.server.address, { kind: 'plaintext' });
    api.close();
    await expect(api.getChallenge(ALICE, 'signing in')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
