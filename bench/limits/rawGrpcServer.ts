/**
 * Child process for the raw gRPC limits: serves RAW_SERVICE on 127.0.0.1 with
 * a port the OS picks, and prints "listening on 127.0.0.1:PORT" when ready.
 * It runs apart from the load generator, as the real server does.
 */
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { PAYLOAD_BYTES } from '../config.js';
import { RAW_SERVICE } from './rawGrpcService.js';

const payload = Buffer.alloc(PAYLOAD_BYTES, 0x5a);

/** Writes as fast as the transport accepts and waits for 'drain' whenever write() says the buffer is full. */
async function stream(call: grpc.ServerWritableStream<Buffer, Buffer>): Promise<void> {
  const count = call.request.readUInt32BE(0);
  for (let sent = 0; sent < count && !call.cancelled; sent += 1) {
    if (!call.write(payload)) await once(call, 'drain');
  }
  call.end();
}

const server = new grpc.Server();
server.addService(RAW_SERVICE, {
  stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => void stream(call),
  echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
