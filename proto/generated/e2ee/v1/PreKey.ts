// Original file: proto/e2ee/v1/common.proto


export interface PreKey {
  'id'?: (number);
  'public_key'?: (Buffer | Uint8Array | string);
}

export interface PreKey__Output {
  'id': (number);
  'public_key': (Buffer);
}
