import { it } from '@jest/globals';
import { createLogger } from '../../server/log.js';
import { registeredClient } from '../helpers/clients.js';
import { startTestServer } from '../helpers/server.js';
it('debug', async () => {
  const server = await startTestServer({ rateLimits: false, log: createLogger('debug') } as never);
  const a = await registeredClient(server.address, '+15550000001');
  const b = await registeredClient(server.address, '+15550000002');
  try { await a.client.send('+15550000002', 'x'); } catch (e) { console.log(e); }
  await a.dispose(); await b.dispose(); await server.stop();
});
