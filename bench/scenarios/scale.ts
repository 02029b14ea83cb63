/**
 * Scale: one recipient's drain rate with 1,000,000 envelopes queued over
 * 10,000 recipients, against the same with 10,000 queued in all (the same
 * queue length per recipient, so only the size of the table differs); the
 * server's resident memory and startup time on the big database.
 *
 * Both databases are seeded first and then measured in alternation
 * (support/repeat.ts repeatWithLimit), so that the machine's drift reaches
 * both alike instead of the ratio between them. Each repetition starts from a
 * copy of its database as seeded and drains the same recipients, so every
 * repetition does the same work, and the small database (100 queues in all)
 * has enough of them for a repetition long enough to time.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure } from '../figure.js';
import type { Step, StepContext } from '../step.js';
import { howFar } from '../support/progress.js';
import { repeatWithLimit, type Repetition } from '../support/repeat.js';
import { startServer } from '../support/serverUnderTest.js';
import { withTempDir } from '../support/tempDir.js';
import { connect, registerAccount, type Account } from '../support/wire.js';
import { drainSeconds } from './offlineDrain.js';
import { seedQueues } from './scaleSeed.js';

const RSS_MAX_MIB = 300;
const STARTUP_MAX_SECONDS = 2;

interface SizeRun {
  drainRate: number;
  startupSeconds: number;
  residentMiB: number;
  peakResidentMiB: number;
}

interface Size {
  envelopes: number;
  recipients: number;
}

/** A seeded database, kept as seeded, and the registered recipients whose queues each repetition drains. */
interface SeededSize {
  label: string;
  /** The database as seeded; never opened again. */
  seeded: string;
  /** The copy a repetition's server runs on. */
  db: string;
  perRecipient: number;
  drained: Account[];
}

/** Seeds a database of `size` in `dir`, with recipients registered through the API (real keys and tokens). */
async function seedSize(size: Size, dir: string, context: StepContext): Promise<SeededSize> {
  const { config, progress } = context;
  const label = `${size.envelopes.toLocaleString('en-US')} queued`;
  const db = join(dir, 'server.db');
  const drained = await registerDrainedRecipients(db, config.scaleDrainedRecipients, (done, count) =>
    progress.update(`${label}: registering ${howFar(done, count, 'recipients')}`),
  );
  const seedStarted = Date.now();
  seedQueues(db, { registeredRecipients: drained.map((account) => account.number), ...size }, (inserted) =>
    progress.update(`${label}: seeding ${howFar(inserted, size.envelopes, 'envelopes')}`),
  );
  progress.note(`${label}: seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
  // Closed, so checkpointed: the one file is the whole database.
  const seeded = join(dir, 'seeded.db');
  copyFileSync(db, seeded);
  return { label, seeded, db, perRecipient: size.envelopes / size.recipients, drained };
}

/** Puts the database back as seeded: the drains of the repetition before acked their queues away. */
function restoreSeeded(seeded: SeededSize): void {
  for (const suffix of ['-wal', '-shm']) rmSync(seeded.db + suffix, { force: true });
  copyFileSync(seeded.seeded, seeded.db);
}

/** One repetition: restore the database, start the server on it, drain the recipients, read its memory, stop it. */
async function measureOnce(seeded: SeededSize, run: Repetition, context: StepContext): Promise<SizeRun> {
  restoreSeeded(seeded);
  const server = await startServer({ db: seeded.db, profileDir: context.serverProfileDir });
  const wire = connect(server.address);
  const [first, ...rest] = seeded.drained as [Account, ...Account[]];
  try {
    // The first drain after a server start warms it up (JIT, statement cache) and is not timed.
    await drainSeconds(wire, first, seeded.perRecipient, () => {});
    const timed = rest.length;
    let seconds = 0;
    for (const [i, recipient] of rest.entries()) {
      seconds += await drainSeconds(wire, recipient, seeded.perRecipient, () => {});
      run.report(`${seeded.label}: ${howFar(i + 1, timed, 'queues drained')}`);
    }
    return {
      drainRate: (timed * seeded.perRecipient) / seconds,
      startupSeconds: server.startupMs / 1000,
      residentMiB: server.residentKiB() / 1024,
      peakResidentMiB: server.peakResidentKiB() / 1024,
    };
  } finally {
    wire.close();
    await server.stop();
  }
}

/** Registers the recipients whose queues get drained, through the API, so they hold real keys and tokens. */
async function registerDrainedRecipients(db: string, count: number, report: (done: number, count: number) => void): Promise<Account[]> {
  const server = await startServer({ db });
  const wire = connect(server.address);
  try {
    const accounts: Account[] = [];
    for (let i = 0; i < count; i += 1) {
      accounts.push(await registerAccount(wire, server.serverId));
      report(i + 1, count);
    }
    return accounts;
  } finally {
    wire.close();
    await server.stop();
  }
}

export const scaleScenario: Step = {
  key: 'scale',
  name: 'scale: drain, memory and startup on a big mailbox table',
  async run(context: StepContext): Promise<Figure[]> {
    const { config } = context;
    const perRecipient = config.scaleEnvelopes / config.scaleRecipients;
    // The small database is the large one's limit.
    const { limits: small, results: large } = await withTempDir('scale-small', (smallDir) =>
      withTempDir('scale-large', async (largeDir) => {
        const smallSeeded = await seedSize({ envelopes: config.scaleSmallEnvelopes, recipients: config.scaleSmallEnvelopes / perRecipient }, smallDir, context);
        const largeSeeded = await seedSize({ envelopes: config.scaleEnvelopes, recipients: config.scaleRecipients }, largeDir, context);
        return repeatWithLimit(
          { repetitions: config.repetitions, progress: context.progress },
          (run) => measureOnce(smallSeeded, run, context),
          (run) => measureOnce(largeSeeded, run, context),
        );
      }),
    );
    const largeLabel = config.scaleEnvelopes.toLocaleString('en-US');
    const details = {
      envelopes: config.scaleEnvelopes,
      recipients: config.scaleRecipients,
      smallEnvelopes: config.scaleSmallEnvelopes,
      envelopesPerRecipient: perRecipient,
      recipientsDrainedPerRepetition: config.scaleDrainedRecipients,
      peakResidentMiB: large.map((r) => r.peakResidentMiB),
      startupSecondsSmall: small.map((r) => r.startupSeconds),
    };
    return [
      figure('scale.drainSmall', `drain, ${config.scaleSmallEnvelopes.toLocaleString('en-US')} queued in all`, 'msg/s', small.map((r) => r.drainRate)),
      figure('scale.drainLarge', `drain, ${largeLabel} queued in all`, 'msg/s', large.map((r) => r.drainRate), {
        limitId: 'scale.drainSmall',
        target: { kind: 'ratioAtLeast', min: 0.9 },
        details,
      }),
      figure('scale.rss', `server RSS, ${largeLabel} queued`, 'MiB', large.map((r) => r.residentMiB), {
        target: { kind: 'atMost', max: RSS_MAX_MIB },
      }),
      figure('scale.startup', `server startup, ${largeLabel} queued`, 's', large.map((r) => r.startupSeconds), {
        target: { kind: 'atMost', max: STARTUP_MAX_SECONDS },
      }),
    ];
  },
};
