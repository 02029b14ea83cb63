/**
 * End to end with encryption: real client cores (ChatClient, no UI), each on
 * its own SQLite file, through the real server. A sends to B; B decrypts and
 * commits before it acks. Messages per second and latency (A's send() called
 * to B's stored message), then new sessions per second: fresh senders, each
 * fetching B's bundle, sending a first message, B decrypting it. Each is
 * divided by libsignal's own rate (limits/libsignal.ts), measured in this
 * process in alternation with its repetitions.
 *
 * The sending clients and the receiving client each run in a child process of
 * their own (support/clientProcess.ts), as two devices would: the bench process
 * only hands the receiver's arrivals to the sender, which times them.
 */
import { E2E_IN_FLIGHT, E2E_SETUPS_IN_FLIGHT } from '../config.js';
import { figure, type Figure } from '../figure.js';
import { SIGNAL_PAIR_RATE, SIGNAL_SETUP_RATE, measurePairRate, measureSetupRate, pairRateFigure, setupRateFigure } from '../limits/libsignal.js';
import type { Step, StepContext } from '../step.js';
import { ClientProcess, PROFILE_DIR_ENV, type SendResult } from '../support/clientProcess.js';
import { ratePerSecond } from '../support/clock.js';
import { withDeadline } from '../support/deadline.js';
import { howFar } from '../support/progress.js';
import { repeatWithLimit, warmUpSize } from '../support/repeat.js';
import { withServer, type ServerUnderTest } from '../support/serverUnderTest.js';
import { quantile } from '../support/stats.js';
import { withTempDir } from '../support/tempDir.js';
import { freshNumber } from '../support/wire.js';

const DEADLINE_MS = 180_000;

/** Sender and receiver processes for one step; each repetition opens fresh clients in them. */
interface Devices {
  sender: ClientProcess;
  receiver: ClientProcess;
}

async function startDevices(profileDir: string | undefined): Promise<Devices> {
  const sender = await ClientProcess.start('sending client process', profileDir);
  try {
    const receiver = await ClientProcess.start('receiving client process', profileDir);
    // What the receiver stored is what the sender waits for.
    receiver.onArrivals((arrivals) => sender.forward(arrivals));
    return { sender, receiver };
  } catch (error) {
    await sender.stop();
    throw error;
  }
}

/** Opens and registers fresh clients in both processes (untimed); closes them after `use`. */
async function withClients<T>(
  { sender, receiver }: Devices,
  dir: string,
  server: ServerUnderTest,
  senderCount: number,
  use: (receiverNumber: string) => Promise<T>,
): Promise<T> {
  const receiverNumber = freshNumber();
  const senderNumbers = Array.from({ length: senderCount }, () => freshNumber());
  try {
    await Promise.all([
      receiver.request({ op: 'open', numbers: [receiverNumber], dataDir: dir, server: server.address, listen: true }),
      sender.request({ op: 'open', numbers: senderNumbers, dataDir: dir, server: server.address, listen: false }),
    ]);
    return await use(receiverNumber);
  } finally {
    await Promise.all([sender.request({ op: 'closeClients' }), receiver.request({ op: 'closeClients' })]);
  }
}

/** Sends `texts` from the sender process and returns how long they took, with every client error so far. */
async function sendAll(
  devices: Devices,
  to: string,
  texts: string[],
  inFlight: number,
  eachFromOwnClient: boolean,
  what: string,
): Promise<SendResult> {
  const both = [devices.sender, devices.receiver];
  // A no-op unless the processes were started with a profile folder.
  await Promise.all(both.map((device) => device.request({ op: 'profile', on: true })));
  const sent = devices.sender.request({ op: 'send', to, texts, inFlight, eachFromOwnClient });
  const clientErrors = async (): Promise<string> => {
    const [a, b] = await Promise.all([devices.sender.request({ op: 'errors' }), devices.receiver.request({ op: 'errors' })]);
    return [...a.errors, ...b.errors].slice(0, 3).join('; ') || 'none';
  };
  try {
    const result = (await withDeadline(sent, DEADLINE_MS, what)).send!;
    await Promise.all(both.map((device) => device.request({ op: 'profile', on: false })));
    return result;
  } catch (error) {
    throw new Error(`${(error as Error).message} (client errors: ${await clientErrors().catch(() => 'unknown')})`);
  }
}

/** CPU time per message (or setup) of each process, in microseconds: who pays for what. */
interface CpuPerItem {
  sender: number;
  receiver: number;
  server: number;
}

/** Runs `work` and charges each process's CPU time meanwhile to `count` items. */
async function measuringCpu<T>(devices: Devices, server: ServerUnderTest, count: number, work: () => Promise<T>): Promise<[T, CpuPerItem]> {
  const before = { sender: devices.sender.cpuSeconds(), receiver: devices.receiver.cpuSeconds(), server: server.cpuSeconds() };
  const result = await work();
  const perItem = (now: number, then: number) => ((now - then) * 1e6) / count;
  return [
    result,
    {
      sender: perItem(devices.sender.cpuSeconds(), before.sender),
      receiver: perItem(devices.receiver.cpuSeconds(), before.receiver),
      server: perItem(server.cpuSeconds(), before.server),
    },
  ];
}

interface MessagesRun {
  rate: number;
  latenciesMs: number[];
  cpu: CpuPerItem;
}

interface SetupsRun {
  rate: number;
  cpu: CpuPerItem;
}

async function measureMessages(devices: Devices, server: ServerUnderTest, count: number, report: (done: number) => void): Promise<MessagesRun> {
  return withTempDir('e2e', (dir) =>
    withClients(devices, dir, server, 1, async (bob) => {
      await Promise.all([devices.sender.request({ op: 'connect' }), devices.receiver.request({ op: 'connect' })]);
      // The session is set up before the clock starts, and acknowledged: until Alice has
      // decrypted Bob's delivery receipt she sends PreKey messages (as libsignal's limit does not).
      await sendAll(devices, bob, ['hello'], 1, false, 'the first message');
      await withDeadline(devices.sender.request({ op: 'untilDelivered', to: bob }), DEADLINE_MS, "Bob's first delivery receipt");
      let done = 0;
      devices.receiver.onArrivals((arrivals) => {
        devices.sender.forward(arrivals);
        done += arrivals.length;
        report(done);
      });
      const texts = Array.from({ length: count }, (_, index) => `message ${index}`);
      const [run, cpu] = await measuringCpu(devices, server, count, () =>
        sendAll(devices, bob, texts, E2E_IN_FLIGHT, false, `${count} end-to-end messages`),
      );
      return { rate: ratePerSecond(count, run.elapsedMs), latenciesMs: run.latenciesMs, cpu };
    }),
  );
}

async function measureSessionSetups(devices: Devices, server: ServerUnderTest, count: number, report: (done: number) => void): Promise<SetupsRun> {
  return withTempDir('e2e-setup', (dir) =>
    // Registering the senders (key generation, upload) is not part of a session setup.
    withClients(devices, dir, server, count, async (bob) => {
      await devices.receiver.request({ op: 'connect' });
      let done = 0;
      devices.receiver.onArrivals((arrivals) => {
        devices.sender.forward(arrivals);
        done += arrivals.length;
        report(done);
      });
      const texts = Array.from({ length: count }, (_, index) => `first contact ${index}`);
      const [run, cpu] = await measuringCpu(devices, server, count, () =>
        sendAll(devices, bob, texts, E2E_SETUPS_IN_FLIGHT, true, `${count} session setups`),
      );
      return { rate: ratePerSecond(count, run.elapsedMs), cpu };
    }),
  );
}

export const endToEndScenario: Step = {
  key: 'e2e',
  name: 'end to end with encryption (client cores)',
  async run({ config, progress, serverProfileDir }: StepContext): Promise<Figure[]> {
    return withServer('e2e', serverProfileDir, async (server) => {
      // BENCH_CLIENT_PROFILE_DIR=folder: CPU profiles of the clients' timed parts (read them with profileTop.js).
      const devices = await startDevices(process.env[PROFILE_DIR_ENV]);
      let messages: MessagesRun[];
      let setups: SetupsRun[];
      let pairRates: number[];
      let setupRates: number[];
      try {
        // Each against libsignal's own rate, measured in this process between the repetitions.
        ({ limits: pairRates, results: messages } = await repeatWithLimit(
          { repetitions: config.repetitions, progress, warmUp: true },
          (run) => measurePairRate(config, run),
          (run) => {
            const count = warmUpSize(config.endToEndMessages, run);
            return measureMessages(devices, server, count, (done) => run.report(howFar(done, count, 'messages')));
          },
        ));
        ({ limits: setupRates, results: setups } = await repeatWithLimit(
          { repetitions: config.repetitions, progress, warmUp: true },
          (run) => measureSetupRate(config, run),
          (run) => {
            const count = warmUpSize(config.endToEndSessionSetups, run);
            return measureSessionSetups(devices, server, count, (done) => run.report(howFar(done, count, 'sessions')));
          },
        ));
      } finally {
        await Promise.all([devices.sender.stop(), devices.receiver.stop()]);
      }
      const latency = (q: number) => messages.map((run) => quantile(run.latenciesMs, q));
      const cpuFigures = (id: string, what: string, runs: { cpu: CpuPerItem }[]): Figure[] =>
        (['sender', 'receiver', 'server'] as const).map((process) =>
          figure(`${id}.${process}`, `  CPU per ${what}: ${process === 'server' ? 'server' : `${process} process`}`, 'µs', runs.map((run) => run.cpu[process])),
        );
      return [
        pairRateFigure(config, pairRates),
        setupRateFigure(config, setupRates),
        figure('e2e.rate', `end to end, encrypted, ${E2E_IN_FLIGHT} in flight`, 'msg/s', messages.map((run) => run.rate), {
          limitId: SIGNAL_PAIR_RATE,
          target: { kind: 'ratioAtLeast', min: 0.8 },
          details: { messagesPerRepetition: config.endToEndMessages, maxInFlight: E2E_IN_FLIGHT },
        }),
        ...cpuFigures('e2e.cpu', 'message', messages),
        figure('e2e.p50', 'end to end latency p50', 'ms', latency(0.5)),
        figure('e2e.p99', 'end to end latency p99', 'ms', latency(0.99)),
        figure('e2e.setups', `new sessions, ${E2E_SETUPS_IN_FLIGHT} in flight`, 'setup/s', setups.map((run) => run.rate), {
          limitId: SIGNAL_SETUP_RATE,
          target: { kind: 'ratioAtLeast', min: 0.5 },
          details: { setupsPerRepetition: config.endToEndSessionSetups, maxInFlight: E2E_SETUPS_IN_FLIGHT },
        }),
        ...cpuFigures('e2e.setupCpu', 'setup', setups),
      ];
    });
  },
};
