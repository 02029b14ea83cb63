/** Turns --tls, --ca and --insecure into the core's TransportSecurity, reading the CA file. */
import { readFileSync } from 'node:fs';
import type { TransportSecurity } from '../core/net/transport.js';
import type { CliOptions } from './args.js';

export class CaFileError extends Error {
  override readonly name = 'CaFileError';
  readonly code = 'bad_ca_file';
}

export function transportSecurity(options: Pick<CliOptions, 'tls' | 'caFile' | 'insecure'>): TransportSecurity {
  if (options.caFile !== undefined) return { kind: 'tls', ca: readCaFile(options.caFile) };
  if (options.tls) return { kind: 'tls' };
  return { kind: 'plaintext', insecure: options.insecure };
}

function readCaFile(path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new CaFileError(`cannot read the CA file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // grpc-js would only fail later, with a less helpful message.
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CaFileError(`${path} holds no PEM certificate`);
  return pem;
}
