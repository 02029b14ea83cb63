/**
 * TLS between client and server: the whole exchange over a certificate the test
 * makes, a client that does not trust it refused with a clear message, and
 * plaintext refused beyond loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ChatClient } from '../../client/core/chatClient.js';
import { ClientError } from '../../client/core/errors.js';
import { openTestClient, registeredClient, type TestClient } from '../helpers/clients.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { makeCertificates, type TestCertificates } from '../helpers/tls.js';

const ALICE = '+15557770001';
const BOB = '+15557770002';
const STRANGER = '+15557770003';

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (err) {
    if (ClientError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a ClientError');
}

describe('TLS between client and server', () => {
  const dir = tempDir('e2ee-tls-');
  let certs: TestCertificates;
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    certs = makeCertificates(dir);
    server = await startTestServer({ rateLimits: false, tls: { certPath: certs.certPath, keyPath: certs.keyPath } });
  });

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, sends and receives (live and fetched) over TLS with the CA the test made', async () => {
    const alice = await registeredClient(server.address, ALICE, { kind: 'tls', ca: certs.ca });
    clients.push(alice);
    const bob = await registeredClient(server.address, BOB, { kind: 'tls', ca: certs.ca });
    clients.push(bob);

    await bob.client.connect();
    expect(bob.client.connectionState()).toEqual({ state: 'connected' });
    await alice.client.send(BOB, 'over tls');
    await bob.log.waitFor((events) => events.some((e) => e.event === 'message' && e.text === 'over tls'), 20_000, 'the message');

    await bob.client.send(ALICE, 'reply over tls');
    await alice.client.receive();
    expect(alice.client.messages(BOB).map((m) => m.text)).toEqual(['over tls', 'reply over tls']);
  }, 60_000);

  it('refuses a server whose certificate the client does not trust, and says so', async () => {
    const stranger = await openTestClient(server.address, STRANGER, undefined, { kind: 'tls' });
    clients.push(stranger);
    const error = await rejection(stranger.client.register());
    expect(error.code).toBe('untrusted_server');
    expect(error.message).toMatch(/TLS certificate was refused .*--ca FILE/);
    expect(stranger.client.isRegistered()).toBe(false);
  });

  it('gets nowhere in plaintext with a TLS server', async () => {
    const plaintext = await openTestClient(server.address, STRANGER);
    clients.push(plaintext);
    expect((await rejection(plaintext.client.register())).code).toBe('unavailable');
  });

  it('refuses plaintext to a non-loopback server unless told it is fine, before creating anything', async () => {
    const dataDir = join(dir, 'refused');
    const error = await rejection(ChatClient.open({ number: STRANGER, dataDir, server: '192.0.2.1:50051' }));
    expect(error.code).toBe('insecure_transport');
    expect(error.message).toMatch(/refusing to talk to 192\.0\.2\.1:50051 in plaintext/);
    expect(existsSync(dataDir)).toBe(false);

    const allowed = await ChatClient.open({ number: STRANGER, dataDir, server: '192.0.2.1:50051', transport: { kind: 'plaintext', insecure: true } });
    await allowed.close();
  });
});
