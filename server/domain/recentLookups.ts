/**
 * Lookups remembered for a short while, so the reads every call makes (its
 * token, its recipient) skip SQLite. Whoever changes what they map must forget
 * the affected entries; the short lifetime bounds how long a change made by
 * another process (the operator's `accounts delete`) goes unseen.
 */
import type { Clock } from './types.js';

export class RecentLookups<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() < entry.until) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers `value` for at most maxAgeMs, and never past `notAfter`. */
  remember(key: K, value: V, notAfter = Infinity): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value as K); // the oldest
    }
    this.entries.set(key, { value, until: Math.min(this.clock.now() + this.maxAgeMs, notAfter) });
  }

  forgetWhere(stale: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (stale(entry.value)) this.entries.delete(key);
  }
}
