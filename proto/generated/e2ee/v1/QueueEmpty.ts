// Original file: proto/e2ee/v1/mailbox.proto


export interface QueueEmpty {
}

export interface QueueEmpty__Output {
}
