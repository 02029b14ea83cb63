// Original file: proto/e2ee/v1/mailbox.proto

import type { Long } from '@grpc/proto-loader';

export interface SendResponse {
  'guids'?: (string)[];
  'server_timestamp'?: (number | string | Long);
}

export interface SendResponse__Output {
  'guids': (string)[];
  'server_timestamp': (string);
}
