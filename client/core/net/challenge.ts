/** Signing in by proving possession of the identity key (API.md, "the signed challenge"). */
import type { PrivateKey } from '@signalapp/libsignal-client';
import type { Challenge__Output } from '../../../proto/generated/e2ee/v1/Challenge.js';
import { ClientError } from '../errors.js';

const LABEL = 'e2ee-auth-v1';

/** ASCII(label) || 0x00 || UTF8(server_id) || 0x00 || UTF8(number) || 0x00 || nonce */
export function challengeMessage(serverId: string, number: string, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  const separator = Buffer.from([0]);
  return new Uint8Array(
    Buffer.concat([Buffer.from(LABEL, 'ascii'), separator, Buffer.from(serverId, 'utf8'), separator, Buffer.from(number, 'utf8'), separator, nonce]),
  );
}

/**
 * Signs a challenge, refusing one that names a server other than the pinned one:
 * a malicious server could otherwise relay another server's challenge and sign
 * in there as us.
 */
export function signChallenge(
  challenge: Challenge__Output,
  number: string,
  identityKey: PrivateKey,
  pinnedServerId: string | null,
): { nonce: Buffer; signature: Buffer } {
  if (pinnedServerId !== null && challenge.server_id !== pinnedServerId) {
    throw new ClientError(
      'server_mismatch',
      `this server calls itself "${challenge.server_id}" but this account is registered with "${pinnedServerId}"; refusing to sign in`,
    );
  }
  const signature = identityKey.sign(challengeMessage(challenge.server_id, number, challenge.nonce));
  return { nonce: challenge.nonce, signature: Buffer.from(signature) };
}
