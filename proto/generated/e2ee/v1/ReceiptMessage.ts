// Original file: proto/e2ee/v1/content.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/e2ee/v1/content.proto

export const _e2ee_v1_ReceiptMessage_Type = {
  DELIVERY: 'DELIVERY',
  READ: 'READ',
} as const;

export type _e2ee_v1_ReceiptMessage_Type =
  | 'DELIVERY'
  | 0
  | 'READ'
  | 1

export type _e2ee_v1_ReceiptMessage_Type__Output = typeof _e2ee_v1_ReceiptMessage_Type[keyof typeof _e2ee_v1_ReceiptMessage_Type]

export interface ReceiptMessage {
  'type'?: (_e2ee_v1_ReceiptMessage_Type);
  'timestamps'?: (number | string | Long)[];
}

export interface ReceiptMessage__Output {
  'type': (_e2ee_v1_ReceiptMessage_Type__Output);
  'timestamps': (string)[];
}
