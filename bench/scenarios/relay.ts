/**
 * Relay: opaque 120-byte envelopes from one sender to one online receiver
 * through the real server, durable (Send returns after commit), at most 1,000
 * in flight, the receiver acking, against raw grpc-js streaming measured in
 * alternation with it (limits/rawGrpc.ts). Then the same with one in flight:
 * the unloaded latency.
 */
import { RELAY_IN_FLIGHT, SEND_BATCH } from '../config.js';
import { figure, type Figure } from '../figure.js';
import { RAW_STREAM_RATE, measureStreamRate, streamRateFigure, withRawGrpc } from '../limits/rawGrpc.js';
import type { Step, StepContext } from '../step.js';
import { ratePerSecond } from '../support/clock.js';
import { howFar } from '../support/progress.js';
import { repeat, repeatWithLimit, warmUpSize, type Repetition } from '../support/repeat.js';
import { withServer } from '../support/serverUnderTest.js';
import { quantile } from '../support/stats.js';
import { registerAccount } from '../support/wire.js';
import { relay } from './wireTraffic.js';

const DEADLINE_MS = 120_000;
const UNLOADED_P99_MAX_MS = 5;

interface RelayRun {
  rate: number;
  p50: number;
  p99: number;
  /** Share of one core the server used while relaying. */
  serverCpu: number;
  /** Share of one core this process (the load generator) used meanwhile. */
  loadGeneratorCpu: number;
}

export const relayScenario: Step = {
  key: 'relay',
  name: 'relay through the server (rate, latency)',
  async run({ config, progress, serverProfileDir }: StepContext): Promise<Figure[]> {
    return withServer('relay', serverProfileDir, async (server, wire) => {
      const measureOnce = async (messages: number, maxInFlight: number, batch: number, run: Repetition): Promise<RelayRun> => {
        const sender = await registerAccount(wire, server.serverId);
        const recipient = await registerAccount(wire, server.serverId);
        const count = warmUpSize(messages, run);
        const serverCpuBefore = server.cpuSeconds();
        const loadGeneratorCpuBefore = process.cpuUsage();
        const result = await relay(wire, sender, recipient, {
          count,
          maxInFlight,
          batch,
          deadlineMs: DEADLINE_MS,
          report: (received) => run.report(howFar(received, count, 'received')),
        });
        const loadGeneratorCpu = process.cpuUsage(loadGeneratorCpuBefore);
        const seconds = result.elapsedMs / 1000;
        return {
          rate: ratePerSecond(count, result.elapsedMs),
          p50: quantile(result.latenciesMs, 0.5),
          p99: quantile(result.latenciesMs, 0.99),
          serverCpu: (server.cpuSeconds() - serverCpuBefore) / seconds,
          loadGeneratorCpu: (loadGeneratorCpu.user + loadGeneratorCpu.system) / 1e6 / seconds,
        };
      };
      const options = { repetitions: config.repetitions, progress, warmUp: true };
      const { limits: streamRates, results: loaded } = await withRawGrpc((client) =>
        repeatWithLimit(
          options,
          (run) => measureStreamRate(client, config, run),
          (run) => measureOnce(config.relayMessages, RELAY_IN_FLIGHT, SEND_BATCH, run),
        ),
      );
      const unloaded = await repeat(options, (run) => measureOnce(config.latencyMessages, 1, 1, run));
      const loadedDetails = { messagesPerRepetition: config.relayMessages, maxInFlight: RELAY_IN_FLIGHT, messagesPerSend: SEND_BATCH };
      return [
        streamRateFigure(config, streamRates),
        figure('relay.rate', `relay, ${RELAY_IN_FLIGHT.toLocaleString('en-US')} in flight, durable`, 'msg/s', loaded.map((r) => r.rate), {
          limitId: RAW_STREAM_RATE,
          target: { kind: 'ratioAtLeast', min: 0.25 },
          details: loadedDetails,
        }),
        // Who is busy while relaying: near 1.0 means that process is the bottleneck; both low means waits (fsync).
        figure('relay.serverCpu', 'server CPU while relaying', 'core', loaded.map((r) => r.serverCpu)),
        figure('relay.loadGeneratorCpu', 'load generator CPU while relaying', 'core', loaded.map((r) => r.loadGeneratorCpu)),
        figure('relay.p50', 'relay one-way latency p50, loaded', 'ms', loaded.map((r) => r.p50)),
        figure('relay.p99', 'relay one-way latency p99, loaded', 'ms', loaded.map((r) => r.p99)),
        figure('latency.p50', 'one-way latency p50, 1 in flight', 'ms', unloaded.map((r) => r.p50), { details: { messagesPerRepetition: config.latencyMessages } }),
        figure('latency.p99', 'one-way latency p99, 1 in flight', 'ms', unloaded.map((r) => r.p99), {
          target: { kind: 'atMost', max: UNLOADED_P99_MAX_MS },
        }),
      ];
    });
  },
};
