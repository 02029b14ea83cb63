/**
 * End to end with encryption: real client cores (ChatClient, no UI), each on
 * its own SQLite file, through the real server. A sends to B; B decrypts and
 * commits before it acks. Messages per second and latency (A's send() called
 * to B's stored message), then new sessions per second: fresh senders, each
 * fetching B's bundle, sending a first message, B decrypting it.
 */
import { join } from 'node:path';
import { ChatClient } from '../../client/core/chatClient.js';
import { E2E_IN_FLIGHT, E2E_SETUPS_IN_FLIGHT } from '../config.js';
import { figure, type Figure } from '../figure.js';
import { SIGNAL_PAIR_RATE, SIGNAL_SETUP_RATE } from '../limits/libsignal.js';
import type { Step, StepContext } from '../step.js';
import { nowMs, ratePerSecond } from '../support/clock.js';
import { withDeadline } from '../support/deadline.js';
import { howFar } from '../support/progress.js';
import { repeat, warmUpSize } from '../support/repeat.js';
import { withServer, type ServerUnderTest } from '../support/serverUnderTest.js';
import { quantile } from '../support/stats.js';
import { withTempDir } from '../support/tempDir.js';
import { freshNumber } from '../support/wire.js';

const DEADLINE_MS = 180_000;

/** When each text arrived at a client (its 'message' event: decrypted and committed). */
class Inbox {
  private readonly waiting = new Map<string, (at: number) => void>();
  private readonly arrived = new Map<string, number>();
  readonly errors: string[] = [];

  constructor(client: ChatClient) {
    client.on((event) => {
      if (event.event === 'error') this.errors.push(event.message);
      if (event.event !== 'message') return;
      const at = nowMs();
      const resolve = this.waiting.get(event.text);
      if (resolve) {
        this.waiting.delete(event.text);
        resolve(at);
      } else {
        this.arrived.set(event.text, at);
      }
    });
  }

  arrival(text: string): Promise<number> {
    const at = this.arrived.get(text);
    if (at !== undefined) {
      this.arrived.delete(text);
      return Promise.resolve(at);
    }
    return new Promise((resolve) => this.waiting.set(text, resolve));
  }
}

/** Runs `count` tasks, at most `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function registeredClient(dir: string, server: ServerUnderTest): Promise<ChatClient> {
  const number = freshNumber();
  const client = await ChatClient.open({ number, dataDir: join(dir, number), server: server.address });
  try {
    await client.register();
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Sends `text` from `from` to `to` and returns ms from the send() call to its arrival. */
async function sendAndTime(from: ChatClient, to: ChatClient, inbox: Inbox, text: string): Promise<number> {
  const startedAt = nowMs();
  const arrival = inbox.arrival(text);
  await from.send(to.number, text);
  return (await arrival) - startedAt;
}

interface MessagesRun {
  rate: number;
  latenciesMs: number[];
}

async function measureMessages(server: ServerUnderTest, count: number, report: (done: number) => void): Promise<MessagesRun> {
  return withTempDir('e2e', async (dir) => {
    const alice = await registeredClient(dir, server);
    const bob = await registeredClient(dir, server);
    try {
      const inbox = new Inbox(bob);
      await Promise.all([alice.connect(), bob.connect()]);
      // The session and Bob's first delivery receipt are set up before the clock starts.
      await sendAndTime(alice, bob, inbox, 'hello');
      const latenciesMs: number[] = [];
      const startedAt = nowMs();
      await withDeadline(
        inParallel(count, E2E_IN_FLIGHT, async (index) => {
          latenciesMs.push(await sendAndTime(alice, bob, inbox, `message ${index}`));
          if (latenciesMs.length % 100 === 0) report(latenciesMs.length);
        }),
        DEADLINE_MS,
        `${count} end-to-end messages (client errors: ${inbox.errors.slice(0, 3).join('; ') || 'none'})`,
      );
      return { rate: ratePerSecond(count, nowMs() - startedAt), latenciesMs };
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
}

async function measureSessionSetups(server: ServerUnderTest, count: number, report: (done: number) => void): Promise<number> {
  return withTempDir('e2e-setup', async (dir) => {
    const bob = await registeredClient(dir, server);
    const senders: ChatClient[] = [];
    try {
      const inbox = new Inbox(bob);
      await bob.connect();
      // Registering the senders (key generation, upload) is not part of a session setup.
      for (let i = 0; i < count; i += 1) senders.push(await registeredClient(dir, server));
      let done = 0;
      const startedAt = nowMs();
      await withDeadline(
        inParallel(count, E2E_SETUPS_IN_FLIGHT, async (index) => {
          await sendAndTime(senders[index] as ChatClient, bob, inbox, `first contact ${index}`);
          report(++done);
        }),
        DEADLINE_MS,
        `${count} session setups`,
      );
      return ratePerSecond(count, nowMs() - startedAt);
    } finally {
      await Promise.all([bob, ...senders].map((client) => client.close()));
    }
  });
}

export const endToEndScenario: Step = {
  key: 'e2e',
  name: 'end to end with encryption (client cores)',
  async run({ config, progress, serverProfileDir }: StepContext): Promise<Figure[]> {
    return withServer('e2e', serverProfileDir, async (server) => {
      const messages = await repeat({ repetitions: config.repetitions, progress, warmUp: true }, (run) => {
        const count = warmUpSize(config.endToEndMessages, run);
        return measureMessages(server, count, (done) => run.report(howFar(done, count, 'messages')));
      });
      const setups = await repeat({ repetitions: config.repetitions, progress, warmUp: true }, (run) => {
        const count = warmUpSize(config.endToEndSessionSetups, run);
        return measureSessionSetups(server, count, (done) => run.report(howFar(done, count, 'sessions')));
      });
      const latency = (q: number) => messages.map((run) => quantile(run.latenciesMs, q));
      return [
        figure('e2e.rate', `end to end, encrypted, ${E2E_IN_FLIGHT} in flight`, 'msg/s', messages.map((run) => run.rate), {
          limitId: SIGNAL_PAIR_RATE,
          target: { kind: 'ratioAtLeast', min: 0.8 },
          details: { messagesPerRepetition: config.endToEndMessages, maxInFlight: E2E_IN_FLIGHT },
        }),
        figure('e2e.p50', 'end to end latency p50', 'ms', latency(0.5)),
        figure('e2e.p99', 'end to end latency p99', 'ms', latency(0.99)),
        figure('e2e.setups', `new sessions, ${E2E_SETUPS_IN_FLIGHT} in flight`, 'setup/s', setups, {
          limitId: SIGNAL_SETUP_RATE,
          target: { kind: 'ratioAtLeast', min: 0.5 },
          details: { setupsPerRepetition: config.endToEndSessionSetups, maxInFlight: E2E_SETUPS_IN_FLIGHT },
        }),
      ];
    });
  },
};
