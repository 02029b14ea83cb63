/**
 * API.md: "A request the server cannot even decode is INVALID_ARGUMENT, not the
 * library's default INTERNAL." decode.ts covers a message protobuf cannot
 * parse; this covers what grpc-js refuses before that:
 *
 * - a unary or server-streaming call with no request message (none sent, or a
 *   length prefix the stream ended before) or with two: grpc-js answers
 *   UNIMPLEMENTED, which also reads as "no such method";
 * - a compressed message that does not decompress: grpc-js answers INTERNAL.
 *
 * A message compressed with an encoding grpc-js does not support stays
 * UNIMPLEMENTED, as the gRPC spec says, so that a client can tell to send it
 * uncompressed.
 */
import * as grpc from '@grpc/grpc-js';
import { BaseServerInterceptingCall } from '@grpc/grpc-js/build/src/server-interceptors.js';

type Status = Parameters<grpc.ServerInterceptingCall['sendStatus']>[0];

const NOT_ONE_MESSAGE = /^Received (no|a second) request message/;
const UNDECOMPRESSABLE = 'Failed to decompress message';

function asInvalidArgument(status: Status): Status {
  if (status.code === grpc.status.UNIMPLEMENTED && NOT_ONE_MESSAGE.test(status.details ?? '')) {
    return { ...status, code: grpc.status.INVALID_ARGUMENT, details: 'the call must carry exactly one request message' };
  }
  if (status.code === grpc.status.INTERNAL && status.details === UNDECOMPRESSABLE) {
    return { ...status, code: grpc.status.INVALID_ARGUMENT, details: 'the request message does not decompress' };
  }
  return status;
}

class MalformedRequestCall extends grpc.ServerInterceptingCall {
  override sendStatus(status: Status): void {
    super.sendStatus(asInvalidArgument(status));
  }
}

/** Every call; a status that is not one of the above passes unchanged. */
export const malformedRequestInterceptor: grpc.ServerInterceptor = (_method, call) => new MalformedRequestCall(call);

/**
 * grpc-js answers a failed decompression from inside its innermost call, which
 * no interceptor sees; its rejection is mapped where it is made. Applied once,
 * when this module loads; test/server/transport.test.ts sends such a message.
 */
const base = BaseServerInterceptingCall.prototype as unknown as {
  decompressMessage(message: Buffer, encoding: string): Buffer | Promise<Buffer>;
};
const decompress = base.decompressMessage;
base.decompressMessage = function (this: unknown, message: Buffer, encoding: string) {
  const result = decompress.call(this, message, encoding);
  return result instanceof Promise ? result.catch((status: Status) => Promise.reject(asInvalidArgument(status))) : result;
};
