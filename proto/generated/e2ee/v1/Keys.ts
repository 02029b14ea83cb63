// Original file: proto/e2ee/v1/keys.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetPreKeyBundleRequest as _e2ee_v1_GetPreKeyBundleRequest, GetPreKeyBundleRequest__Output as _e2ee_v1_GetPreKeyBundleRequest__Output } from '../../e2ee/v1/GetPreKeyBundleRequest.js';
import type { GetPreKeyCountRequest as _e2ee_v1_GetPreKeyCountRequest, GetPreKeyCountRequest__Output as _e2ee_v1_GetPreKeyCountRequest__Output } from '../../e2ee/v1/GetPreKeyCountRequest.js';
import type { PreKeyBundle as _e2ee_v1_PreKeyBundle, PreKeyBundle__Output as _e2ee_v1_PreKeyBundle__Output } from '../../e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount as _e2ee_v1_PreKeyCount, PreKeyCount__Output as _e2ee_v1_PreKeyCount__Output } from '../../e2ee/v1/PreKeyCount.js';
import type { UploadPreKeysRequest as _e2ee_v1_UploadPreKeysRequest, UploadPreKeysRequest__Output as _e2ee_v1_UploadPreKeysRequest__Output } from '../../e2ee/v1/UploadPreKeysRequest.js';

export interface KeysClient extends grpc.Client {
  GetPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  GetPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  GetPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  GetPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  getPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  getPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  getPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  getPreKeyBundle(argument: _e2ee_v1_GetPreKeyBundleRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyBundle__Output>): grpc.ClientUnaryCall;
  
  GetPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  GetPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  GetPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  GetPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  getPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  getPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  getPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  getPreKeyCount(argument: _e2ee_v1_GetPreKeyCountRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  
  UploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  UploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  UploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  UploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  uploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  uploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  uploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  uploadPreKeys(argument: _e2ee_v1_UploadPreKeysRequest, callback: grpc.requestCallback<_e2ee_v1_PreKeyCount__Output>): grpc.ClientUnaryCall;
  
}

export interface KeysHandlers extends grpc.UntypedServiceImplementation {
  GetPreKeyBundle: grpc.handleUnaryCall<_e2ee_v1_GetPreKeyBundleRequest__Output, _e2ee_v1_PreKeyBundle>;
  
  GetPreKeyCount: grpc.handleUnaryCall<_e2ee_v1_GetPreKeyCountRequest__Output, _e2ee_v1_PreKeyCount>;
  
  UploadPreKeys: grpc.handleUnaryCall<_e2ee_v1_UploadPreKeysRequest__Output, _e2ee_v1_PreKeyCount>;
  
}

export interface KeysDefinition extends grpc.ServiceDefinition {
  GetPreKeyBundle: MethodDefinition<_e2ee_v1_GetPreKeyBundleRequest, _e2ee_v1_PreKeyBundle, _e2ee_v1_GetPreKeyBundleRequest__Output, _e2ee_v1_PreKeyBundle__Output>
  GetPreKeyCount: MethodDefinition<_e2ee_v1_GetPreKeyCountRequest, _e2ee_v1_PreKeyCount, _e2ee_v1_GetPreKeyCountRequest__Output, _e2ee_v1_PreKeyCount__Output>
  UploadPreKeys: MethodDefinition<_e2ee_v1_UploadPreKeysRequest, _e2ee_v1_PreKeyCount, _e2ee_v1_UploadPreKeysRequest__Output, _e2ee_v1_PreKeyCount__Output>
}
