/**
 * Opaque envelopes through the real server, as a load generator sees them:
 * 120-byte contents (no encryption) that carry their sequence number, sent in
 * batches with a cap on messages in flight (sent and not yet received).
 */
import type { OutgoingMessage } from '../../proto/generated/e2ee/v1/OutgoingMessage.js';
import { PAYLOAD_BYTES, SEND_BATCH } from '../config.js';
import { nowMs } from '../support/clock.js';
import { withDeadline } from '../support/deadline.js';
import { openReceiver } from '../support/receiver.js';
import { send, type Account, type Wire } from '../support/wire.js';

/** libsignal's Whisper type: the server only checks that it is 2 or 3. */
const WHISPER = 2;

function envelopeContent(sequence: number): Buffer {
  const content = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
  content.writeUInt32BE(sequence, 0);
  return content;
}

export function outgoing(sequence: number): OutgoingMessage {
  return { type: WHISPER, content: envelopeContent(sequence), client_timestamp: Date.now() };
}

export interface RelayOptions {
  count: number;
  maxInFlight: number;
  /** Messages per Send call (at most SEND_BATCH). */
  batch: number;
  deadlineMs: number;
  report: (received: number) => void;
}

export interface RelayResult {
  /** From the first Send to the last envelope received. */
  elapsedMs: number;
  /** One-way latency of each message: Send issued to envelope received on the stream. */
  latenciesMs: number[];
}

/** Sends `count` envelopes from `sender` to an online `recipient` (which acks) and times each one. */
export async function relay(wire: Wire, sender: Account, recipient: Account, options: RelayOptions): Promise<RelayResult> {
  const { count, maxInFlight, batch } = options;
  const sentAt = new Float64Array(count);
  const seen = new Uint8Array(count);
  const latenciesMs: number[] = [];
  let sent = 0;
  let inFlight = 0;
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  const pump = (): void => {
    while (sent < count && inFlight + Math.min(batch, count - sent) <= maxInFlight) {
      const size = Math.min(batch, count - sent);
      const messages: OutgoingMessage[] = [];
      const now = nowMs();
      for (let i = 0; i < size; i += 1) {
        sentAt[sent + i] = now;
        messages.push(outgoing(sent + i));
      }
      sent += size;
      inFlight += size;
      send(wire, sender, recipient.number, messages).catch(fail);
    }
  };

  const receiver = openReceiver(wire, recipient, (envelope) => {
    const sequence = envelope.content.readUInt32BE(0);
    if (sequence >= count || seen[sequence]) return; // a redelivery: counted once
    seen[sequence] = 1;
    latenciesMs.push(nowMs() - (sentAt[sequence] as number));
    inFlight -= 1;
    if (latenciesMs.length % 500 === 0) options.report(latenciesMs.length);
    if (latenciesMs.length === count) finish();
    else pump();
  });
  try {
    await withDeadline(Promise.race([receiver.queueEmpty, receiver.failed]), options.deadlineMs, 'Subscribe');
    const startedAt = nowMs();
    pump();
    await withDeadline(Promise.race([finished, receiver.failed]), options.deadlineMs, `relaying ${count} envelopes`);
    return { elapsedMs: nowMs() - startedAt, latenciesMs };
  } finally {
    await receiver.close();
  }
}

/** Queues `count` envelopes for an offline recipient, SEND_BATCH per call, a few calls at a time. */
export async function queueEnvelopes(wire: Wire, sender: Account, recipient: string, count: number): Promise<void> {
  const concurrentCalls = 4;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const first = next;
      const size = Math.min(SEND_BATCH, count - first);
      next += size;
      await send(wire, sender, recipient, Array.from({ length: size }, (_, i) => outgoing(first + i)));
    }
  };
  await Promise.all(Array.from({ length: concurrentCalls }, worker));
}
