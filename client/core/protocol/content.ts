/** The client-to-client payload inside a ciphertext: a padded `Content` (API.md). */
import type protobuf from 'protobufjs';
import { contentTypes } from '../../../proto/loader.js';
import { pad, unpad } from './padding.js';

export type ReceiptKind = 'delivery' | 'read';

export type Content =
  | { kind: 'data'; text: string; timestamp: number }
  | { kind: 'receipt'; type: ReceiptKind; timestamps: number[] };

let contentType: protobuf.Type | undefined;

/** The Content type, looked up once (a lookup walks the namespace). */
function contentTypeOnce(): protobuf.Type {
  contentType ??= contentTypes().Content;
  return contentType;
}

export function encodeContent(content: Content): Uint8Array<ArrayBuffer> {
  const ContentType = contentTypeOnce();
  const message =
    content.kind === 'data'
      ? { data: { text: content.text, timestamp: content.timestamp } }
      : { receipt: { type: content.type === 'read' ? 1 : 0, timestamps: content.timestamps } };
  return pad(ContentType.encode(ContentType.create(message)).finish());
}

export class ContentError extends Error {
  override readonly name = 'ContentError';
  readonly code = 'malformed_content';
  static is(err: unknown): err is ContentError {
    return err instanceof ContentError;
  }
}

export function decodeContent(padded: Uint8Array): Content {
  const plaintext = unpad(padded);
  if (!plaintext) throw new ContentError('bad padding');
  const ContentType = contentTypeOnce();
  let decoded: { data?: { text?: string; timestamp?: unknown }; receipt?: { type?: number; timestamps?: unknown[] } };
  try {
    decoded = ContentType.toObject(ContentType.decode(plaintext), { longs: Number, enums: Number, defaults: true, oneofs: true });
  } catch (err) {
    throw new ContentError('undecodable Content', { cause: err });
  }
  if (decoded.data) {
    return { kind: 'data', text: decoded.data.text ?? '', timestamp: Number(decoded.data.timestamp ?? 0) };
  }
  if (decoded.receipt) {
    return {
      kind: 'receipt',
      type: decoded.receipt.type === 1 ? 'read' : 'delivery',
      timestamps: (decoded.receipt.timestamps ?? []).map(Number),
    };
  }
  throw new ContentError('empty Content');
}
