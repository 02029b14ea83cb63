/**
 * Offline drain: 5,000 envelopes queued while the receiver is offline, then
 * the time from its Subscribe to the 5,000th envelope (acking as it goes).
 */
import { figure, type Figure } from '../figure.js';
import type { Step, StepContext } from '../step.js';
import { nowMs } from '../support/clock.js';
import { withDeadline } from '../support/deadline.js';
import { howFar } from '../support/progress.js';
import { openReceiver } from '../support/receiver.js';
import { repeat, warmUpSize } from '../support/repeat.js';
import { withServer } from '../support/serverUnderTest.js';
import { registerAccount, type Account, type Wire } from '../support/wire.js';
import { queueEnvelopes } from './wireTraffic.js';

const DEADLINE_MS = 60_000;
const DRAIN_MAX_SECONDS = 0.35;

/** Seconds from Subscribe to the last of `count` envelopes already queued for `recipient`. */
export async function drainSeconds(wire: Wire, recipient: Account, count: number, report: (received: number) => void): Promise<number> {
  let received = 0;
  let done: () => void = () => {};
  const drained = new Promise<void>((resolve) => (done = resolve));
  const startedAt = nowMs();
  const receiver = openReceiver(wire, recipient, () => {
    received += 1;
    if (received % 500 === 0) report(received);
    if (received === count) done();
  });
  try {
    await withDeadline(Promise.race([drained, receiver.failed]), DEADLINE_MS, `draining ${count} envelopes`);
    return (nowMs() - startedAt) / 1000;
  } finally {
    await receiver.close();
  }
}

export const offlineDrainScenario: Step = {
  key: 'drain',
  name: 'offline drain',
  async run({ config, progress, serverProfileDir }: StepContext): Promise<Figure[]> {
    return withServer('drain', serverProfileDir, async (server, wire) => {
      const seconds = await repeat({ repetitions: config.repetitions, progress, warmUp: true }, async (run) => {
        const count = warmUpSize(config.drainMessages, run);
        const sender = await registerAccount(wire, server.serverId);
        const recipient = await registerAccount(wire, server.serverId);
        run.report(`queueing ${count.toLocaleString('en-US')}`);
        await withDeadline(queueEnvelopes(wire, sender, recipient.number, count), DEADLINE_MS, `queueing ${count} envelopes`);
        return drainSeconds(wire, recipient, count, (received) => run.report(howFar(received, count, 'drained')));
      });
      return [
        figure('drain.seconds', `offline drain of ${config.drainMessages.toLocaleString('en-US')}`, 's', seconds, {
          target: { kind: 'atMost', max: DRAIN_MAX_SECONDS },
          details: { envelopes: config.drainMessages },
        }),
      ];
    });
  },
};
