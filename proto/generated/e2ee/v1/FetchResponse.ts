// Original file: proto/e2ee/v1/mailbox.proto

import type { Envelope as _e2ee_v1_Envelope, Envelope__Output as _e2ee_v1_Envelope__Output } from '../../e2ee/v1/Envelope.js';

export interface FetchResponse {
  'envelopes'?: (_e2ee_v1_Envelope)[];
  'more'?: (boolean);
}

export interface FetchResponse__Output {
  'envelopes': (_e2ee_v1_Envelope__Output)[];
  'more': (boolean);
}
