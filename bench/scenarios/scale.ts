/**
 * Scale: one recipient's drain rate with 1,000,000 envelopes queued over
 * 10,000 recipients, against the same with 10,000 queued in all (the same
 * queue length per recipient, so only the size of the table differs); the
 * server's resident memory and startup time on the big database.
 */
import { join } from 'node:path';
import { figure, type Figure } from '../figure.js';
import type { Step, StepContext } from '../step.js';
import { howFar, type Progress } from '../support/progress.js';
import { repeat } from '../support/repeat.js';
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

/** Seeds a database of `size`, then per repetition: start the server, drain some recipients, read its memory, stop it. */
async function measureSize(size: Size, context: StepContext): Promise<SizeRun[]> {
  const { config, progress, serverProfileDir } = context;
  const perRecipient = size.envelopes / size.recipients;
  const drainedPerRepetition = config.scaleDrainedRecipients;
  const label = `${size.envelopes.toLocaleString('en-US')} queued`;
  return withTempDir('scale', async (dir) => {
    const db = join(dir, 'server.db');
    const drained = await registerDrainedRecipients(db, drainedPerRepetition * config.repetitions, progress, label);
    const seedStarted = Date.now();
    seedQueues(db, { registeredRecipients: drained.map((account) => account.number), ...size }, (inserted) =>
      progress.update(`${label}: seeding ${howFar(inserted, size.envelopes, 'envelopes')}`),
    );
    progress.note(`${label}: seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    let nextRecipient = 0;
    return repeat({ repetitions: config.repetitions, progress }, async (run): Promise<SizeRun> => {
      const server = await startServer({ db, profileDir: serverProfileDir });
      const wire = connect(server.address);
      try {
        // The first drain after a server start warms it up (JIT, statement cache) and is not timed.
        await drainSeconds(wire, drained[nextRecipient++] as Account, perRecipient, () => {});
        const timed = drainedPerRepetition - 1;
        let seconds = 0;
        for (let i = 0; i < timed; i += 1) {
          const recipient = drained[nextRecipient++] as Account;
          seconds += await drainSeconds(wire, recipient, perRecipient, () => {});
          run.report(`${label}: ${howFar(i + 1, timed, 'queues drained')}`);
        }
        return {
          drainRate: (timed * perRecipient) / seconds,
          startupSeconds: server.startupMs / 1000,
          residentMiB: server.residentKiB() / 1024,
          peakResidentMiB: server.peakResidentKiB() / 1024,
        };
      } finally {
        wire.close();
        await server.stop();
      }
    });
  });
}

/** Registers the recipients whose queues get drained, through the API, so they hold real keys and tokens. */
async function registerDrainedRecipients(
  db: string,
  count: number,
  progress: Progress,
  label: string,
): Promise<Account[]> {
  const server = await startServer({ db });
  const wire = connect(server.address);
  try {
    const accounts: Account[] = [];
    for (let i = 0; i < count; i += 1) {
      accounts.push(await registerAccount(wire, server.serverId));
      progress.update(`${label}: registering ${howFar(i + 1, count, 'recipients')}`);
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
    const small = await measureSize({ envelopes: config.scaleSmallEnvelopes, recipients: config.scaleSmallEnvelopes / perRecipient }, context);
    const large = await measureSize({ envelopes: config.scaleEnvelopes, recipients: config.scaleRecipients }, context);
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
