import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AccountsClient as _e2ee_v1_AccountsClient, AccountsDefinition as _e2ee_v1_AccountsDefinition } from './e2ee/v1/Accounts.js';
import type { AuthenticateRequest as _e2ee_v1_AuthenticateRequest, AuthenticateRequest__Output as _e2ee_v1_AuthenticateRequest__Output } from './e2ee/v1/AuthenticateRequest.js';
import type { Challenge as _e2ee_v1_Challenge, Challenge__Output as _e2ee_v1_Challenge__Output } from './e2ee/v1/Challenge.js';
import type { ChallengeRequest as _e2ee_v1_ChallengeRequest, ChallengeRequest__Output as _e2ee_v1_ChallengeRequest__Output } from './e2ee/v1/ChallengeRequest.js';
import type { DeregisterRequest as _e2ee_v1_DeregisterRequest, DeregisterRequest__Output as _e2ee_v1_DeregisterRequest__Output } from './e2ee/v1/DeregisterRequest.js';
import type { DeregisterResponse as _e2ee_v1_DeregisterResponse, DeregisterResponse__Output as _e2ee_v1_DeregisterResponse__Output } from './e2ee/v1/DeregisterResponse.js';
import type { KyberPreKey as _e2ee_v1_KyberPreKey, KyberPreKey__Output as _e2ee_v1_KyberPreKey__Output } from './e2ee/v1/KyberPreKey.js';
import type { PreKey as _e2ee_v1_PreKey, PreKey__Output as _e2ee_v1_PreKey__Output } from './e2ee/v1/PreKey.js';
import type { PreKeyCount as _e2ee_v1_PreKeyCount, PreKeyCount__Output as _e2ee_v1_PreKeyCount__Output } from './e2ee/v1/PreKeyCount.js';
import type { RegisterRequest as _e2ee_v1_RegisterRequest, RegisterRequest__Output as _e2ee_v1_RegisterRequest__Output } from './e2ee/v1/RegisterRequest.js';
import type { Session as _e2ee_v1_Session, Session__Output as _e2ee_v1_Session__Output } from './e2ee/v1/Session.js';
import type { SignedPreKey as _e2ee_v1_SignedPreKey, SignedPreKey__Output as _e2ee_v1_SignedPreKey__Output } from './e2ee/v1/SignedPreKey.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  e2ee: {
    v1: {
      Accounts: SubtypeConstructor<typeof grpc.Client, _e2ee_v1_AccountsClient> & { service: _e2ee_v1_AccountsDefinition }
      AuthenticateRequest: MessageTypeDefinition<_e2ee_v1_AuthenticateRequest, _e2ee_v1_AuthenticateRequest__Output>
      Challenge: MessageTypeDefinition<_e2ee_v1_Challenge, _e2ee_v1_Challenge__Output>
      ChallengeRequest: MessageTypeDefinition<_e2ee_v1_ChallengeRequest, _e2ee_v1_ChallengeRequest__Output>
      DeregisterRequest: MessageTypeDefinition<_e2ee_v1_DeregisterRequest, _e2ee_v1_DeregisterRequest__Output>
      DeregisterResponse: MessageTypeDefinition<_e2ee_v1_DeregisterResponse, _e2ee_v1_DeregisterResponse__Output>
      KyberPreKey: MessageTypeDefinition<_e2ee_v1_KyberPreKey, _e2ee_v1_KyberPreKey__Output>
      PreKey: MessageTypeDefinition<_e2ee_v1_PreKey, _e2ee_v1_PreKey__Output>
      PreKeyCount: MessageTypeDefinition<_e2ee_v1_PreKeyCount, _e2ee_v1_PreKeyCount__Output>
      RegisterRequest: MessageTypeDefinition<_e2ee_v1_RegisterRequest, _e2ee_v1_RegisterRequest__Output>
      Session: MessageTypeDefinition<_e2ee_v1_Session, _e2ee_v1_Session__Output>
      SignedPreKey: MessageTypeDefinition<_e2ee_v1_SignedPreKey, _e2ee_v1_SignedPreKey__Output>
    }
  }
}

