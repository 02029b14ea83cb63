// Original file: proto/e2ee/v1/accounts.proto


export interface DeregisterRequest {
}

export interface DeregisterRequest__Output {
}
