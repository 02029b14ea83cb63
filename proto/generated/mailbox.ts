import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AckRequest as _e2ee_v1_AckRequest, AckRequest__Output as _e2ee_v1_AckRequest__Output } from './e2ee/v1/AckRequest.js';
import type { AckResponse as _e2ee_v1_AckResponse, AckResponse__Output as _e2ee_v1_AckResponse__Output } from './e2ee/v1/AckResponse.js';
import type { Envelope as _e2ee_v1_Envelope, Envelope__Output as _e2ee_v1_Envelope__Output } from './e2ee/v1/Envelope.js';
import type { FetchRequest as _e2ee_v1_FetchRequest, FetchRequest__Output as _e2ee_v1_FetchRequest__Output } from './e2ee/v1/FetchRequest.js';
import type { FetchResponse as _e2ee_v1_FetchResponse, FetchResponse__Output as _e2ee_v1_FetchResponse__Output } from './e2ee/v1/FetchResponse.js';
import type { MailboxClient as _e2ee_v1_MailboxClient, MailboxDefinition as _e2ee_v1_MailboxDefinition } from './e2ee/v1/Mailbox.js';
import type { MailboxEvent as _e2ee_v1_MailboxEvent, MailboxEvent__Output as _e2ee_v1_MailboxEvent__Output } from './e2ee/v1/MailboxEvent.js';
import type { OutgoingMessage as _e2ee_v1_OutgoingMessage, OutgoingMessage__Output as _e2ee_v1_OutgoingMessage__Output } from './e2ee/v1/OutgoingMessage.js';
import type { QueueEmpty as _e2ee_v1_QueueEmpty, QueueEmpty__Output as _e2ee_v1_QueueEmpty__Output } from './e2ee/v1/QueueEmpty.js';
import type { SendRequest as _e2ee_v1_SendRequest, SendRequest__Output as _e2ee_v1_SendRequest__Output } from './e2ee/v1/SendRequest.js';
import type { SendResponse as _e2ee_v1_SendResponse, SendResponse__Output as _e2ee_v1_SendResponse__Output } from './e2ee/v1/SendResponse.js';
import type { SubscribeRequest as _e2ee_v1_SubscribeRequest, SubscribeRequest__Output as _e2ee_v1_SubscribeRequest__Output } from './e2ee/v1/SubscribeRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  e2ee: {
    v1: {
      AckRequest: MessageTypeDefinition<_e2ee_v1_AckRequest, _e2ee_v1_AckRequest__Output>
      AckResponse: MessageTypeDefinition<_e2ee_v1_AckResponse, _e2ee_v1_AckResponse__Output>
      Envelope: MessageTypeDefinition<_e2ee_v1_Envelope, _e2ee_v1_Envelope__Output>
      FetchRequest: MessageTypeDefinition<_e2ee_v1_FetchRequest, _e2ee_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_e2ee_v1_FetchResponse, _e2ee_v1_FetchResponse__Output>
      Mailbox: SubtypeConstructor<typeof grpc.Client, _e2ee_v1_MailboxClient> & { service: _e2ee_v1_MailboxDefinition }
      MailboxEvent: MessageTypeDefinition<_e2ee_v1_MailboxEvent, _e2ee_v1_MailboxEvent__Output>
      OutgoingMessage: MessageTypeDefinition<_e2ee_v1_OutgoingMessage, _e2ee_v1_OutgoingMessage__Output>
      QueueEmpty: MessageTypeDefinition<_e2ee_v1_QueueEmpty, _e2ee_v1_QueueEmpty__Output>
      SendRequest: MessageTypeDefinition<_e2ee_v1_SendRequest, _e2ee_v1_SendRequest__Output>
      SendResponse: MessageTypeDefinition<_e2ee_v1_SendResponse, _e2ee_v1_SendResponse__Output>
      SubscribeRequest: MessageTypeDefinition<_e2ee_v1_SubscribeRequest, _e2ee_v1_SubscribeRequest__Output>
    }
  }
}

