import { describe, expect, it } from '@jest/globals';
import { maintainPreKeys } from '../../client/core/prekeyMaintenance.js';
import { clientPair } from '../helpers/clients.js';
import { openContext, wireAccount } from '../helpers/clientWire.js';

const ALICE = '+15558880001';
const BOB = '+15558880002';
const DAY = 24 * 60 * 60 * 1000;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('prekey upkeep', () => {
  const pair = clientPair({ alice: ALICE, bob: BOB }, { rateLimits: false });

  it('tops the one-time keys up to 100 when fewer than 10 are left', async () => {
    const bobWire = await wireAccount(pair.server.address, BOB, pair.bob.dataDir);
    const aliceWire = await wireAccount(pair.server.address, ALICE, pair.alice.dataDir);
    try {
      expect(await bobWire.api.getPreKeyCount()).toEqual({ ec: 100, kyber: 100 });
      for (let i = 0; i < 95; i++) await aliceWire.api.getPreKeyBundle(BOB);
      expect(await bobWire.api.getPreKeyCount()).toEqual({ ec: 5, kyber: 5 });

      await pair.bob.client.connect();
      await until(async () => (await bobWire.api.getPreKeyCount()).ec === 100, 10_000, 'replenished prekeys');
      expect(await bobWire.api.getPreKeyCount()).toEqual({ ec: 100, kyber: 100 });
    } finally {
      bobWire.close();
      aliceWire.close();
    }
  });

  it('rotates the signed and last-resort keys after 2 days, keeping old ones for late PreKey messages', async () => {
    // Bob is offline while Alice's first message waits on the server and his keys rotate: it arrives late.
    await pair.bob.client.close();
    await pair.alice.client.send(BOB, 'sent before the rotation');
    const { ctx, close } = await openContext(pair.server.address, BOB, pair.bob.dataDir);
    const signedIds = (): number[] => (ctx.db.prepare('SELECT id FROM signed_prekeys ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const lastResortIds = (): number[] =>
      (ctx.db.prepare('SELECT id FROM kyber_prekeys WHERE last_resort = 1 ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    try {
      const [original] = signedIds();
      expect(lastResortIds()).toHaveLength(1);
      await maintainPreKeys(ctx, Date.now() + 3 * DAY);
      expect(signedIds()).toHaveLength(2);
      expect(lastResortIds()).toHaveLength(2);
      const bundle = await ctx.api.getPreKeyBundle(BOB);
      expect(bundle.signed_pre_key?.id).not.toBe(original);
    } finally {
      close();
    }
    pair.bob = await pair.bob.reopen();
    await pair.bob.client.connect();
    await pair.bob.log.waitFor((events) => events.some((e) => e.event === 'message' && e.text === 'sent before the rotation'), 10_000, 'the late message');

    await pair.bob.client.close();
    const later = await openContext(pair.server.address, BOB, pair.bob.dataDir);
    try {
      await maintainPreKeys(later.ctx, Date.now() + 40 * DAY);
      // Older than 30 days and superseded: gone. The newest stays.
      expect((later.ctx.db.prepare('SELECT count(*) AS n FROM signed_prekeys').get() as { n: number }).n).toBe(1);
    } finally {
      later.close();
    }
    pair.bob = await pair.bob.reopen();
  });

  it('re-registering with the same identity keeps sessions working', async () => {
    await pair.bob.client.register();
    await pair.bob.client.connect();
    await pair.alice.client.send(BOB, 'after re-registering');
    await pair.bob.log.waitFor((events) => events.some((e) => e.event === 'message' && e.text === 'after re-registering'), 10_000, 'message');
    await pair.bob.client.send(ALICE, 'still me');
    await pair.alice.client.receive();
    expect(pair.alice.client.messages(BOB).at(-1)?.text).toBe('still me');
    expect(pair.alice.log.of('identity_changed')).toEqual([]);
  });
});
