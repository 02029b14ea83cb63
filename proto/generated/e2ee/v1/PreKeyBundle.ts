// Original file: proto/e2ee/v1/keys.proto

import type { SignedPreKey as _e2ee_v1_SignedPreKey, SignedPreKey__Output as _e2ee_v1_SignedPreKey__Output } from '../../e2ee/v1/SignedPreKey.js';
import type { PreKey as _e2ee_v1_PreKey, PreKey__Output as _e2ee_v1_PreKey__Output } from '../../e2ee/v1/PreKey.js';
import type { KyberPreKey as _e2ee_v1_KyberPreKey, KyberPreKey__Output as _e2ee_v1_KyberPreKey__Output } from '../../e2ee/v1/KyberPreKey.js';

export interface PreKeyBundle {
  'number'?: (string);
  'device_id'?: (number);
  'registration_id'?: (number);
  'identity_key'?: (Buffer | Uint8Array | string);
  'signed_pre_key'?: (_e2ee_v1_SignedPreKey | null);
  'pre_key'?: (_e2ee_v1_PreKey | null);
  'kyber_pre_key'?: (_e2ee_v1_KyberPreKey | null);
}

export interface PreKeyBundle__Output {
  'number': (string);
  'device_id': (number);
  'registration_id': (number);
  'identity_key': (Buffer);
  'signed_pre_key': (_e2ee_v1_SignedPreKey__Output | null);
  'pre_key': (_e2ee_v1_PreKey__Output | null);
  'kyber_pre_key': (_e2ee_v1_KyberPreKey__Output | null);
}
