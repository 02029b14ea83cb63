/**
 * The guids the contract's `guid` fields carry: UUIDv7 (RFC 9562), 48 bits of
 * Unix milliseconds and then 74 random bits, so indexes keyed by them grow at
 * their end instead of taking a random page per row.
 *
 * Random bits come from a pool that one CSPRNG call refills (as Node's own
 * randomUUID does): a CSPRNG call per guid cost about 5 µs, on the path of
 * every message sent and stored.
 */
import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 10;
const POOL_BYTES = RANDOM_BYTES * 512;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

export function timeOrderedUuid(now: number = Date.now()): string {
  if (used + RANDOM_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  // Each pool byte is used once.
  pool.copy(bytes, 6, used, used + RANDOM_BYTES);
  used += RANDOM_BYTES;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
