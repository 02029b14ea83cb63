// Original file: proto/e2ee/v1/common.proto

import type { Long } from '@grpc/proto-loader';

export interface Session {
  'token'?: (string);
  'expires_at_ms'?: (number | string | Long);
}

export interface Session__Output {
  'token': (string);
  'expires_at_ms': (string);
}
