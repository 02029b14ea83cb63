/**
 * The listening side: credentials (TLS or loopback plaintext), HTTP/2 and gRPC
 * limits, and a socket acceptor that caps connections and hands each socket
 * to grpc-js.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { ServerConfig } from './config.js';
import type { ConnectionGuard } from './grpc/connections.js';
import { malformedRequestInterceptor } from './grpc/malformedRequests.js';
import { writeAheadInterceptor } from './grpc/writeAhead.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function serverCredentials(config: Pick<ServerConfig, 'host' | 'tls' | 'insecure'>): grpc.ServerCredentials {
  if (config.tls) {
    let cert: Buffer, key: Buffer;
    try {
      cert = readFileSync(config.tls.certPath);
      key = readFileSync(config.tls.keyPath);
    } catch (err) {
      throw new ConfigError(`cannot read the TLS certificate or key: ${(err as Error).message}`);
    }
    return grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
  }
  if (!LOOPBACK.test(config.host) && !config.insecure) {
    throw new ConfigError(
      `refusing to listen on ${config.host} without TLS: tokens and metadata would cross the network in the clear. ` +
        'Give --tls-cert and --tls-key, or --insecure if something else encrypts the link.',
    );
  }
  return grpc.ServerCredentials.createInsecure();
}

export function grpcServerOptions(config: ServerConfig): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': config.maxReceiveBytes,
    'grpc.max_concurrent_streams': config.maxConcurrentStreams,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    'grpc.max_connection_idle_ms': config.maxConnectionIdleMs,
    interceptors: [malformedRequestInterceptor, writeAheadInterceptor],
  };
}

/** Accepts sockets on host:port and injects them into the gRPC server. Resolves with the bound port. */
export async function listen(
  server: grpc.Server,
  credentials: grpc.ServerCredentials,
  config: Pick<ServerConfig, 'host' | 'port' | 'maxConnections'>,
  guard: ConnectionGuard,
): Promise<{ port: number; acceptor: NetServer }> {
  const injector = server.createConnectionInjector(credentials);
  const acceptor = createServer({ noDelay: true }, (socket) => {
    guard.accept(socket);
    injector.injectConnection(socket);
  });
  // Past the cap, node closes new sockets at accept.
  acceptor.maxConnections = config.maxConnections;
  await new Promise<void>((resolve, reject) => {
    const refused = (err: NodeJS.ErrnoException): void => reject(listenProblem(err, `${config.host}:${config.port}`));
    acceptor.once('error', refused);
    acceptor.listen(config.port, config.host, () => {
      acceptor.off('error', refused);
      resolve();
    });
  });
  const address = acceptor.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { port, acceptor };
}

/** Node's words for the usual two ("listen EADDRINUSE: address already in use") say less than they could. */
function listenProblem(err: NodeJS.ErrnoException, where: string): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError(`${where} is already in use (another server? choose another --port)`);
  if (err.code === 'EACCES') return new ConfigError(`not allowed to listen on ${where} (ports below 1024 need privileges)`);
  return err;
}
