/** The domain's vocabulary, free of proto and SQL types. */

export const DEVICE_ID = 1;

export interface Account {
  id: number;
  number: string;
  identityKey: Uint8Array;
  registrationId: number;
}

export interface PreKey {
  keyId: number;
  publicKey: Uint8Array;
}

export interface SignedPreKey extends PreKey {
  signature: Uint8Array;
}

export interface PreKeyBundle {
  number: string;
  deviceId: number;
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: SignedPreKey;
  preKey?: PreKey;
  kyberPreKey: SignedPreKey;
}

export interface OutgoingMessage {
  /** Sender's idempotency key (a UUID), or '' for none. */
  guid: string;
  type: number;
  content: Uint8Array;
  clientTimestamp: number;
}

export interface Envelope {
  /** Queue position: increasing in stored order. */
  id: number;
  guid: string;
  source: string;
  sourceDevice: number;
  destination: string;
  type: number;
  content: Uint8Array;
  clientTimestamp: number;
  serverTimestamp: number;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
