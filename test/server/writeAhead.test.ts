import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { MAX_WRITES_AHEAD, writeAheadInterceptor } from '../../server/grpc/writeAhead.js';

/** A bare streaming service: the request names how many messages to stream; payloads are raw bytes. */
const passThrough = (bytes: Buffer): Buffer => bytes;
const SERVICE = {
  stream: {
    path: '/test.Stream/stream',
    requestStream: false,
    responseStream: true,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
} satisfies grpc.ServiceDefinition;

/** Big enough that one message fills HTTP/2's default stream window: a reader that does not read stalls the writes. */
const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 120;
/** grpc-js's own buffer of a server stream (a Writable's object high-water mark). */
const GRPC_BUFFERED = 16;

interface Burst {
  /** write() calls that returned true before the first false, in one synchronous loop. */
  acceptedAtOnce: number;
  /** Messages handed to the stream before it asked to wait while the reader read nothing. */
  acceptedWhileStalled: Promise<number>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStreamServer(interceptors: grpc.ServerInterceptor[]): Promise<{ address: string; bursts: Burst[] }> {
  const bursts: Burst[] = [];
  const server = new grpc.Server({ interceptors });
  server.addService(SERVICE, {
    stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const count = call.request.readUInt32BE(0);
      const message = (sequence: number) => {
        const bytes = Buffer.alloc(MESSAGE_BYTES, 0x5a);
        bytes.writeUInt32BE(sequence, 0);
        return bytes;
      };
      let sent = 0;
      let acceptedAtOnce = 0;
      while (sent < count && call.write(message(sent++))) acceptedAtOnce += 1;
      let reportStall!: (accepted: number) => void;
      const acceptedWhileStalled = new Promise<number>((resolve) => (reportStall = resolve));
      bursts.push({ acceptedAtOnce, acceptedWhileStalled });
      // Then honour backpressure to the end; a wait of 300 ms with nothing read counts as stalled.
      const writeRest = async (): Promise<void> => {
        while (sent < count) {
          const drained = once(call, 'drain');
          const stalled = setTimeout(() => reportStall(sent), 300);
          await drained;
          clearTimeout(stalled);
          while (sent < count && call.write(message(sent++)));
        }
        reportStall(sent);
        call.end();
      };
      void writeRest();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  cleanups.push(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return { address: `127.0.0.1:${port}`, bursts };
}

/**
 * Opens the stream over plain HTTP/2 and reads nothing until told: unlike a
 * grpc-js client, which keeps taking data into its own buffer, this reader
 * leaves HTTP/2's flow-control window closed. Resolves with the sequence
 * numbers in arrival order.
 */
function pausedReader(address: string): { readAll(): Promise<number[]> } {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  cleanups.push(() => void session.destroy());
  const request = Buffer.alloc(9); // one gRPC frame: not compressed, 4 bytes long, the message count
  request.writeUInt32BE(4, 1);
  request.writeUInt32BE(MESSAGES, 5);
  const stream = session.request({ ':method': 'POST', ':path': SERVICE.stream.path, 'content-type': 'application/grpc', te: 'trailers' });
  stream.end(request);
  stream.pause();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  ended.catch(() => {}); // observed by readAll; a test that fails before it must not leave an unhandled rejection
  return {
    async readAll() {
      stream.resume();
      await withTimeout(ended, 10_000, 'the stream to end');
      const bytes = Buffer.concat(chunks);
      const sequences: number[] = [];
      for (let at = 0; at < bytes.length; at += 5 + bytes.readUInt32BE(at + 1)) sequences.push(bytes.readUInt32BE(at + 5));
      return sequences;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function firstBurst(bursts: Burst[]): Promise<Burst> {
  const deadline = Date.now() + 5_000;
  while (bursts.length === 0) {
    if (Date.now() > deadline) throw new Error('the handler never ran');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return bursts[0]!;
}

describe('write-ahead for server streams', () => {
  it('takes more messages at once than grpc-js alone, stays bounded for a reader that reads nothing, and delivers all in order', async () => {
    const plain = await startStreamServer([]);
    const ahead = await startStreamServer([writeAheadInterceptor]);
    const plainReader = pausedReader(plain.address);
    const aheadReader = pausedReader(ahead.address);
    const plainBurst = await firstBurst(plain.bursts);
    const aheadBurst = await firstBurst(ahead.bursts);

    // grpc-js alone: one message being written, then its buffer fills.
    expect(plainBurst.acceptedAtOnce).toBeLessThanOrEqual(GRPC_BUFFERED);
    // With the interceptor: MAX_WRITES_AHEAD more, reported written at once, before the same buffer fills.
    expect(aheadBurst.acceptedAtOnce).toBe(plainBurst.acceptedAtOnce + MAX_WRITES_AHEAD);

    // Nothing is read, so HTTP/2's window closes and the writes stop completing: each
    // handler is held, the interceptor's at MAX_WRITES_AHEAD messages past grpc-js's.
    const plainStalledAt = await withTimeout(plainBurst.acceptedWhileStalled, 5_000, 'the plain writer to stall');
    const aheadStalledAt = await withTimeout(aheadBurst.acceptedWhileStalled, 5_000, 'the write-ahead writer to stall');
    expect(plainStalledAt).toBeLessThan(MESSAGES);
    expect(aheadStalledAt).toBeLessThanOrEqual(plainStalledAt + MAX_WRITES_AHEAD);

    const expected = Array.from({ length: MESSAGES }, (_, i) => i);
    expect(await aheadReader.readAll()).toEqual(expected);
    expect(await plainReader.readAll()).toEqual(expected);
  });
});
