// Original file: proto/e2ee/v1/content.proto

import type { DataMessage as _e2ee_v1_DataMessage, DataMessage__Output as _e2ee_v1_DataMessage__Output } from '../../e2ee/v1/DataMessage.js';
import type { ReceiptMessage as _e2ee_v1_ReceiptMessage, ReceiptMessage__Output as _e2ee_v1_ReceiptMessage__Output } from '../../e2ee/v1/ReceiptMessage.js';

export interface Content {
  'data'?: (_e2ee_v1_DataMessage | null);
  'receipt'?: (_e2ee_v1_ReceiptMessage | null);
  'body'?: "data"|"receipt";
}

export interface Content__Output {
  'data'?: (_e2ee_v1_DataMessage__Output | null);
  'receipt'?: (_e2ee_v1_ReceiptMessage__Output | null);
  'body'?: "data"|"receipt";
}
