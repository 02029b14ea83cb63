// Original file: proto/e2ee/v1/keys.proto

import type { SignedPreKey as _e2ee_v1_SignedPreKey, SignedPreKey__Output as _e2ee_v1_SignedPreKey__Output } from '../../e2ee/v1/SignedPreKey.js';
import type { KyberPreKey as _e2ee_v1_KyberPreKey, KyberPreKey__Output as _e2ee_v1_KyberPreKey__Output } from '../../e2ee/v1/KyberPreKey.js';
import type { PreKey as _e2ee_v1_PreKey, PreKey__Output as _e2ee_v1_PreKey__Output } from '../../e2ee/v1/PreKey.js';

export interface UploadPreKeysRequest {
  'signed_pre_key'?: (_e2ee_v1_SignedPreKey | null);
  'kyber_last_resort_pre_key'?: (_e2ee_v1_KyberPreKey | null);
  'pre_keys'?: (_e2ee_v1_PreKey)[];
  'kyber_pre_keys'?: (_e2ee_v1_KyberPreKey)[];
}

export interface UploadPreKeysRequest__Output {
  'signed_pre_key': (_e2ee_v1_SignedPreKey__Output | null);
  'kyber_last_resort_pre_key': (_e2ee_v1_KyberPreKey__Output | null);
  'pre_keys': (_e2ee_v1_PreKey__Output)[];
  'kyber_pre_keys': (_e2ee_v1_KyberPreKey__Output)[];
}
