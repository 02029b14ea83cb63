import { Fingerprint, type PublicKey } from '@signalapp/libsignal-client';

const ITERATIONS = 5200;
const FINGERPRINT_VERSION = 2;

/** libsignal's displayable fingerprint, 60 digits in 12 groups of 5; equal from both sides. */
export function safetyNumber(local: { number: string; key: PublicKey }, remote: { number: string; key: PublicKey }): string {
  const encoder = new TextEncoder();
  const digits = Fingerprint.new(
    ITERATIONS,
    FINGERPRINT_VERSION,
    new Uint8Array(encoder.encode(local.number)),
    local.key,
    new Uint8Array(encoder.encode(remote.number)),
    remote.key,
  )
    .displayableFingerprint()
    .toString();
  return digits.match(/.{5}/g)!.join(' ');
}
