// Original file: proto/e2ee/v1/accounts.proto


export interface DeregisterResponse {
}

export interface DeregisterResponse__Output {
}
