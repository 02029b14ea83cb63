// Original file: proto/e2ee/v1/mailbox.proto


export interface SubscribeRequest {
}

export interface SubscribeRequest__Output {
}
