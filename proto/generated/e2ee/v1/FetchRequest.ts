// Original file: proto/e2ee/v1/mailbox.proto


export interface FetchRequest {
  'limit'?: (number);
}

export interface FetchRequest__Output {
  'limit': (number);
}
