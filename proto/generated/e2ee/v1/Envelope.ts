// Original file: proto/e2ee/v1/mailbox.proto

import type { Long } from '@grpc/proto-loader';

export interface Envelope {
  'guid'?: (string);
  'source'?: (string);
  'source_device'?: (number);
  'destination'?: (string);
  'type'?: (number);
  'content'?: (Buffer | Uint8Array | string);
  'client_timestamp'?: (number | string | Long);
  'server_timestamp'?: (number | string | Long);
}

export interface Envelope__Output {
  'guid': (string);
  'source': (string);
  'source_device': (number);
  'destination': (string);
  'type': (number);
  'content': (Buffer);
  'client_timestamp': (string);
  'server_timestamp': (string);
}
