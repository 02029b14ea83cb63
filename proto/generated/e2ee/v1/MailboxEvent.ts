// Original file: proto/e2ee/v1/mailbox.proto

import type { Envelope as _e2ee_v1_Envelope, Envelope__Output as _e2ee_v1_Envelope__Output } from '../../e2ee/v1/Envelope.js';
import type { QueueEmpty as _e2ee_v1_QueueEmpty, QueueEmpty__Output as _e2ee_v1_QueueEmpty__Output } from '../../e2ee/v1/QueueEmpty.js';

export interface MailboxEvent {
  'envelope'?: (_e2ee_v1_Envelope | null);
  'queue_empty'?: (_e2ee_v1_QueueEmpty | null);
  'event'?: "envelope"|"queue_empty";
}

export interface MailboxEvent__Output {
  'envelope'?: (_e2ee_v1_Envelope__Output | null);
  'queue_empty'?: (_e2ee_v1_QueueEmpty__Output | null);
  'event'?: "envelope"|"queue_empty";
}
