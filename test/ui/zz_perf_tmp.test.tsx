import { afterAll, beforeAll, it } from '@jest/globals';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../client/ui/App.js';
import { registeredClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
let server: TestServer;
beforeAll(async () => { server = await startTestServer({ rateLimits: false }); });
afterAll(async () => { cleanup(); await server.stop(); });
async function burst(withUi: boolean, tag: string) {
  const alice = await registeredClient(server.address, `+1666${tag}0001`);
  const bob = await registeredClient(server.address, `+1666${tag}0002`);
  await bob.client.connect();
  if (withUi) render(<App client={alice.client} bell={false} />); else await alice.client.connect();
  await new Promise((r) => setTimeout(r, 500));
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 1000 }, (_, i) => bob.client.send(alice.client.number, `b ${i}`)));
  const t1 = Date.now();
  await alice.log.waitForCount('message', 1000, 200_000);
  console.log(tag, withUi ? 'UI' : 'plain', 'sent in', t1 - t0, 'received in', Date.now() - t0);
  cleanup();
  await alice.dispose(); await bob.dispose();
}
it('perf', async () => { await burst(true, '222'); }, 600_000);
