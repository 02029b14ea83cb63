/**
 * Tells a recipient's open stream that envelopes for it committed. Kept behind
 * an interface so a multi-instance deployment can back it with a shared engine.
 */
import type { Envelope } from './types.js';

/** Called with what committed; an empty list means "something did, read the queue". */
export type CommitListener = (committed: readonly Envelope[]) => void;

export interface MailboxNotifier {
  /**
   * `committed` must be every envelope one commit stored for the account, with
   * notifications in commit order: a stream trusts the list instead of reading
   * the queue back (domain/delivery.ts). A notifier that cannot promise that
   * (commits made by another process) passes an empty list.
   */
  notify(accountId: number, committed: readonly Envelope[]): void;
  listen(accountId: number, listener: CommitListener): () => void;
}

export class InProcessNotifier implements MailboxNotifier {
  private readonly listeners = new Map<number, Set<CommitListener>>();

  notify(accountId: number, committed: readonly Envelope[]): void {
    for (const listener of this.listeners.get(accountId) ?? []) listener(committed);
  }

  listen(accountId: number, listener: CommitListener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(accountId) === set) this.listeners.delete(accountId);
    };
  }
}
