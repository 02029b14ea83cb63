// Original file: proto/e2ee/v1/keys.proto


export interface GetPreKeyBundleRequest {
  'number'?: (string);
}

export interface GetPreKeyBundleRequest__Output {
  'number': (string);
}
