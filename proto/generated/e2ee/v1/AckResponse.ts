// Original file: proto/e2ee/v1/mailbox.proto


export interface AckResponse {
  'removed'?: (number);
}

export interface AckResponse__Output {
  'removed': (number);
}
