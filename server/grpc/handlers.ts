/**
 * Wrappers that give every handler the same edge: the decode check, error
 * mapping, no stray exceptions, and a time cap on unary calls that came
 * without a deadline.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import { isUndecodable } from './decode.js';
import { RpcError, invalidArgument, toServiceError } from './errors.js';

export class HandlerKit {
  constructor(
    readonly log: Logger,
    /** Longest a unary call without its own deadline may run. */
    private readonly maxCallMs: number,
  ) {}

  unary<Req, Res>(
    method: string,
    handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
  ): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      let timer: NodeJS.Timeout | undefined;
      const run = async () => {
        if (isUndecodable(call.request)) throw invalidArgument('request could not be decoded');
        const work = Promise.resolve(handle(call.request, call));
        if (call.getDeadline() !== Infinity) return work;
        const cap = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RpcError(grpc.status.DEADLINE_EXCEEDED, 'call took too long')), this.maxCallMs);
        });
        return Promise.race([work, cap]);
      };
      run().then(
        (response) => {
          clearTimeout(timer);
          callback(null, response);
        },
        (err: unknown) => {
          clearTimeout(timer);
          callback(toServiceError(err, method, this.log) as grpc.ServiceError);
        },
      );
    };
  }

  serverStream<Req, Res>(
    method: string,
    handle: (request: Req, call: grpc.ServerWritableStream<Req, Res>) => Promise<void> | void,
  ): grpc.handleServerStreamingCall<Req, Res> {
    return (call) => {
      const run = async () => {
        if (isUndecodable(call.request)) throw invalidArgument('request could not be decoded');
        await handle(call.request, call);
      };
      run().catch((err: unknown) => {
        call.emit('error', toServiceError(err, method, this.log));
      });
    };
  }
}
