// Original file: proto/e2ee/v1/mailbox.proto


export interface AckRequest {
  'guids'?: (string)[];
}

export interface AckRequest__Output {
  'guids': (string)[];
}
