// Original file: proto/e2ee/v1/accounts.proto

import type { Long } from '@grpc/proto-loader';

export interface Challenge {
  'nonce'?: (Buffer | Uint8Array | string);
  'expires_at_ms'?: (number | string | Long);
  'server_id'?: (string);
}

export interface Challenge__Output {
  'nonce': (Buffer);
  'expires_at_ms': (string);
  'server_id': (string);
}
