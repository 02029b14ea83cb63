/** Sizes and repetition counts of one bench run: the full form and the quick (CI) form. */

export interface BenchConfig {
  mode: 'full' | 'quick';
  /** Repetitions of each measurement; the table quotes their median. */
  repetitions: number;
  grpcStreamMessages: number;
  grpcUnaryCalls: number;
  sqliteUnbatchedMessages: number;
  sqliteBatchedMessages: number;
  signalPairs: number;
  signalSessionSetups: number;
  relayMessages: number;
  latencyMessages: number;
  drainMessages: number;
  endToEndMessages: number;
  endToEndSessionSetups: number;
  /** Scale step: envelopes queued over recipients, and the small database it is compared with. */
  scaleEnvelopes: number;
  scaleRecipients: number;
  scaleSmallEnvelopes: number;
  /**
   * Recipients whose queues each repetition of the scale step drains (all but
   * the first timed); at most the small database's recipients.
   */
  scaleDrainedRecipients: number;
}

/** Fixed by the issue: they define what the figures mean, so both forms share them. */
export const PAYLOAD_BYTES = 120;
export const GRPC_UNARY_IN_FLIGHT = 64;
export const SQLITE_BATCH = 100;
export const RELAY_IN_FLIGHT = 1_000;
/** The most messages one Send may carry (API.md). */
export const SEND_BATCH = 100;
/** End to end: messages sent and not yet stored by the receiver (one full Send batch). */
export const E2E_IN_FLIGHT = 1_000;
/** End to end: first contacts under way at once. */
export const E2E_SETUPS_IN_FLIGHT = 40;

export const FULL: BenchConfig = {
  mode: 'full',
  repetitions: 5,
  grpcStreamMessages: 100_000,
  grpcUnaryCalls: 10_000,
  // Also the sample of the commit-time floor (p99): as many as the one-in-flight latency figures take.
  sqliteUnbatchedMessages: 5_000,
  sqliteBatchedMessages: 40_000,
  signalPairs: 5_000,
  signalSessionSetups: 300,
  relayMessages: 10_000,
  // A p99 of 1,000 samples rests on its 10 worst (repetitions spread 3-5.6 ms apart); 5,000 spread 1.2-2.3 ms.
  latencyMessages: 5_000,
  drainMessages: 5_000,
  // Ten times the messages in flight: filling and draining the pipeline (p50 latency ~0.35 s) is a small part of the run.
  endToEndMessages: 10_000,
  // Two waves of E2E_SETUPS_IN_FLIGHT, within the receiver's 100 one-time prekeys (no top-up mid-run).
  endToEndSessionSetups: 80,
  scaleEnvelopes: 1_000_000,
  scaleRecipients: 10_000,
  scaleSmallEnvelopes: 10_000,
  // 59 timed drains of 100, about 0.6 s a repetition: with 19 (0.2 s) a repetition's rate moved 10-20% between pairs.
  scaleDrainedRecipients: 60,
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  repetitions: 2,
  grpcStreamMessages: 10_000,
  grpcUnaryCalls: 500,
  sqliteUnbatchedMessages: 100,
  sqliteBatchedMessages: 4_000,
  signalPairs: 500,
  signalSessionSetups: 30,
  relayMessages: 2_000,
  latencyMessages: 100,
  drainMessages: 5_000,
  endToEndMessages: 100,
  endToEndSessionSetups: 5,
  scaleEnvelopes: 10_000,
  scaleRecipients: 100,
  scaleSmallEnvelopes: 1_000,
  scaleDrainedRecipients: 3,
};
