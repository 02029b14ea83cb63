import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetPreKeyBundleRequest as _e2ee_v1_GetPreKeyBundleRequest, GetPreKeyBundleRequest__Output as _e2ee_v1_GetPreKeyBundleRequest__Output } from './e2ee/v1/GetPreKeyBundleRequest.js';
import type { GetPreKeyCountRequest as _e2ee_v1_GetPreKeyCountRequest, GetPreKeyCountRequest__Output as _e2ee_v1_GetPreKeyCountRequest__Output } from './e2ee/v1/GetPreKeyCountRequest.js';
import type { KeysClient as _e2ee_v1_KeysClient, KeysDefinition as _e2ee_v1_KeysDefinition } from './e2ee/v1/Keys.js';
import type { KyberPreKey as _e2ee_v1_KyberPreKey, KyberPreKey__Output as _e2ee_v1_KyberPreKey__Output } from './e2ee/v1/KyberPreKey.js';
import type { PreKey as _e2ee_v1_PreKey, PreKey__Output as _e2ee_v1_PreKey__Output } from './e2ee/v1/PreKey.js';
import type { PreKeyBundle as _e2ee_v1_PreKeyBundle, PreKeyBundle__Output as _e2ee_v1_PreKeyBundle__Output } from './e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount as _e2ee_v1_PreKeyCount, PreKeyCount__Output as _e2ee_v1_PreKeyCount__Output } from './e2ee/v1/PreKeyCount.js';
import type { Session as _e2ee_v1_Session, Session__Output as _e2ee_v1_Session__Output } from './e2ee/v1/Session.js';
import type { SignedPreKey as _e2ee_v1_SignedPreKey, SignedPreKey__Output as _e2ee_v1_SignedPreKey__Output } from './e2ee/v1/SignedPreKey.js';
import type { UploadPreKeysRequest as _e2ee_v1_UploadPreKeysRequest, UploadPreKeysRequest__Output as _e2ee_v1_UploadPreKeysRequest__Output } from './e2ee/v1/UploadPreKeysRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  e2ee: {
    v1: {
      GetPreKeyBundleRequest: MessageTypeDefinition<_e2ee_v1_GetPreKeyBundleRequest, _e2ee_v1_GetPreKeyBundleRequest__Output>
      GetPreKeyCountRequest: MessageTypeDefinition<_e2ee_v1_GetPreKeyCountRequest, _e2ee_v1_GetPreKeyCountRequest__Output>
      Keys: SubtypeConstructor<typeof grpc.Client, _e2ee_v1_KeysClient> & { service: _e2ee_v1_KeysDefinition }
      KyberPreKey: MessageTypeDefinition<_e2ee_v1_KyberPreKey, _e2ee_v1_KyberPreKey__Output>
      PreKey: MessageTypeDefinition<_e2ee_v1_PreKey, _e2ee_v1_PreKey__Output>
      PreKeyBundle: MessageTypeDefinition<_e2ee_v1_PreKeyBundle, _e2ee_v1_PreKeyBundle__Output>
      PreKeyCount: MessageTypeDefinition<_e2ee_v1_PreKeyCount, _e2ee_v1_PreKeyCount__Output>
      Session: MessageTypeDefinition<_e2ee_v1_Session, _e2ee_v1_Session__Output>
      SignedPreKey: MessageTypeDefinition<_e2ee_v1_SignedPreKey, _e2ee_v1_SignedPreKey__Output>
      UploadPreKeysRequest: MessageTypeDefinition<_e2ee_v1_UploadPreKeysRequest, _e2ee_v1_UploadPreKeysRequest__Output>
    }
  }
}

