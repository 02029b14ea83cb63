/**
 * The one place that loads the wire contract. Server, client and tests all use
 * these loader options; they match the flags given to proto-loader-gen-types
 * (`npm run gen:types`), so the generated types describe what arrives.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { ProtoGrpcType as AccountsGrpc } from './generated/accounts.js';
import type { ProtoGrpcType as KeysGrpc } from './generated/keys.js';
import type { ProtoGrpcType as HealthGrpc } from './generated/health.js';
import type { ProtoGrpcType as MailboxGrpc } from './generated/mailbox.js';

export const PROTO_FILES = [
  'e2ee/v1/common.proto',
  'e2ee/v1/accounts.proto',
  'e2ee/v1/keys.proto',
  'e2ee/v1/mailbox.proto',
  // The standard health service, served beside the contract.
  'grpc/health/v1/health.proto',
];
export const CONTENT_PROTO = 'e2ee/v1/content.proto';

/** Must match the gen:types flags: --longs=String --enums=String --defaults --oneofs --keepCase. */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** The repository root: the nearest folder above this file holding package.json (works from src and dist). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json) above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

export function protoDir(): string {
  return join(projectRoot(), 'proto');
}

export type E2eeGrpc = AccountsGrpc & KeysGrpc & MailboxGrpc & HealthGrpc;

let cached: { definition: protoLoader.PackageDefinition; grpcObject: E2eeGrpc } | undefined;

/** The package definition (for servers) and the typed gRPC object (for clients). */
export function loadContract(): { definition: protoLoader.PackageDefinition; grpcObject: E2eeGrpc } {
  if (!cached) {
    const definition = protoLoader.loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
    const grpcObject = grpc.loadPackageDefinition(definition) as unknown as E2eeGrpc;
    cached = { definition, grpcObject };
  }
  return cached;
}

let contentRoot: protobuf.Root | undefined;

/** protobufjs types for the client-to-client Content message (inside the ciphertext). */
export function contentTypes(): { Content: protobuf.Type } {
  if (!contentRoot) {
    contentRoot = new protobuf.Root();
    contentRoot.resolvePath = (_origin, target) => join(protoDir(), target);
    contentRoot.loadSync(CONTENT_PROTO, { keepCase: true });
  }
  return { Content: contentRoot.lookupType('e2ee.v1.Content') };
}
