/**
 * Wakes a recipient's open stream when envelopes for it commit. Kept behind an
 * interface so a multi-instance deployment can back it with a shared engine.
 */
export interface MailboxNotifier {
  notify(accountId: number): void;
  listen(accountId: number, wake: () => void): () => void;
}

export class InProcessNotifier implements MailboxNotifier {
  private readonly listeners = new Map<number, Set<() => void>>();

  notify(accountId: number): void {
    for (const wake of this.listeners.get(accountId) ?? []) wake();
  }

  listen(accountId: number, wake: () => void): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.listeners.get(accountId) === set) this.listeners.delete(accountId);
    };
  }
}
