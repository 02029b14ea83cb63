/**
 * Acting on the wire as a test client's account, beside the client: sign in with
 * the identity key in its folder, then Fetch/Ack/Send raw envelopes. Tests use it
 * to record, reorder, duplicate or tamper with real ciphertexts.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import { loadOrCreateIdentity } from '../../client/core/account.js';
import type { ClientEvent } from '../../client/core/api.js';
import type { ClientContext } from '../../client/core/context.js';
import { ServerApi } from '../../client/core/net/serverApi.js';
import { SerialQueue } from '../../client/core/serialQueue.js';
import { signIn } from '../../client/core/signIn.js';
import { DATABASE_FILE, openClientDatabase } from '../../client/core/storage/database.js';
import { tempDir } from './server.js';

export interface WireAccount {
  api: ServerApi;
  /** Everything queued for this account, without acking it. */
  fetchAll(): Promise<Envelope__Output[]>;
  ack(envelopes: Envelope__Output[]): Promise<void>;
  /** Sends ciphertexts as they are (new guids) to `destination`. */
  sendRaw(destination: string, messages: { type: number; content: Uint8Array }[]): Promise<void>;
  close(): void;
}

/**
 * The core's parts for an account folder, without the ChatClient around them,
 * signed in; for calling core functions (like starting a session from a doctored
 * bundle) directly. Events go to `events`. The folder's client must be closed:
 * one process at a time opens an account's database.
 */
export async function openContext(server: string, number: string, dataDir: string): Promise<{ ctx: ClientContext; events: ClientEvent[]; close(): void }> {
  const db = openClientDatabase(dataDir);
  const api = new ServerApi(server, { kind: 'plaintext' });
  const events: ClientEvent[] = [];
  const ctx: ClientContext = { db, api, local: loadOrCreateIdentity(db, number), protocolLock: new SerialQueue(), emit: (e) => events.push(typeof e === 'function' ? e() : e) };
  try {
    await signIn(ctx);
  } catch (err) {
    db.close();
    api.close();
    throw err;
  }
  return {
    ctx,
    events,
    close: () => {
      api.close();
      db.close();
    },
  };
}

/**
 * A copy of the database in `dataDir` (with its WAL), in a new folder: what a
 * thief of the disk would hold, or a way to read an account whose running
 * client holds the original (one process at a time may open it).
 */
export function copyOfDatabase(dataDir: string, prefix = 'e2ee-wire-'): string {
  const copy = tempDir(prefix);
  for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
    if (existsSync(join(dataDir, file))) copyFileSync(join(dataDir, file), join(copy, file));
  }
  return copy;
}

/** Signs in with the identity key of the account in `dataDir` (read from a copy, so its client may keep running). */
export async function wireAccount(server: string, number: string, dataDir: string): Promise<WireAccount> {
  const copy = copyOfDatabase(dataDir);
  let api: ServerApi;
  try {
    const { ctx } = await openContext(server, number, copy);
    api = ctx.api;
    ctx.db.close();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  return {
    api,
    async fetchAll() {
      const page = await api.fetch(100);
      return page.envelopes;
    },
    async ack(envelopes) {
      await api.ack(envelopes.map((e) => e.guid));
    },
    async sendRaw(destination, messages) {
      await api.send({
        destination,
        messages: messages.map((m) => ({ guid: randomUUID(), type: m.type, content: Buffer.from(m.content), client_timestamp: Date.now() })),
      });
    },
    close: () => api.close(),
  };
}
