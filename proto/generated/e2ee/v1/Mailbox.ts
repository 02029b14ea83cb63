// Original file: proto/e2ee/v1/mailbox.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AckRequest as _e2ee_v1_AckRequest, AckRequest__Output as _e2ee_v1_AckRequest__Output } from '../../e2ee/v1/AckRequest.js';
import type { AckResponse as _e2ee_v1_AckResponse, AckResponse__Output as _e2ee_v1_AckResponse__Output } from '../../e2ee/v1/AckResponse.js';
import type { FetchRequest as _e2ee_v1_FetchRequest, FetchRequest__Output as _e2ee_v1_FetchRequest__Output } from '../../e2ee/v1/FetchRequest.js';
import type { FetchResponse as _e2ee_v1_FetchResponse, FetchResponse__Output as _e2ee_v1_FetchResponse__Output } from '../../e2ee/v1/FetchResponse.js';
import type { MailboxEvent as _e2ee_v1_MailboxEvent, MailboxEvent__Output as _e2ee_v1_MailboxEvent__Output } from '../../e2ee/v1/MailboxEvent.js';
import type { SendRequest as _e2ee_v1_SendRequest, SendRequest__Output as _e2ee_v1_SendRequest__Output } from '../../e2ee/v1/SendRequest.js';
import type { SendResponse as _e2ee_v1_SendResponse, SendResponse__Output as _e2ee_v1_SendResponse__Output } from '../../e2ee/v1/SendResponse.js';
import type { SubscribeRequest as _e2ee_v1_SubscribeRequest, SubscribeRequest__Output as _e2ee_v1_SubscribeRequest__Output } from '../../e2ee/v1/SubscribeRequest.js';

export interface MailboxClient extends grpc.Client {
  Ack(argument: _e2ee_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _e2ee_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _e2ee_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _e2ee_v1_AckRequest, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _e2ee_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _e2ee_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _e2ee_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _e2ee_v1_AckRequest, callback: grpc.requestCallback<_e2ee_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _e2ee_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _e2ee_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _e2ee_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _e2ee_v1_FetchRequest, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _e2ee_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _e2ee_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _e2ee_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _e2ee_v1_FetchRequest, callback: grpc.requestCallback<_e2ee_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  Send(argument: _e2ee_v1_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  Send(argument: _e2ee_v1_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  Send(argument: _e2ee_v1_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  Send(argument: _e2ee_v1_SendRequest, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  send(argument: _e2ee_v1_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  send(argument: _e2ee_v1_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  send(argument: _e2ee_v1_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  send(argument: _e2ee_v1_SendRequest, callback: grpc.requestCallback<_e2ee_v1_SendResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _e2ee_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_e2ee_v1_MailboxEvent__Output>;
  Subscribe(argument: _e2ee_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_e2ee_v1_MailboxEvent__Output>;
  subscribe(argument: _e2ee_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_e2ee_v1_MailboxEvent__Output>;
  subscribe(argument: _e2ee_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_e2ee_v1_MailboxEvent__Output>;
  
}

export interface MailboxHandlers extends grpc.UntypedServiceImplementation {
  Ack: grpc.handleUnaryCall<_e2ee_v1_AckRequest__Output, _e2ee_v1_AckResponse>;
  
  Fetch: grpc.handleUnaryCall<_e2ee_v1_FetchRequest__Output, _e2ee_v1_FetchResponse>;
  
  Send: grpc.handleUnaryCall<_e2ee_v1_SendRequest__Output, _e2ee_v1_SendResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_e2ee_v1_SubscribeRequest__Output, _e2ee_v1_MailboxEvent>;
  
}

export interface MailboxDefinition extends grpc.ServiceDefinition {
  Ack: MethodDefinition<_e2ee_v1_AckRequest, _e2ee_v1_AckResponse, _e2ee_v1_AckRequest__Output, _e2ee_v1_AckResponse__Output>
  Fetch: MethodDefinition<_e2ee_v1_FetchRequest, _e2ee_v1_FetchResponse, _e2ee_v1_FetchRequest__Output, _e2ee_v1_FetchResponse__Output>
  Send: MethodDefinition<_e2ee_v1_SendRequest, _e2ee_v1_SendResponse, _e2ee_v1_SendRequest__Output, _e2ee_v1_SendResponse__Output>
  Subscribe: MethodDefinition<_e2ee_v1_SubscribeRequest, _e2ee_v1_MailboxEvent, _e2ee_v1_SubscribeRequest__Output, _e2ee_v1_MailboxEvent__Output>
}
