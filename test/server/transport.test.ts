import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { connect as tcpConnect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { HealthCheckResponse__Output } from '../../proto/generated/grpc/health/v1/HealthCheckResponse.js';
import { loadContract } from '../../proto/loader.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { ConfigError } from '../../server/transport.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { makeCertificates } from '../helpers/tls.js';
import { call, codeOf, connect, freshNumber, register, subscribe } from '../helpers/wire.js';

function healthClient(address: string) {
  return new (loadContract().grpcObject.grpc.health.v1.Health)(address, grpc.credentials.createInsecure());
}

/** Resolves when the server closes the raw socket; rejects if it stays open past `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${withinMs} ms`)), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    socket.resume(); // read (and drop) the server's frames, so 'end' and 'close' can fire
  });
}

describe('health service', () => {
  it('reports SERVING, NOT_FOUND for unknown services, and NOT_SERVING to watchers at shutdown', async () => {
    const server = await startTestServer();
    const health = healthClient(server.address);
    let stopped = false;
    const stopServer = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    };
    try {
      const check = (service: string) =>
        call<object, HealthCheckResponse__Output>(health, health.Check, { service });
      expect((await check('')).status).toBe('SERVING');
      expect((await check('e2ee.v1.Mailbox')).status).toBe('SERVING');
      expect(await codeOf(check('no.such.Service'))).toBe(grpc.status.NOT_FOUND);

      const seen: string[] = [];
      const watch = health.Watch({ service: '' });
      const firstStatus = once(watch, 'data', { signal: AbortSignal.timeout(5_000) });
      const ended = once(watch, 'status', { signal: AbortSignal.timeout(10_000) });
      watch.on('data', (r: HealthCheckResponse__Output) => seen.push(r.status));
      watch.on('error', () => {});
      await firstStatus;
      await stopServer();
      await ended;
      expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      health.close();
      await stopServer();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the whole exchange over TLS with a certificate the test made', async () => {
    const certs = makeCertificates(dir);
    const server = await startTestServer({ tls: { certPath: certs.certPath, keyPath: certs.keyPath } });
    const stubs = connect(server.address, { ca: certs.ca });
    try {
      const alice = await register(stubs, freshNumber());
      const bob = await register(stubs, freshNumber());
      await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: Buffer.from('over tls'), client_timestamp: '1' }] }, alice.auth);
      const page = await call<object, FetchResponse__Output>(stubs.mailbox, stubs.mailbox.Fetch, {}, bob.auth);
      expect(page.envelopes.map((e) => e.content.toString())).toEqual(['over tls']);
      // a plaintext client gets nowhere
      const plain = connect(server.address);
      expect(await codeOf(call(plain.accounts, plain.accounts.GetChallenge, { number: freshNumber() }))).toBe(grpc.status.UNAVAILABLE);
      plain.close();
    } finally {
      stubs.close();
      await server.stop();
    }
  });

  it('refuses to listen off loopback without TLS unless told --insecure, and says why', async () => {
    const outcome = await startServer({ host: '0.0.0.0', port: 0, dbPath: `${dir}/refused.db` }).catch((err: unknown) => err);
    // Had it started, it must not stay listening on every interface.
    if (!(outcome instanceof Error)) await (outcome as RunningServer).stop(1000);
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toMatch(/without TLS/);
  });
});

describe('connection limits', () => {
  it('closes a connection that never authenticates, and keeps one that did', async () => {
    const server = await startTestServer({ unauthenticatedTimeoutMs: 300 });
    const stubs = connect(server.address);
    try {
      const idle = await openSocket(server.port);
      await closedWithin(idle, 5000);

      const bob = await register(stubs, freshNumber());
      const stream = subscribe(stubs, bob.auth);
      await stream.until((events) => events.some((e) => e.queue_empty));
      await new Promise((r) => setTimeout(r, 800));
      const alice = await register(stubs, freshNumber());
      await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: Buffer.from('still here'), client_timestamp: '1' }] }, alice.auth);
      await stream.until(() => stream.envelopes().length === 1);
      stream.cancel();
    } finally {
      stubs.close();
      await server.stop();
    }
  });

  it('refuses connections past the cap at accept, and serves again when one closes', async () => {
    const server = await startTestServer({ maxConnections: 3 });
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) sockets.push(await openSocket(server.port));
      const fourth = await openSocket(server.port);
      await closedWithin(fourth, 5000);
      sockets.pop()!.destroy();
      // The slot is free once the server has seen that close; until then a new connection is still refused.
      const deadline = Date.now() + 5_000;
      for (let served = false; !served; ) {
        const stubs = connect(server.address);
        try {
          await call(stubs.accounts, stubs.accounts.GetChallenge, { number: freshNumber() });
          served = true;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          stubs.close();
        }
      }
    } finally {
      sockets.forEach((s) => s.destroy());
      await server.stop();
    }
  });
});

describe('storage full', () => {
  it('answers RESOURCE_EXHAUSTED (never OK) when the database cannot grow, and recovers when space returns', async () => {
    const server = await startTestServer({ rateLimits: false, maxDatabaseBytes: 1024 * 1024 });
    const stubs = connect(server.address);
    try {
      const alice = await register(stubs, freshNumber());
      const bob = await register(stubs, freshNumber());
      const big = Buffer.alloc(90 * 1024, 7);
      const sent: string[] = [];
      let refusal: grpc.ServiceError | undefined;
      for (let i = 0; i < 40 && !refusal; i++) {
        try {
          const res = await call<object, { guids: string[] }>(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: big, client_timestamp: '1' }] }, alice.auth);
          sent.push(...res.guids);
        } catch (err) {
          refusal = err as grpc.ServiceError;
        }
      }
      expect(refusal?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(refusal?.details).toMatch(/storage is full/);
      // every Send that returned OK is stored; the refused one is not
      const page = await call<object, FetchResponse__Output>(stubs.mailbox, stubs.mailbox.Fetch, {}, bob.auth);
      expect(page.envelopes.map((e) => e.guid)).toEqual(sent);
      // space returns when the recipient acks
      await call(stubs.mailbox, stubs.mailbox.Ack, { guids: sent }, bob.auth);
      await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: big, client_timestamp: '2' }] }, alice.auth);
    } finally {
      stubs.close();
      await server.stop();
    }
  });
});
