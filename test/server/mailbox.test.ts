import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import type { AckRequest } from '../../proto/generated/e2ee/v1/AckRequest.js';
import type { AckResponse__Output } from '../../proto/generated/e2ee/v1/AckResponse.js';
import type { FetchRequest } from '../../proto/generated/e2ee/v1/FetchRequest.js';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { OutgoingMessage } from '../../proto/generated/e2ee/v1/OutgoingMessage.js';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, codeOf, connect, freshNumber, register, subscribe, type Stubs, type TestAccount } from '../helpers/wire.js';

let server: TestServer;
let stubs: Stubs;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  stubs = connect(server.address);
});
afterAll(async () => {
  stubs.close();
  await server.stop();
});

export const message = (text: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  type: 2,
  content: Buffer.from(text),
  client_timestamp: String(Date.now()),
  ...extra,
});

const send = (s: Stubs, from: Metadata, destination: string, messages: OutgoingMessage[]) =>
  call<SendRequest, SendResponse__Output>(s.mailbox, s.mailbox.Send, { destination, messages }, from);
const fetch = (s: Stubs, auth: Metadata, limit = 0) =>
  call<FetchRequest, FetchResponse__Output>(s.mailbox, s.mailbox.Fetch, { limit }, auth);
const ack = (s: Stubs, auth: Metadata, guids: string[]) =>
  call<AckRequest, AckResponse__Output>(s.mailbox, s.mailbox.Ack, { guids }, auth);

async function pair(): Promise<[TestAccount, TestAccount]> {
  return [await register(stubs, freshNumber()), await register(stubs, freshNumber())];
}

const texts = (envelopes: { content: Buffer }[]) => envelopes.map((e) => e.content.toString());

/** Acks everything the stream has delivered, again and again, until `count` envelopes have arrived. */
async function ackUntil(auth: Metadata, stream: ReturnType<typeof subscribe>, count: number): Promise<void> {
  let acked = 0;
  while (acked < count) {
    const guids = stream.envelopes().slice(acked).map((e) => e.guid);
    expect(guids.length).toBeGreaterThan(0);
    await ack(stubs, auth, guids);
    acked += guids.length;
    if (acked < count) await stream.until(() => stream.envelopes().length > acked);
  }
  expect(stream.envelopes()).toHaveLength(count);
}

describe('Send and Fetch', () => {
  it('stores envelopes stamped with the sender from the session, in order, and Fetch removes nothing', async () => {
    const [alice, bob] = await pair();
    const sent = await send(stubs, alice.auth, bob.number, [message('one'), message('two', { type: 3 })]);
    await send(stubs, alice.auth, bob.number, [message('three')]);
    expect(sent.guids).toHaveLength(2);
    const page = await fetch(stubs, bob.auth);
    expect(texts(page.envelopes)).toEqual(['one', 'two', 'three']);
    expect(page.more).toBe(false);
    const [first] = page.envelopes;
    expect(first).toMatchObject({ guid: sent.guids[0], source: alice.number, source_device: 1, destination: bob.number, type: 2 });
    expect(first!.server_timestamp).toBe(sent.server_timestamp);
    expect(page.envelopes[1]!.type).toBe(3);
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['one', 'two', 'three']);
  });

  it('keeps an envelope queued until its recipient acks it', async () => {
    const [alice, bob] = await pair();
    const { guids } = await send(stubs, alice.auth, bob.number, [message('a'), message('b'), message('c')]);
    expect(await ack(stubs, bob.auth, [guids[1]!])).toEqual({ removed: 1 });
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['a', 'c']);
    expect(await ack(stubs, bob.auth, [guids[1]!, randomUUID()])).toEqual({ removed: 0 });
  });

  it("never lets an account read or ack another account's mail", async () => {
    const [alice, bob] = await pair();
    const mallory = await register(stubs, freshNumber());
    const { guids } = await send(stubs, alice.auth, bob.number, [message('for bob')]);
    expect((await fetch(stubs, mallory.auth)).envelopes).toEqual([]);
    expect(await ack(stubs, mallory.auth, guids)).toEqual({ removed: 0 });
    expect(await ack(stubs, alice.auth, guids)).toEqual({ removed: 0 });
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['for bob']);
  });

  it('pages Fetch: limit 0 means 100, over 100 means 100, more tells', async () => {
    const [alice, bob] = await pair();
    for (let i = 0; i < 3; i++) {
      await send(stubs, alice.auth, bob.number, Array.from({ length: 50 }, (_, j) => message(`m${i * 50 + j}`)));
    }
    expect((await fetch(stubs, bob.auth, 0)).envelopes).toHaveLength(100);
    const capped = await fetch(stubs, bob.auth, 1000);
    expect(capped.envelopes).toHaveLength(100);
    expect(capped.more).toBe(true);
    const small = await fetch(stubs, bob.auth, 7);
    expect(texts(small.envelopes)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('stops a page before 2 MiB of content', async () => {
    const [alice, bob] = await pair();
    const big = Buffer.alloc(96 * 1024, 1);
    for (let i = 0; i < 25; i++) await send(stubs, alice.auth, bob.number, [message('', { content: big })]);
    const page = await fetch(stubs, bob.auth);
    expect(page.envelopes.length).toBe(21); // 21 * 96 KiB < 2 MiB < 22 * 96 KiB
    expect(page.more).toBe(true);
  });

  it('is NOT_FOUND for an unknown destination', async () => {
    const [alice] = await pair();
    expect(await codeOf(send(stubs, alice.auth, '+19999999998', [message('x')]))).toBe(status.NOT_FOUND);
  });
});

describe('Send limits', () => {
  const cases: [string, (to: string) => SendRequest][] = [
    ['no messages', (to) => ({ destination: to, messages: [] })],
    ['101 messages', (to) => ({ destination: to, messages: Array.from({ length: 101 }, () => message('x')) })],
    ['empty content', (to) => ({ destination: to, messages: [message('')] })],
    ['content over 96 KiB', (to) => ({ destination: to, messages: [message('', { content: Buffer.alloc(96 * 1024 + 1) })] })],
    ['type 1', (to) => ({ destination: to, messages: [message('x', { type: 1 })] })],
    ['a timestamp over 2^53 - 1', (to) => ({ destination: to, messages: [message('x', { client_timestamp: '9007199254740992' })] })],
    ['a guid that is not a UUID', (to) => ({ destination: to, messages: [message('x', { guid: 'not-a-uuid' })] })],
    ['the same guid twice in one call', (to) => {
      const guid = randomUUID();
      return { destination: to, messages: [message('x', { guid }), message('y', { guid })] };
    }],
    ['a malformed destination', () => ({ destination: '+1 555', messages: [message('x')] })],
  ];
  it.each(cases)('refuses %s with INVALID_ARGUMENT and stores nothing of the call', async (_name, build) => {
    const [alice, bob] = await pair();
    const request = build(bob.number);
    // a valid message first: one bad message must reject the whole call
    if (request.messages && request.messages.length > 0 && request.messages.length < 100) request.messages.unshift(message('valid'));
    expect(await codeOf(call(stubs.mailbox, stubs.mailbox.Send, request, alice.auth))).toBe(status.INVALID_ARGUMENT);
    expect((await fetch(stubs, bob.auth)).envelopes).toEqual([]);
  });

  it('refuses a request over 256 KiB at the transport with RESOURCE_EXHAUSTED', async () => {
    const [alice, bob] = await pair();
    const chunk = Buffer.alloc(90 * 1024, 2);
    const messages = [message('', { content: chunk }), message('', { content: chunk }), message('', { content: chunk })];
    expect(await codeOf(send(stubs, alice.auth, bob.number, messages))).toBe(status.RESOURCE_EXHAUSTED);
    expect((await fetch(stubs, bob.auth)).envelopes).toEqual([]);
  });

  it('answers an undecodable request with INVALID_ARGUMENT, not INTERNAL', async () => {
    const [alice] = await pair();
    const raw = stubs.mailbox as unknown as {
      makeUnaryRequest: (m: string, s: (b: Buffer) => Buffer, d: (b: Buffer) => Buffer, a: Buffer, md: Metadata, cb: (e: { code: number } | null) => void) => void;
    };
    const code = await new Promise<number>((resolve) =>
      raw.makeUnaryRequest('/e2ee.v1.Mailbox/Send', (b) => b, (b) => b, Buffer.from([0x0a, 0xff, 0xff, 0xff]), alice.auth, (e) =>
        resolve(e ? e.code : 0),
      ),
    );
    expect(code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('idempotent guid', () => {
  it('answers a repeat with the same content exactly as the first time and stores it once', async () => {
    const [alice, bob] = await pair();
    const m = message('once', { guid: randomUUID() });
    const first = await send(stubs, alice.auth, bob.number, [m]);
    await new Promise((r) => setTimeout(r, 5));
    const again = await send(stubs, alice.auth, bob.number, [m]);
    expect(again).toEqual(first);
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['once']);
    await ack(stubs, bob.auth, first.guids);
    expect(await send(stubs, alice.auth, bob.number, [m])).toEqual(first);
    expect((await fetch(stubs, bob.auth)).envelopes).toEqual([]);
  });

  it('refuses the same guid with other content as ALREADY_EXISTS, and the whole call with it', async () => {
    const [alice, bob] = await pair();
    const guid = randomUUID();
    await send(stubs, alice.auth, bob.number, [message('original', { guid })]);
    const conflict = send(stubs, alice.auth, bob.number, [message('new one'), message('changed', { guid })]);
    expect(await codeOf(conflict)).toBe(status.ALREADY_EXISTS);
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['original']);
  });

  it('scopes guids to their sender', async () => {
    const [alice, bob] = await pair();
    const carol = await register(stubs, freshNumber());
    const guid = randomUUID();
    await send(stubs, alice.auth, bob.number, [message('from alice', { guid })]);
    await send(stubs, carol.auth, bob.number, [message('from carol', { guid })]);
    expect(texts((await fetch(stubs, bob.auth)).envelopes)).toEqual(['from alice', 'from carol']);
  });
});

describe('Ack limits', () => {
  it('refuses a guid that is not a UUID, and more than 1,000 guids', async () => {
    const [, bob] = await pair();
    expect(await codeOf(ack(stubs, bob.auth, ['nope']))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(ack(stubs, bob.auth, Array.from({ length: 1001 }, () => randomUUID())))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('30-day expiry', () => {
  it('never hands out an envelope older than 30 days', async () => {
    let offsetMs = 0;
    const aging = await startTestServer({ rateLimits: false, clock: { now: () => Date.now() + offsetMs } });
    const s = connect(aging.address);
    try {
      const alice = await register(s, freshNumber());
      const bob = await register(s, freshNumber());
      await send(s, alice.auth, bob.number, [message('soon stale')]);
      offsetMs = 30 * 24 * 3600_000 + 1000;
      const later = await register(s, bob.number, bob.keys); // a fresh token: the old one expired long ago
      const page = await fetch(s, later.auth);
      expect(page.envelopes).toEqual([]);
    } finally {
      s.close();
      await aging.stop();
    }
  });
});

describe('queue cap', () => {
  it('refuses a Send that would pass the cap with RESOURCE_EXHAUSTED and stores none of it', async () => {
    const capped = await startTestServer({ rateLimits: false, queueCap: 5 });
    const s = connect(capped.address);
    try {
      const alice = await register(s, freshNumber());
      const bob = await register(s, freshNumber());
      await send(s, alice.auth, bob.number, [message('1'), message('2'), message('3')]);
      const err = await send(s, alice.auth, bob.number, [message('4'), message('5'), message('6')]).catch((e: { code: number; details: string }) => e);
      expect(err).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
      expect((err as { details: string }).details).toMatch(/queue/);
      expect((await fetch(s, bob.auth)).envelopes).toHaveLength(3);
      await send(s, alice.auth, bob.number, [message('4'), message('5')]);
      expect((await fetch(s, bob.auth)).envelopes).toHaveLength(5);
    } finally {
      s.close();
      await capped.stop();
    }
  });
});

describe('Subscribe', () => {
  it('delivers the queued envelopes in order, then queue_empty, then new ones live', async () => {
    const [alice, bob] = await pair();
    await send(stubs, alice.auth, bob.number, [message('q1'), message('q2')]);
    const stream = subscribe(stubs, bob.auth);
    try {
      await stream.until((events) => events.some((e) => e.queue_empty));
      expect(stream.events.map((e) => e.event)).toEqual(['envelope', 'envelope', 'queue_empty']);
      expect(texts(stream.envelopes())).toEqual(['q1', 'q2']);
      await send(stubs, alice.auth, bob.number, [message('live')]);
      await stream.until(() => stream.envelopes().length === 3);
      expect(texts(stream.envelopes())).toEqual(['q1', 'q2', 'live']);
    } finally {
      stream.cancel();
    }
  });

  it('sends queue_empty at once for an empty queue', async () => {
    const [, bob] = await pair();
    const stream = subscribe(stubs, bob.auth);
    try {
      await stream.until((events) => events.length === 1);
      expect(stream.events[0]!.event).toBe('queue_empty');
    } finally {
      stream.cancel();
    }
  });

  it('redelivers unacked envelopes on the next Subscribe, and not acked ones', async () => {
    const [alice, bob] = await pair();
    await send(stubs, alice.auth, bob.number, [message('x'), message('y'), message('z')]);
    const first = subscribe(stubs, bob.auth);
    await first.until(() => first.envelopes().length === 3);
    await ack(stubs, bob.auth, [first.envelopes()[0]!.guid]);
    first.cancel();
    const second = subscribe(stubs, bob.auth);
    try {
      await second.until((events) => events.some((e) => e.queue_empty));
      expect(texts(second.envelopes())).toEqual(['y', 'z']);
    } finally {
      second.cancel();
    }
  });

  it('keeps at most 256 envelopes in flight: 1,000 queued, no acks, exactly 256 arrive', async () => {
    const [alice, bob] = await pair();
    for (let i = 0; i < 10; i++) {
      await send(stubs, alice.auth, bob.number, Array.from({ length: 100 }, (_, j) => message(`n${i * 100 + j}`)));
    }
    const stream = subscribe(stubs, bob.auth);
    try {
      await stream.until(() => stream.envelopes().length >= 256);
      // Give the server ample chance to overshoot; then the window must still be 256.
      await new Promise((r) => setTimeout(r, 500));
      expect(stream.envelopes()).toHaveLength(256);
      expect(stream.events.some((e) => e.queue_empty)).toBe(false);
      await ack(stubs, bob.auth, stream.envelopes().slice(0, 10).map((e) => e.guid));
      await stream.until(() => stream.envelopes().length === 266);
      expect(texts(stream.envelopes()).slice(250, 266)).toEqual(Array.from({ length: 16 }, (_, i) => `n${250 + i}`));
    } finally {
      stream.cancel();
    }
  });

  // A caught-up stream takes new envelopes from the commits themselves; past its
  // memory bounds (1,024 envelopes, 1 MiB) the rest must still come, from the queue.
  it('delivers live envelopes that pile up past the window in order, once, as acks come', async () => {
    const [alice, bob] = await pair();
    const stream = subscribe(stubs, bob.auth);
    try {
      await stream.until((events) => events.some((e) => e.queue_empty));
      const expected: string[] = [];
      for (let i = 0; i < 15; i++) {
        const batch = Array.from({ length: 100 }, (_, j) => `live${i * 100 + j}`);
        expected.push(...batch);
        await send(stubs, alice.auth, bob.number, batch.map((text) => message(text)));
      }
      const big = Buffer.alloc(60 * 1024, 0x61);
      for (let i = 0; i < 10; i++) {
        const batch = Array.from({ length: 3 }, (_, j) => `big${i * 3 + j}`);
        expected.push(...batch);
        await send(stubs, alice.auth, bob.number, batch.map((text) => message(text, { content: Buffer.concat([Buffer.from(text + ':'), big]) })));
      }
      await stream.until(() => stream.envelopes().length >= 256);
      expect(stream.envelopes()).toHaveLength(256);
      await ackUntil(bob.auth, stream, expected.length);
      const received = stream.envelopes().map((e) => e.content.toString().split(':')[0]);
      expect(received).toEqual(expected);
    } finally {
      stream.cancel();
    }
  });

  it('ends an older stream of the same account with ABORTED when a newer one opens', async () => {
    const [alice, bob] = await pair();
    const older = subscribe(stubs, bob.auth);
    await older.until((events) => events.length >= 1);
    const newer = subscribe(stubs, bob.auth);
    try {
      const ended = await older.ended;
      expect(ended.code).toBe(status.ABORTED);
      await newer.until((events) => events.some((e) => e.queue_empty));
      await send(stubs, alice.auth, bob.number, [message('to the newer')]);
      await newer.until(() => newer.envelopes().length === 1);
    } finally {
      newer.cancel();
    }
  });

  it('needs a session token', async () => {
    const md = (await pair())[0].auth.clone();
    md.set('authorization', 'Bearer wrongwrongwrongwrongwrong');
    const stream = subscribe(stubs, md);
    expect((await stream.ended).code).toBe(status.UNAUTHENTICATED);
  });
});
