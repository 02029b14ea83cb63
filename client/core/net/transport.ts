/**
 * How the client's channel is protected. TLS when asked for (with the given CA
 * bundle, or the system's root certificates); plaintext only to a loopback
 * address, or elsewhere when the user explicitly accepts it (mirroring the
 * server, which refuses to listen in plaintext beyond loopback).
 */
import * as grpc from '@grpc/grpc-js';
import { ClientError } from '../errors.js';

export type TransportSecurity =
  /** TLS; `ca` is a PEM bundle to trust instead of the system's root certificates. */
  | { kind: 'tls'; ca?: Buffer }
  /** Plaintext: refused for a non-loopback address unless `insecure`. */
  | { kind: 'plaintext'; insecure?: boolean };

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** The host part of `host:port`, `[v6]:port` or a bare host. */
export function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK_HOST.test(hostOf(address));
}

export function channelCredentials(address: string, security: TransportSecurity): grpc.ChannelCredentials {
  if (security.kind === 'tls') return grpc.credentials.createSsl(security.ca ?? null);
  if (!isLoopbackAddress(address) && !security.insecure) {
    throw new ClientError(
      'insecure_transport',
      `refusing to talk to ${address} in plaintext: use --tls (or --ca FILE for a private CA), or --insecure if something else encrypts the link`,
    );
  }
  return grpc.credentials.createInsecure();
}
