// Original file: proto/e2ee/v1/accounts.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthenticateRequest as _e2ee_v1_AuthenticateRequest, AuthenticateRequest__Output as _e2ee_v1_AuthenticateRequest__Output } from '../../e2ee/v1/AuthenticateRequest.js';
import type { Challenge as _e2ee_v1_Challenge, Challenge__Output as _e2ee_v1_Challenge__Output } from '../../e2ee/v1/Challenge.js';
import type { ChallengeRequest as _e2ee_v1_ChallengeRequest, ChallengeRequest__Output as _e2ee_v1_ChallengeRequest__Output } from '../../e2ee/v1/ChallengeRequest.js';
import type { DeregisterRequest as _e2ee_v1_DeregisterRequest, DeregisterRequest__Output as _e2ee_v1_DeregisterRequest__Output } from '../../e2ee/v1/DeregisterRequest.js';
import type { DeregisterResponse as _e2ee_v1_DeregisterResponse, DeregisterResponse__Output as _e2ee_v1_DeregisterResponse__Output } from '../../e2ee/v1/DeregisterResponse.js';
import type { RegisterRequest as _e2ee_v1_RegisterRequest, RegisterRequest__Output as _e2ee_v1_RegisterRequest__Output } from '../../e2ee/v1/RegisterRequest.js';
import type { Session as _e2ee_v1_Session, Session__Output as _e2ee_v1_Session__Output } from '../../e2ee/v1/Session.js';

export interface AccountsClient extends grpc.Client {
  Authenticate(argument: _e2ee_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _e2ee_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _e2ee_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _e2ee_v1_AuthenticateRequest, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _e2ee_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _e2ee_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _e2ee_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _e2ee_v1_AuthenticateRequest, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  
  Deregister(argument: _e2ee_v1_DeregisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _e2ee_v1_DeregisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _e2ee_v1_DeregisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  Deregister(argument: _e2ee_v1_DeregisterRequest, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _e2ee_v1_DeregisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _e2ee_v1_DeregisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _e2ee_v1_DeregisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  deregister(argument: _e2ee_v1_DeregisterRequest, callback: grpc.requestCallback<_e2ee_v1_DeregisterResponse__Output>): grpc.ClientUnaryCall;
  
  GetChallenge(argument: _e2ee_v1_ChallengeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  GetChallenge(argument: _e2ee_v1_ChallengeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  GetChallenge(argument: _e2ee_v1_ChallengeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  GetChallenge(argument: _e2ee_v1_ChallengeRequest, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  getChallenge(argument: _e2ee_v1_ChallengeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  getChallenge(argument: _e2ee_v1_ChallengeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  getChallenge(argument: _e2ee_v1_ChallengeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  getChallenge(argument: _e2ee_v1_ChallengeRequest, callback: grpc.requestCallback<_e2ee_v1_Challenge__Output>): grpc.ClientUnaryCall;
  
  Register(argument: _e2ee_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Register(argument: _e2ee_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Register(argument: _e2ee_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  Register(argument: _e2ee_v1_RegisterRequest, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  register(argument: _e2ee_v1_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  register(argument: _e2ee_v1_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  register(argument: _e2ee_v1_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  register(argument: _e2ee_v1_RegisterRequest, callback: grpc.requestCallback<_e2ee_v1_Session__Output>): grpc.ClientUnaryCall;
  
}

export interface AccountsHandlers extends grpc.UntypedServiceImplementation {
  Authenticate: grpc.handleUnaryCall<_e2ee_v1_AuthenticateRequest__Output, _e2ee_v1_Session>;
  
  Deregister: grpc.handleUnaryCall<_e2ee_v1_DeregisterRequest__Output, _e2ee_v1_DeregisterResponse>;
  
  GetChallenge: grpc.handleUnaryCall<_e2ee_v1_ChallengeRequest__Output, _e2ee_v1_Challenge>;
  
  Register: grpc.handleUnaryCall<_e2ee_v1_RegisterRequest__Output, _e2ee_v1_Session>;
  
}

export interface AccountsDefinition extends grpc.ServiceDefinition {
  Authenticate: MethodDefinition<_e2ee_v1_AuthenticateRequest, _e2ee_v1_Session, _e2ee_v1_AuthenticateRequest__Output, _e2ee_v1_Session__Output>
  Deregister: MethodDefinition<_e2ee_v1_DeregisterRequest, _e2ee_v1_DeregisterResponse, _e2ee_v1_DeregisterRequest__Output, _e2ee_v1_DeregisterResponse__Output>
  GetChallenge: MethodDefinition<_e2ee_v1_ChallengeRequest, _e2ee_v1_Challenge, _e2ee_v1_ChallengeRequest__Output, _e2ee_v1_Challenge__Output>
  Register: MethodDefinition<_e2ee_v1_RegisterRequest, _e2ee_v1_Session, _e2ee_v1_RegisterRequest__Output, _e2ee_v1_Session__Output>
}
