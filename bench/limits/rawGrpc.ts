/**
 * Limits of grpc-js itself on this machine, server in a child process as the
 * real server is: server-streaming rate of 120-byte messages (backpressure
 * honoured by the server), unary call rate with 64 calls in flight, and the
 * round trip of one unary call at a time: the floor under the one-way latency
 * figures, where a message goes client -> server -> client (about one such
 * round trip) with a commit in between (limits/sqliteQueue.ts times that).
 * The relay step measures the streaming rate, in alternation with the relay
 * figure it divides; this step the other two.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { useLeanAsyncResourceBind } from '../../client/core/net/leanAsyncBind.js';
import { GRPC_UNARY_IN_FLIGHT, PAYLOAD_BYTES, type BenchConfig } from '../config.js';
import { figure, type Figure } from '../figure.js';
import type { Step, StepContext } from '../step.js';
import { startNodeChild } from '../support/childProcess.js';
import { nowMs, ratePerSecond } from '../support/clock.js';
import { howFar } from '../support/progress.js';
import { repeat, warmUpSize, type Repetition } from '../support/repeat.js';
import { quantile } from '../support/stats.js';
import { countRequest, RAW_SERVICE } from './rawGrpcService.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./rawGrpcServer.js', import.meta.url));
const identity = (buffer: Buffer): Buffer => buffer;

export const RAW_STREAM_RATE = 'limit.grpcStream';
export const RAW_UNARY_RATE = 'limit.grpcUnary';

/** The raw gRPC server in a child process and a client of it, for `use`. */
export async function withRawGrpc<T>(use: (client: grpc.Client) => Promise<T>): Promise<T> {
  const server = await startNodeChild([SERVER_SCRIPT], 'raw gRPC server');
  const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
  try {
    return await use(client);
  } finally {
    client.close();
    await server.stop();
  }
}

/** One repetition of the streaming-rate limit. */
export async function measureStreamRate(client: grpc.Client, config: BenchConfig, run: Repetition): Promise<number> {
  const count = warmUpSize(config.grpcStreamMessages, run);
  const startedAt = nowMs();
  await receiveStream(client, count, (received) => run.report(`grpc-js limit: ${howFar(received, count, 'streamed')}`));
  return ratePerSecond(count, nowMs() - startedAt);
}

export function streamRateFigure(config: BenchConfig, rates: number[]): Figure {
  return figure(RAW_STREAM_RATE, 'limit: grpc-js server stream, 120 B', 'msg/s', rates, {
    details: { messagesPerRepetition: config.grpcStreamMessages },
  });
}

export const rawGrpcLimits: Step = {
  key: 'grpc',
  name: 'limits: raw grpc-js unary calls',
  async run({ config, progress }: StepContext): Promise<Figure[]> {
    return withRawGrpc(async (client) => {
      const unaryRates = await repeat({ repetitions: config.repetitions, progress, warmUp: true }, async (run) => {
        const count = warmUpSize(config.grpcUnaryCalls, run);
        const startedAt = nowMs();
        await callUnary(client, count, GRPC_UNARY_IN_FLIGHT, (done) => run.report(howFar(done, count, 'calls')));
        return ratePerSecond(count, nowMs() - startedAt);
      });
      // As the load generator of the latency figures calls (support/wire.ts), so both pay the same per-call costs.
      useLeanAsyncResourceBind();
      const roundTrips = await repeat({ repetitions: config.repetitions, progress, warmUp: true }, async (run) => {
        const count = warmUpSize(config.latencyMessages, run);
        const timesMs = await timeRoundTrips(client, count, (done) => run.report(howFar(done, count, 'round trips')));
        return { p50: quantile(timesMs, 0.5), p99: quantile(timesMs, 0.99) };
      });
      return [
        figure(RAW_UNARY_RATE, `limit: grpc-js unary, ${GRPC_UNARY_IN_FLIGHT} in flight`, 'call/s', unaryRates, {
          details: { callsPerRepetition: config.grpcUnaryCalls },
        }),
        figure('limit.grpcRoundTrip.p50', 'limit: grpc-js unary round trip p50, 1 in flight', 'ms', roundTrips.map((r) => r.p50), {
          details: { callsPerRepetition: config.latencyMessages },
        }),
        figure('limit.grpcRoundTrip.p99', 'limit: grpc-js unary round trip p99, 1 in flight', 'ms', roundTrips.map((r) => r.p99), {
          details: { callsPerRepetition: config.latencyMessages },
        }),
      ];
    });
  },
};

function receiveStream(client: grpc.Client, count: number, report: (received: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const call = client.makeServerStreamRequest(RAW_SERVICE.stream.path, identity, identity, countRequest(count));
    call.on('data', () => {
      received += 1;
      if (received % 1000 === 0) report(received);
    });
    call.on('error', reject);
    call.on('end', () => (received === count ? resolve() : reject(new Error(`stream ended after ${received} of ${count}`))));
  });
}

function callUnary(client: grpc.Client, count: number, inFlight: number, report: (done: number) => void): Promise<void> {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
  let started = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const next = (): void => {
      if (started >= count) return;
      started += 1;
      client.makeUnaryRequest(RAW_SERVICE.echo.path, identity, identity, payload, (error) => {
        if (error) return reject(error);
        done += 1;
        if (done % 500 === 0) report(done);
        if (done === count) resolve();
        else next();
      });
    };
    for (let i = 0; i < inFlight; i += 1) next();
  });
}

/** Unary calls one after another, each timed from the call to its answer. */
async function timeRoundTrips(client: grpc.Client, count: number, report: (done: number) => void): Promise<number[]> {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
  const timesMs: number[] = [];
  for (let done = 0; done < count; done += 1) {
    const startedAt = nowMs();
    await new Promise<void>((resolve, reject) => {
      client.makeUnaryRequest(RAW_SERVICE.echo.path, identity, identity, payload, (error) => (error ? reject(error) : resolve()));
    });
    timesMs.push(nowMs() - startedAt);
    if (done % 500 === 0) report(done);
  }
  return timesMs;
}
