/**
 * Hides a plaintext's length (API.md): one 0x80 byte, then 0x00 up to the next
 * multiple of 160.
 */
const BLOCK = 160;
const MARKER = 0x80;

export function pad(plaintext: Uint8Array): Uint8Array<ArrayBuffer> {
  const length = Math.ceil((plaintext.length + 1) / BLOCK) * BLOCK;
  const padded = new Uint8Array(length);
  padded.set(plaintext);
  padded[plaintext.length] = MARKER;
  return padded;
}

/** Returns undefined when the input does not end in a marker and zeros. */
export function unpad(padded: Uint8Array): Uint8Array | undefined {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== MARKER) return undefined;
  return padded.subarray(0, end);
}
