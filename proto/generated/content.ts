import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Content as _e2ee_v1_Content, Content__Output as _e2ee_v1_Content__Output } from './e2ee/v1/Content.js';
import type { DataMessage as _e2ee_v1_DataMessage, DataMessage__Output as _e2ee_v1_DataMessage__Output } from './e2ee/v1/DataMessage.js';
import type { ReceiptMessage as _e2ee_v1_ReceiptMessage, ReceiptMessage__Output as _e2ee_v1_ReceiptMessage__Output } from './e2ee/v1/ReceiptMessage.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  e2ee: {
    v1: {
      Content: MessageTypeDefinition<_e2ee_v1_Content, _e2ee_v1_Content__Output>
      DataMessage: MessageTypeDefinition<_e2ee_v1_DataMessage, _e2ee_v1_DataMessage__Output>
      ReceiptMessage: MessageTypeDefinition<_e2ee_v1_ReceiptMessage, _e2ee_v1_ReceiptMessage__Output>
    }
  }
}

