// Original file: proto/e2ee/v1/keys.proto


export interface GetPreKeyCountRequest {
}

export interface GetPreKeyCountRequest__Output {
}
