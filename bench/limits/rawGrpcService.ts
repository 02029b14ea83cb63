/**
 * A bench-only gRPC service with identity serializers: the bytes go on the wire
 * as they are, so what it measures is grpc-js itself (HTTP/2 framing, flow
 * control, the event loop), with no protobuf cost on top.
 */
import type * as grpc from '@grpc/grpc-js';

const identity = (buffer: Buffer): Buffer => buffer;

function method(path: string, responseStream: boolean): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

export const RAW_SERVICE = {
  /** Request: a 4-byte big-endian count. Response: that many payloads, then the end. */
  stream: method('/bench.Raw/Stream', true),
  /** Answers with the request's own bytes. */
  echo: method('/bench.Raw/Echo', false),
} satisfies grpc.ServiceDefinition;

export function countRequest(count: number): Buffer {
  const request = Buffer.alloc(4);
  request.writeUInt32BE(count);
  return request;
}
