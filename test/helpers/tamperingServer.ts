/**
 * A hostile server for client tests: a real gRPC server of the e2ee.v1 contract
 * between the client and a real server. Every call is relayed as it came (the
 * authorization metadata included, so the client signs in for real), and a test
 * may rewrite an answer or answer a call itself: a server that lies about
 * senders, hands out doctored bundles, floods a stream, never acknowledges.
 */
import * as grpc from '@grpc/grpc-js';
import { loadContract } from '../../proto/loader.js';

const SERVICES = ['e2ee.v1.Accounts', 'e2ee.v1.Keys', 'e2ee.v1.Mailbox'] as const;

export interface Tampering {
  /** By method name (`Fetch`, `GetPreKeyBundle`, ...): what the client gets instead of the real answer. */
  rewrite?: Record<string, (response: any) => any>;
  /** By method name: answer the call here instead of relaying it. */
  unary?: Record<string, (request: any, callback: grpc.sendUnaryData<any>) => void>;
  /** Answers `Mailbox.Subscribe` here instead of relaying it. */
  subscribe?: (call: grpc.ServerWritableStream<any, any>) => void;
}

export interface TamperingServer {
  address: string;
  stop(): Promise<void>;
}

export async function startTamperingServer(upstream: string, tampering: Tampering): Promise<TamperingServer> {
  const definition = loadContract().definition;
  const relay = new grpc.Client(upstream, grpc.credentials.createInsecure());
  const server = new grpc.Server();
  for (const serviceName of SERVICES) {
    const service = definition[serviceName] as unknown as grpc.ServiceDefinition;
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(service)) {
      const rewrite = tampering.rewrite?.[name] ?? ((response: any) => response);
      if (method.responseStream) {
        handlers[name] = (call: grpc.ServerWritableStream<any, any>) => {
          if (tampering.subscribe) return tampering.subscribe(call);
          const upstreamCall = relay.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, call.request, call.metadata);
          upstreamCall.on('data', (event) => call.write(rewrite(event)));
          upstreamCall.on('error', (err: grpc.ServiceError) => call.destroy(err));
          upstreamCall.on('end', () => call.end());
          call.on('cancelled', () => upstreamCall.cancel());
        };
      } else {
        handlers[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
          const own = tampering.unary?.[name];
          if (own) return own(call.request, callback);
          relay.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, call.request, call.metadata, (err, response) =>
            err ? callback(err) : callback(null, rewrite(response)),
          );
        };
      }
    }
    server.addService(service, handlers);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      server.forceShutdown();
      relay.close();
    },
  };
}
