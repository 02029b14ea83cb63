// Original file: proto/e2ee/v1/common.proto


export interface KyberPreKey {
  'id'?: (number);
  'public_key'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface KyberPreKey__Output {
  'id': (number);
  'public_key': (Buffer);
  'signature': (Buffer);
}
