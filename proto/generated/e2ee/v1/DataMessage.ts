// Original file: proto/e2ee/v1/content.proto

import type { Long } from '@grpc/proto-loader';

export interface DataMessage {
  'text'?: (string);
  'timestamp'?: (number | string | Long);
}

export interface DataMessage__Output {
  'text': (string);
  'timestamp': (string);
}
