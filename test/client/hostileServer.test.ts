/**
 * The client against a server that lies: every answer is untrusted. The real
 * server holds the accounts and queues; a tampering server in front of it
 * (helpers/tamperingServer.ts) rewrites what the client is told.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import { join } from 'node:path';
import { MAX_RECEIVE_ENVELOPES } from '../../client/core/chatClient.js';
import { MailboxStream } from '../../client/core/net/mailboxStream.js';
import { DATABASE_FILE, openDatabaseFile } from '../../client/core/storage/database.js';
import { signIn } from '../../client/core/signIn.js';
import { registeredClient, TEST_BACKOFF, type TestClient } from '../helpers/clients.js';
import { openContext, wireAccount } from '../helpers/clientWire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTamperingServer, type Tampering, type TamperingServer } from '../helpers/tamperingServer.js';

const ALICE = '+15557770001';
const BOB = '+15557770002';
const CAROL = '+15557770003';

/** libsignal's parser accepts a key with bytes after it; the contract does not. */
function withTrailingBytes(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0, 1, 2])]);
}

describe('a hostile server', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
    carol = await registeredClient(server.address, CAROL);
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await carol?.dispose();
    await server?.stop();
  });

  /** Runs `body` with Bob's client reopened behind a server that tampers as told; Bob is back on the real server after. */
  async function withBobBehind(tampering: Tampering, body: (hostile: TamperingServer) => Promise<void>): Promise<void> {
    const hostile = await startTamperingServer(server.address, tampering);
    bob = await bob.reopen(hostile.address);
    try {
      await body(hostile);
    } finally {
      bob = await bob.reopen(server.address);
      await hostile.stop();
    }
  }

  /** A Fetch answer whose envelopes name the sender `claim` gives (the i-th of the page) instead of the real one. */
  const claimingSenders = (claim: (source: string, i: number) => string) => (page: FetchResponse__Output) => ({
    ...page,
    envelopes: page.envelopes.map((envelope, i) => ({ ...envelope, source: claim(envelope.source, i) })),
  });

  it('drops an envelope whose sender is not a phone number, or is our own number, and acks it', async () => {
    await alice.client.send(BOB, 'first');
    await alice.client.send(BOB, 'second');
    await withBobBehind({ rewrite: { Fetch: claimingSenders((_, i) => ['../not a number\u001b[2J', BOB][i]!) } }, async () => {
      expect(await bob.client.receive()).toBe(2);
      // Both would decrypt under any name (they are PreKey messages): nothing of them may be stored under these.
      expect(bob.client.conversations()).toEqual([]);
      expect(bob.log.of('message')).toEqual([]);
      expect(bob.log.of('error')).toEqual([
        expect.objectContaining({ code: 'undecryptable', message: expect.stringContaining('not a phone number') }),
        expect.objectContaining({ code: 'undecryptable', message: expect.stringContaining('our own number') }),
      ]);
    });
    // Acked: they do not come back.
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    try {
      expect(await bobWire.fetchAll()).toEqual([]);
    } finally {
      bobWire.close();
    }
  });

  it('does not show a message as from a contact when another contact encrypted it', async () => {
    // Sessions both ways with Alice and Carol, so that what Carol sends next is a plain (Whisper) message.
    for (const contact of [alice, carol]) {
      await contact.client.send(BOB, 'hello');
      await bob.client.receive();
      await bob.client.send(contact.client.number, 'hello back');
      await contact.client.receive();
    }
    // Their delivery receipts too: the queue holds only what comes next.
    await bob.client.receive();
    const fromAlice = bob.client.messages(ALICE).length;
    await carol.client.send(BOB, 'carol, claimed to be alice');
    await withBobBehind({ rewrite: { Fetch: claimingSenders((source) => (source === CAROL ? ALICE : source)) } }, async () => {
      await bob.client.receive();
      expect(bob.client.messages(ALICE)).toHaveLength(fromAlice);
      expect(bob.log.of('message')).toEqual([]);
      expect(bob.log.of('error')).toEqual([expect.objectContaining({ code: 'undecryptable', message: expect.stringContaining(ALICE) })]);
    });
  });

  it.each([
    ['identity key', '+15557770004', (bundle: PreKeyBundle__Output) => ({ ...bundle, identity_key: withTrailingBytes(bundle.identity_key) })],
    ['signed prekey', '+15557770005', (bundle: PreKeyBundle__Output) => ({ ...bundle, signed_pre_key: { ...bundle.signed_pre_key!, public_key: withTrailingBytes(bundle.signed_pre_key!.public_key) } })],
    ['Kyber prekey', '+15557770006', (bundle: PreKeyBundle__Output) => ({ ...bundle, kyber_pre_key: { ...bundle.kyber_pre_key!, public_key: withTrailingBytes(bundle.kyber_pre_key!.public_key) } })],
  ])('refuses a bundle whose %s has bytes past its end (API.md: exact lengths), and keeps nothing of it', async (_part, dave, doctor) => {
    const contact = await registeredClient(server.address, dave);
    try {
      await withBobBehind({ rewrite: { GetPreKeyBundle: doctor } }, async () => {
        await expect(bob.client.fetchKeys(dave)).rejects.toMatchObject({ code: 'bad_bundle' });
        await expect(bob.client.safetyNumber(dave)).rejects.toMatchObject({ code: 'no_identity' });
        expect(bob.client.conversations().map((c) => c.number)).not.toContain(dave);
      });
    } finally {
      await contact.dispose();
    }
  });

  /** An envelope the server never stored: a new guid, junk content. */
  const madeUp = (source = ALICE) => ({ guid: randomUUID(), source, source_device: 1, destination: BOB, type: 2, content: Buffer.alloc(64, 7), client_timestamp: '1', server_timestamp: '1' });

  it('takes no more of a Fetch page than it asked for, so that its Ack stays within the contract', async () => {
    await alice.client.send(BOB, 'under a padded page');
    // 1,000 made-up envelopes after the real ones: acking the whole page would pass the 1,000 guids an Ack may carry.
    const padding = Array.from({ length: 1_000 }, () => madeUp());
    await withBobBehind({ rewrite: { Fetch: (page: FetchResponse__Output) => ({ envelopes: [...page.envelopes, ...padding], more: true }) } }, async () => {
      await bob.client.receive();
      expect(bob.log.of('queue').every((event) => event.pending <= 100)).toBe(true);
      expect(bob.log.of('message').map((event) => event.text)).toEqual(['under a padded page']);
    });
    // The real envelope was acked with its page.
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    try {
      expect(await bobWire.fetchAll()).toEqual([]);
    } finally {
      bobWire.close();
    }
  });

  it('stops a receive that the server keeps feeding, and records a made-up sender cut short', async () => {
    let pages = 0;
    const longSource = `+1${'5'.repeat(100_000)}`;
    const Fetch: NonNullable<Tampering['unary']>[string] = (_request, callback) => {
      pages++;
      const envelopes = Array.from({ length: 100 }, (_, i) => madeUp(pages === 1 && i === 0 ? longSource : ALICE));
      callback(null, { envelopes, more: true });
    };
    await withBobBehind({ unary: { Fetch } }, async () => {
      await expect(bob.client.receive()).rejects.toMatchObject({ code: 'server', message: expect.stringContaining(`stopped after ${MAX_RECEIVE_ENVELOPES}`) });
      expect(pages).toBe(MAX_RECEIVE_ENVELOPES / 100 + 1);
    });
    await bob.client.close();
    const db = openDatabaseFile(join(bob.dataDir, DATABASE_FILE));
    try {
      const longest = db.prepare(`SELECT max(length(source)) AS longest FROM failed_envelopes`).get() as { longest: number };
      expect(longest.longest).toBe(32);
    } finally {
      db.close();
      bob = await bob.reopen();
    }
  });

  it('pauses a stream that floods while envelopes are being handled, so it cannot fill memory', async () => {
    const FLOOD = 10_000;
    let written = 0;
    let allWritten!: () => void;
    const done = new Promise<void>((resolve) => (allWritten = resolve));
    // Envelopes as fast as the connection takes them, acks or not (the contract allows 256 in flight).
    const subscribe: Tampering['subscribe'] = (call) => {
      const writeMore = (): void => {
        while (written < FLOOD) {
          written++;
          const envelope = { guid: randomUUID(), source: ALICE, source_device: 1, destination: BOB, type: 2, content: Buffer.alloc(1024, 7) };
          if (!call.write({ envelope })) return void call.once('drain', writeMore);
        }
        allWritten();
      };
      writeMore();
    };
    const hostile = await startTamperingServer(server.address, { subscribe });
    await bob.client.close();
    const { ctx, close } = await openContext(hostile.address, BOB, bob.dataDir);
    let handed = 0;
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    const stream = new MailboxStream(
      ctx.api,
      {
        authenticate: () => signIn(ctx),
        onConnected: () => {},
        // The first batch takes as long as the test: everything after it waits.
        onEnvelopes: async (envelopes) => {
          handed += envelopes.length;
          await busy;
        },
        onQueueEmpty: () => {},
        onState: () => {},
        onError: () => {},
      },
      TEST_BACKOFF,
    );
    try {
      await stream.start();
      // Settles when the server has written everything, or has been held back for a second.
      await new Promise<void>((resolve, reject) => {
        let last = -1;
        const poll = setInterval(() => {
          if (written === last) finish();
          last = written;
        }, 1_000);
        const limit = setTimeout(() => finish(new Error(`still writing after 30 s (${written})`)), 30_000);
        const finish = (err?: Error): void => {
          clearInterval(poll);
          clearTimeout(limit);
          if (err) reject(err);
          else resolve();
        };
        void done.then(() => finish());
      });
      expect(handed).toBeGreaterThan(0);
      expect(written).toBeLessThan(2_000);
    } finally {
      release();
      await stream.stop();
      close();
      await hostile.stop();
      bob = await bob.reopen();
    }
  });
});
