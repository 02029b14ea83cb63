// Original file: proto/e2ee/v1/accounts.proto


export interface AuthenticateRequest {
  'number'?: (string);
  'nonce'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface AuthenticateRequest__Output {
  'number': (string);
  'nonce': (Buffer);
  'signature': (Buffer);
}
