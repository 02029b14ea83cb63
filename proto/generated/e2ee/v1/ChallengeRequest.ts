// Original file: proto/e2ee/v1/accounts.proto


export interface ChallengeRequest {
  'number'?: (string);
}

export interface ChallengeRequest__Output {
  'number': (string);
}
