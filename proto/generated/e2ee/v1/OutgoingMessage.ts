// Original file: proto/e2ee/v1/mailbox.proto

import type { Long } from '@grpc/proto-loader';

export interface OutgoingMessage {
  'guid'?: (string);
  'type'?: (number);
  'content'?: (Buffer | Uint8Array | string);
  'client_timestamp'?: (number | string | Long);
}

export interface OutgoingMessage__Output {
  'guid': (string);
  'type': (number);
  'content': (Buffer);
  'client_timestamp': (string);
}
