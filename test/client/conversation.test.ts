import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registeredClient, type TestClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('two clients through a real server', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, '+15550000001');
    bob = await registeredClient(server.address, '+15550000002');
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await server?.stop();
  });

  it('sends a first message (PreKey) and receives it with receive()', async () => {
    const sent = await alice.client.send('+15550000002', 'hello bob');
    expect(sent.status).toBe('sent');
    expect(await bob.client.receive()).toBe(1);
    expect(bob.log.of('message')).toEqual([expect.objectContaining({ from: '+15550000001', text: 'hello bob', timestamp: sent.timestamp })]);
    expect(bob.client.messages('+15550000001').map((m) => m.text)).toEqual(['hello bob']);
  });

  it('gets a delivery receipt back', async () => {
    await alice.client.receive();
    expect(alice.log.of('receipt')).toEqual([expect.objectContaining({ from: '+15550000002', type: 'delivery' })]);
    expect(alice.client.messages('+15550000002')[0]?.status).toBe('delivered');
  });

  it('reports a receipt to a contact who has gone as a receipt, not as a message of ours', async () => {
    const carol = await registeredClient(server.address, '+15550000003');
    try {
      await carol.client.send('+15550000002', 'sent just before leaving');
      await carol.client.unregister();
      await bob.client.receive();
      await bob.log.waitFor((events) => events.some((e) => e.event === 'error'), 10_000, "the failed receipt's error");
      expect(bob.log.of('error')).toEqual([
        { event: 'error', code: 'not_found', message: expect.stringMatching(/^receipts to \+15550000003 were not delivered \(.*no such account\)$/) },
      ]);
    } finally {
      await carol.dispose();
    }
  });
});

