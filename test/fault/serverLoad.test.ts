/**
 * The server under pressure, as a child process: SIGTERM in the middle of a
 * send load, floods of idle connections and of streams that never read, many
 * accounts draining one target's prekeys, and what ends up on disk and in logs.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { CiphertextMessageType, processPreKeyBundle, signalEncrypt } from '@signalapp/libsignal-client';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount__Output } from '../../proto/generated/e2ee/v1/PreKeyCount.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { memoryDevice } from '../helpers/memoryStores.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';
import { bundleFromWire, call, connect, freshNumber, makeDeviceKeys, register, subscribe, type Stubs } from '../helpers/wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workspace(): string {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dbPath: string, opts: { rateLimits?: boolean; args?: string[] } = {}): Promise<{ server: ChildServer; stubs: Stubs }> {
  const server = await spawnServer({ dbPath, rateLimits: opts.rateLimits ?? false, args: opts.args });
  const stubs = connect(server.address);
  cleanups.push(() => stubs.close(), () => server.stop());
  return { server, stubs };
}

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]);
}

describe('server under pressure', () => {
  it('SIGTERM under load: calls finish or fail cleanly, streams end UNAVAILABLE, every acknowledged Send is on disk', async () => {
    const dbPath = join(workspace(), 'server.db');
    const { server, stubs } = await start(dbPath);
    const alice = await register(stubs, freshNumber());
    const bob = await register(stubs, freshNumber());
    const stream = subscribe(stubs, bob.auth);
    await stream.until((events) => events.some((e) => e.queue_empty));

    const acknowledged: string[] = [];
    const failures = new Set<number>();
    let stop = false;
    const sender = async (id: number) => {
      for (let i = 0; !stop && i < 2000; i++) {
        try {
          const res = await call<object, SendResponse__Output>(stubs.mailbox, stubs.mailbox.Send, {
            destination: bob.number,
            messages: [{ guid: randomUUID(), type: 2, content: Buffer.from(`s${id}-${i}`), client_timestamp: '1' }],
          }, alice.auth);
          acknowledged.push(res.guids[0]!);
        } catch (err) {
          failures.add((err as grpc.ServiceError).code);
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, id) => sender(id)));
    // Under load: the signal comes once Sends are being acknowledged, however slow the machine.
    const deadline = Date.now() + 10_000;
    while (acknowledged.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    server.proc.kill('SIGTERM');
    const exitCode = await server.exited;
    stop = true;
    await load;

    expect(exitCode).toBe(0);
    expect((await stream.ended).code).toBe(grpc.status.UNAVAILABLE);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const code of failures) expect([grpc.status.UNAVAILABLE, grpc.status.CANCELLED]).toContain(code);

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare('SELECT guid FROM envelopes').all() as { guid: string }[]).map((r) => r.guid));
      expect(acknowledged.filter((g) => !stored.has(g))).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('a flood of idle connections and of streams that never read keeps memory bounded, and honest clients are served', async () => {
    const dbPath = join(workspace(), 'server.db');
    const { server, stubs } = await start(dbPath);
    const sender = await register(stubs, freshNumber());
    // Ten recipients with 300 queued 64 KiB envelopes each: 188 MiB the streams could try to push,
    // well over what the server may hold in memory for all streams together (64 MiB).
    const readers = await Promise.all(Array.from({ length: 10 }, () => register(stubs, freshNumber())));
    const blob = Buffer.alloc(64 * 1024, 1);
    for (const r of readers) {
      for (let i = 0; i < 100; i++) {
        await call(stubs.mailbox, stubs.mailbox.Send, { destination: r.number, messages: Array.from({ length: 3 }, () => ({ type: 2, content: blob, client_timestamp: '1' })) }, sender.auth);
      }
    }
    const before = rssKb(server.proc.pid!);

    const sockets: Socket[] = [];
    for (let i = 0; i < 300; i++) {
      const s = tcpConnect(server.port, '127.0.0.1');
      s.on('error', () => {});
      s.resume();
      sockets.push(s);
    }
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    // Streams that never read: each on its own channel, paused so nothing is consumed.
    const channels = readers.map(() => connect(server.address));
    cleanups.push(() => channels.forEach((c) => c.close()));
    const stalled = readers.map((r, i) => {
      const s = channels[i]!.mailbox.Subscribe({}, r.auth);
      s.on('error', () => {});
      s.pause();
      return s;
    });
    cleanups.push(() => stalled.forEach((s) => s.cancel()));
    await new Promise((r) => setTimeout(r, 1500));

    // An honest pair is served meanwhile.
    const alice = await register(stubs, freshNumber());
    const bob = await register(stubs, freshNumber());
    await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: Buffer.from('hi'), client_timestamp: '1' }] }, alice.auth);
    const page = await call<object, FetchResponse__Output>(stubs.mailbox, stubs.mailbox.Fetch, {}, bob.auth);
    expect(page.envelopes).toHaveLength(1);

    const grownMb = (rssKb(server.proc.pid!) - before) / 1024;
    // At most 64 MiB held for all streams, and HTTP/2 windows: far below the 188 MiB queued.
    expect(grownMb).toBeLessThan(120);
  });

  it('many accounts draining one target: each pair stops at 6 and no prekey is consumed by a refused call', async () => {
    const dbPath = join(workspace(), 'server.db');
    const { stubs } = await start(dbPath, { rateLimits: true });
    const target = await register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 100, kyberPreKeys: 100 }));
    const drainers = await Promise.all(Array.from({ length: 12 }, () => register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 }))));
    let served = 0;
    let refused = 0;
    await Promise.all(drainers.map(async (d) => {
      for (let i = 0; i < 8; i++) {
        try {
          await call<object, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number: target.number }, d.auth);
          served++;
        } catch (err) {
          expect((err as grpc.ServiceError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
          refused++;
        }
      }
    }));
    expect(served).toBe(72);
    expect(refused).toBe(24);
    const left = await call<object, PreKeyCount__Output>(stubs.keys, stubs.keys.GetPreKeyCount, {}, target.auth);
    expect(left).toEqual({ ec: 28, kyber: 28 });
  });

  it('keeps no token, private key or plaintext in its database or log; tokens are stored hashed', async () => {
    const dir = workspace();
    const dbPath = join(dir, 'server.db');
    const { server, stubs } = await start(dbPath, { args: ['--log-level', 'debug'] });
    const aliceKeys = makeDeviceKeys();
    const bobKeys = makeDeviceKeys();
    const alice = await register(stubs, freshNumber(), aliceKeys);
    const bob = await register(stubs, freshNumber(), bobKeys);
    const aliceDevice = await memoryDevice(alice.number, aliceKeys);
    const bobDevice = await memoryDevice(bob.number, bobKeys);
    const b = await call<object, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number: bob.number }, alice.auth);
    await processPreKeyBundle(
      bundleFromWire(b),
      bobDevice.address, aliceDevice.address, aliceDevice.sessions, aliceDevice.identities,
    );
    const plaintext = 'the-secret-plaintext-7f3a';
    const ciphertext = await signalEncrypt(new Uint8Array(Buffer.from(plaintext)), bobDevice.address, aliceDevice.address, aliceDevice.sessions, aliceDevice.identities);
    expect(ciphertext.type()).toBe(CiphertextMessageType.PreKey);
    await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 3, content: Buffer.from(ciphertext.serialize()), client_timestamp: '1' }] }, alice.auth);
    await server.stop();

    const needles: [string, Buffer][] = [
      ['plaintext', Buffer.from(plaintext)],
      ['alice token', Buffer.from(alice.token)],
      ['bob token', Buffer.from(bob.token)],
      ['identity private key', Buffer.from(aliceKeys.identity.privateKey.serialize())],
      ['signed prekey private key', Buffer.from(bobKeys.signedPreKey.key.serialize())],
      ['one-time prekey private key', Buffer.from(bobKeys.preKeys[0]!.key.serialize())],
    ];
    const files = readdirSync(dir).filter((f) => f.startsWith('server.db')).map((f) => readFileSync(join(dir, f)));
    const log = Buffer.from(server.output());
    for (const [name, needle] of needles) {
      for (const haystack of [...files, log]) expect({ name, found: haystack.includes(needle) }).toEqual({ name, found: false });
    }
    const db = new Database(dbPath, { readonly: true });
    try {
      const hashes = (db.prepare('SELECT token_hash FROM auth_tokens').all() as { token_hash: Buffer }[]).map((row) => row.token_hash.toString('hex'));
      const sha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
      expect(hashes).toEqual(expect.arrayContaining([sha256(alice.token), sha256(bob.token)]));
    } finally {
      db.close();
    }
  });
});
