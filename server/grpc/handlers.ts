/** Wrappers that give every handler the same edge: decode check, error mapping, no stray exceptions. */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import { isUndecodable } from './decode.js';
import { invalidArgument, toServiceError } from './errors.js';

export function unary<Req, Res>(
  method: string,
  log: Logger,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const run = async () => {
      if (isUndecodable(call.request)) throw invalidArgument('request could not be decoded');
      return handle(call.request, call);
    };
    run().then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err, method, log) as grpc.ServiceError),
    );
  };
}

export function serverStream<Req, Res>(
  method: string,
  log: Logger,
  handle: (request: Req, call: grpc.ServerWritableStream<Req, Res>) => Promise<void> | void,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const run = async () => {
      if (isUndecodable(call.request)) throw invalidArgument('request could not be decoded');
      await handle(call.request, call);
    };
    run().catch((err: unknown) => {
      call.emit('error', toServiceError(err, method, log));
    });
  };
}
