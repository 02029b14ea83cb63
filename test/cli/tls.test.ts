/** The built CLI's --ca, --tls and --insecure against a server that serves TLS. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runClient } from '../helpers/clientProcess.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { makeCertificates, type TestCertificates } from '../helpers/tls.js';

const ALICE = '+15558880001';
const BOB = '+15558880002';
const TIMEOUT = { timeoutMs: 60_000 };

describe('CLI over TLS', () => {
  const dir = tempDir('e2ee-cli-tls-');
  let certs: TestCertificates;
  let server: TestServer;

  const as = (number: string, ...rest: string[]): string[] => ['--id', number, '--server', server.address, '--data-dir', join(dir, number), ...rest];

  beforeAll(async () => {
    certs = makeCertificates(dir);
    server = await startTestServer({ rateLimits: false, tls: { certPath: certs.certPath, keyPath: certs.keyPath } });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, sends and receives with --ca', async () => {
    for (const number of [ALICE, BOB]) {
      const registered = await runClient(as(number, '--ca', certs.caPath, '--json', 'register'), TIMEOUT);
      expect(registered.code).toBe(0);
      expect(registered.events).toContainEqual(expect.objectContaining({ event: 'registered', number }));
    }
    expect((await runClient(as(ALICE, '--ca', certs.caPath, '--json', 'send', BOB, 'hello', 'over', 'tls'), TIMEOUT)).code).toBe(0);
    const received = await runClient(as(BOB, '--ca', certs.caPath, '--json', 'receive'), TIMEOUT);
    expect(received.code).toBe(0);
    expect(received.events).toContainEqual(expect.objectContaining({ event: 'message', from: ALICE, text: 'hello over tls' }));
    // One line on stderr at most, and no deprecation noise from the TLS server name.
    expect(received.stderr).toBe('');
  }, 120_000);

  it('refuses the server with a clear one-line error when the CA is not given', async () => {
    const run = await runClient(as(BOB, '--tls', 'receive'), TIMEOUT);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*the server's TLS certificate was refused .*give --ca FILE/);
  });

  it('refuses plaintext to a non-loopback server without --insecure, and bad TLS options', async () => {
    const plaintext = await runClient(['--id', ALICE, '--server', '192.0.2.1:50051', '--data-dir', join(dir, 'far'), 'receive'], TIMEOUT);
    expect(plaintext.code).toBe(1);
    expect(plaintext.stderr).toMatch(/^error: refusing to talk to 192\.0\.2\.1:50051 in plaintext: use --tls/);

    const both = await runClient(as(ALICE, '--insecure', '--tls', 'receive'), TIMEOUT);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--insecure cannot be combined with --tls or --ca/);

    const missing = await runClient(as(ALICE, '--ca', join(dir, 'no-such.pem'), 'receive'), TIMEOUT);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read the CA file .*no-such\.pem: ENOENT/);
  });

  it('documents the TLS options in --help', async () => {
    const help = await runClient(['--help'], TIMEOUT);
    expect(help.code).toBe(0);
    for (const option of ['--tls', '--ca <file>', '--insecure']) expect(help.stdout).toContain(option);
  });
});
