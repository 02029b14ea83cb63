/**
 * Server streams without a turn of the event loop per message.
 *
 * grpc-js hands a server stream's next message to HTTP/2 only when the write
 * of the one before has completed, and that completion comes on a later turn
 * of the event loop. A server whose turns carry other work (Sends, Acks,
 * commits coming back) then streams one or two messages per turn: with 50 µs
 * of other work per turn, about 20,000 messages/s, whatever the socket could
 * take. This interceptor reports a streamed message as written at once while
 * at most MAX_WRITES_AHEAD of the call's writes are unfinished; HTTP/2
 * queues those writes in order and sends what queued in one socket write.
 * Past the bound it waits for a write to finish, as grpc-js alone does, so
 * the transport's backpressure still reaches the handler (`write()` returns
 * false and 'drain' follows), and a stream that is not read holds at most
 * MAX_WRITES_AHEAD messages more than grpc-js would.
 *
 * A write that fails, or a call that is cancelled, never completes: the
 * handler's stream then stops taking messages, and the call ends as it does
 * without this.
 */
import * as grpc from '@grpc/grpc-js';

/** grpc-js's own buffer of a server stream holds 16 messages (a Writable's object high-water mark): as many again. */
export const MAX_WRITES_AHEAD = 16;

class WriteAheadCall extends grpc.ServerInterceptingCall {
  private unfinished = 0;
  /** Callbacks of writes to report once an earlier write finishes, oldest first. */
  private readonly waiting: (() => void)[] = [];

  override sendMessage(message: unknown, callback: () => void): void {
    this.unfinished += 1;
    const now = this.unfinished <= MAX_WRITES_AHEAD;
    if (!now) this.waiting.push(callback);
    // Handed on before the callback runs: the callback may send the next message at once.
    super.sendMessage(message, () => this.finished());
    if (now) callback();
  }

  private finished(): void {
    this.unfinished -= 1;
    this.waiting.shift()?.();
  }
}

/** Applies to server-streaming methods; other calls pass through unchanged. */
export const writeAheadInterceptor: grpc.ServerInterceptor = (method, call) =>
  method.responseStream ? new WriteAheadCall(call) : new grpc.ServerInterceptingCall(call);
