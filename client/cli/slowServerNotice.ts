/**
 * A one-shot waits up to a call's deadline (15 s) for a server that accepted the
 * connection and never answers. On a terminal, silence that long looks like a
 * hang; after a moment without any event, one line says what it waits for.
 */
import type { ChatClientApi } from '../core/api.js';
import { DEFAULT_DEADLINE_MS } from '../core/net/serverApi.js';

export const SLOW_NOTICE_MS = 2_000;

/** Writes the notice once if `client` emits nothing for `afterMs`; call the returned function when the command ends. */
export function noticeSlowServer(client: Pick<ChatClientApi, 'on' | 'serverAddress'>, write: (text: string) => void, afterMs = SLOW_NOTICE_MS): () => void {
  let heard = false;
  const stopListening = client.on(() => {
    heard = true;
  });
  const timer = setTimeout(() => {
    if (!heard) write(`waiting for the server at ${client.serverAddress} (gives up after ${DEFAULT_DEADLINE_MS / 1000} s; Ctrl+C stops)\n`);
  }, afterMs);
  return () => {
    clearTimeout(timer);
    stopListening();
  };
}
