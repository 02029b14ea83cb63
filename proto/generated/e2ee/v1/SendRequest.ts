// Original file: proto/e2ee/v1/mailbox.proto

import type { OutgoingMessage as _e2ee_v1_OutgoingMessage, OutgoingMessage__Output as _e2ee_v1_OutgoingMessage__Output } from '../../e2ee/v1/OutgoingMessage.js';

export interface SendRequest {
  'destination'?: (string);
  'messages'?: (_e2ee_v1_OutgoingMessage)[];
}

export interface SendRequest__Output {
  'destination': (string);
  'messages': (_e2ee_v1_OutgoingMessage__Output)[];
}
