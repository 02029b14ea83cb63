/**
 * Keeps one live `Mailbox.Subscribe` stream open. Each (re)connect signs a fresh
 * challenge first; when the stream drops it waits a jittered, capped backoff and
 * tries again. A stream ended with ABORTED was replaced by a newer session of
 * the same account: fighting it would loop forever, so we go offline instead.
 */
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import type { Envelope__Output } from '../../../proto/generated/e2ee/v1/Envelope.js';
import type { MailboxEvent__Output } from '../../../proto/generated/e2ee/v1/MailboxEvent.js';
import type { ConnectionState } from '../api.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.js';
import { grpcStatusOf, toClientError } from './rpcErrors.js';
import type { ServerApi } from './serverApi.js';

export interface MailboxStreamHandlers {
  /** Signs in (fresh challenge) so that `api` holds a valid token. */
  authenticate(): Promise<void>;
  /** The stream is up: a good moment to flush the outbox and check prekeys. */
  onConnected(): void;
  /**
   * Called with envelopes in stream order, one batch at a time (at most
   * MAX_BATCH): what arrived in the same turn of the event loop as the first
   * of them, or while the previous batch was being handled. So a burst shares
   * commits and acks, its first envelope included.
   */
  onEnvelopes(envelopes: Envelope__Output[]): Promise<void>;
  /** Everything queued before the stream opened has been handed over. */
  onQueueEmpty(): void;
  onState(state: ConnectionState): void;
  /** An envelope handler failed unexpectedly. */
  onError(err: unknown): void;
}

const MAX_BATCH = 100;
/**
 * Arrivals not yet handed over past which the stream stops reading (HTTP/2 flow
 * control then holds the server back) until the handlers catch up. A server
 * keeping to the contract has at most 256 unacked envelopes in flight, so only
 * one that ignores it gets here; unpaused, it could fill our memory.
 */
const MAX_WAITING_ARRIVALS = 256;

type Arrival = { kind: 'envelope'; envelope: Envelope__Output } | { kind: 'queue_empty' };

type StreamEnd = { kind: 'dropped'; reason: string; wasConnected: boolean } | { kind: 'final'; reason: string };

export class MailboxStream {
  private stopped = false;
  private ended = false;
  private current: ClientReadableStream<MailboxEvent__Output> | undefined;
  private wakeFromSleep: (() => void) | undefined;
  /** Arrived and not yet handed to the handlers, in stream order. */
  private readonly arrivals: Arrival[] = [];
  private processing: Promise<void> = Promise.resolve();
  private draining = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly api: ServerApi,
    private readonly handlers: MailboxStreamHandlers,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
  ) {}

  /** False once the loop has ended (stopped, or gone offline for good). */
  isRunning(): boolean {
    return this.loop !== undefined && !this.ended;
  }

  /** Starts the loop; resolves once the first attempt connected or failed. */
  start(): Promise<ConnectionState> {
    return new Promise((resolve) => {
      let settled = false;
      this.loop = this.run((state) => {
        if (!settled && state.state !== 'connecting') {
          settled = true;
          resolve(state);
        }
      }).finally(() => {
        this.ended = true;
      });
    });
  }

  /** Closes the stream and waits for envelopes already being handled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.cancel();
    this.wakeFromSleep?.();
    await this.loop;
    await this.processing;
  }

  private async run(firstState: (state: ConnectionState) => void): Promise<void> {
    const report = (state: ConnectionState): void => {
      firstState(state);
      this.handlers.onState(state);
    };
    let attempt = 0;
    report({ state: 'connecting' });
    while (!this.stopped) {
      const end = await this.connectOnce(() => report({ state: 'connected' }));
      if (this.stopped) break;
      if (end.kind === 'final') {
        report({ state: 'offline', reason: end.reason });
        return;
      }
      attempt = end.wasConnected ? 1 : attempt + 1;
      const delay = backoffDelay(attempt, this.backoff);
      report({ state: 'reconnecting', retryAt: Date.now() + delay, attempt, reason: end.reason });
      await this.sleep(delay);
    }
    report({ state: 'offline' });
  }

  private async connectOnce(onConnected: () => void): Promise<StreamEnd> {
    try {
      await this.handlers.authenticate();
    } catch (err) {
      const error = toClientError(err, 'signing in');
      // Only an unreachable server is worth retrying; a refused identity or server is not.
      return error.code === 'unavailable' || error.code === 'rate_limited'
        ? { kind: 'dropped', reason: error.message, wasConnected: false }
        : { kind: 'final', reason: error.message };
    }
    if (this.stopped) return { kind: 'final', reason: 'stopped' };

    return new Promise<StreamEnd>((resolve) => {
      const call = this.api.subscribe();
      let connected = false;
      const markConnected = (): void => {
        if (connected) return;
        connected = true;
        onConnected();
        this.handlers.onConnected();
      };
      this.current = call;
      call.on('metadata', markConnected);
      call.on('data', (event) => {
        markConnected();
        if (event.envelope) this.arrive({ kind: 'envelope', envelope: event.envelope });
        else if (event.queue_empty) this.arrive({ kind: 'queue_empty' });
      });
      call.on('error', (err) => {
        this.current = undefined;
        if (grpcStatusOf(err) === status.ABORTED) {
          resolve({ kind: 'final', reason: 'this account signed in from somewhere else' });
        } else {
          resolve({ kind: 'dropped', reason: toClientError(err, 'receiving').message, wasConnected: connected });
        }
      });
      call.on('end', () => {
        this.current = undefined;
        resolve({ kind: 'dropped', reason: 'the server closed the stream', wasConnected: connected });
      });
    });
  }

  private arrive(arrival: Arrival): void {
    this.arrivals.push(arrival);
    if (this.arrivals.length >= MAX_WAITING_ARRIVALS) this.current?.pause();
    if (!this.draining) {
      this.draining = true;
      // On the next turn: the envelopes of one read of the socket arrive one 'data'
      // event at a time, and the first must not go alone into a batch (a commit, an
      // fsync and an Ack of its own).
      this.processing = new Promise((resolve) => setImmediate(resolve)).then(() => this.drainArrivals());
    }
  }

  private async drainArrivals(): Promise<void> {
    try {
      while (this.arrivals.length > 0) {
        if (this.arrivals[0]!.kind === 'queue_empty') {
          this.arrivals.shift();
          this.handlers.onQueueEmpty();
          continue;
        }
        const batch: Envelope__Output[] = [];
        while (batch.length < MAX_BATCH && this.arrivals[0]?.kind === 'envelope') {
          batch.push((this.arrivals.shift() as { envelope: Envelope__Output }).envelope);
        }
        // Read on while this batch is handled, as long as what waits stays bounded.
        if (this.arrivals.length < MAX_WAITING_ARRIVALS) this.current?.resume();
        try {
          await this.handlers.onEnvelopes(batch);
        } catch (err) {
          // One failed batch must not stall the envelopes behind it.
          this.handlers.onError(err);
        }
      }
    } finally {
      // In the same tick as the last emptiness check: a later arrival starts a new drain.
      this.draining = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeFromSleep = done;
    });
  }
}
