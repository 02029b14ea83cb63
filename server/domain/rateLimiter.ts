/**
 * Token buckets in memory, keyed by rule name and subject. A bucket that has
 * filled up again is forgotten by prune(), so memory follows recent activity.
 */
import type { RateRule, ServerConfig } from '../config.js';
import type { Clock } from './types.js';

export type RuleName = keyof ServerConfig['rates'];

interface Bucket {
  rule: RuleName;
  tokens: number;
  updatedAt: number;
}

export interface RateRequest {
  rule: RuleName;
  key: string;
  cost?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rules: Record<RuleName, RateRule>,
    private readonly enabled: boolean,
    private readonly clock: Clock,
  ) {}

  /** Takes from every bucket, or from none when any of them is short. */
  take(requests: readonly RateRequest[]): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.clock.now();
    let retryAfterMs = 0;
    for (const { rule, key, cost = 1 } of requests) {
      const { burst, refillMs } = this.rules[rule];
      const bucket = this.refreshed(rule, key, now);
      const wait = cost > burst ? Number.MAX_SAFE_INTEGER : Math.ceil((cost - bucket.tokens) * refillMs);
      if (bucket.tokens < cost) retryAfterMs = Math.max(retryAfterMs, wait);
    }
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    for (const { rule, key, cost = 1 } of requests) this.refreshed(rule, key, now).tokens -= cost;
    return { allowed: true };
  }

  /** Whether taking `cost` would succeed now, without taking it. */
  peek(rule: RuleName, key: string, cost = 1): RateDecision {
    if (!this.enabled) return { allowed: true };
    const bucket = this.refreshed(rule, key, this.clock.now());
    if (bucket.tokens >= cost) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.ceil((cost - bucket.tokens) * this.rules[rule].refillMs) };
  }

  /** Forgets buckets that are full again. */
  prune(): void {
    const now = this.clock.now();
    for (const [id, bucket] of this.buckets) {
      const { burst, refillMs } = this.rules[bucket.rule];
      if (bucket.tokens + (now - bucket.updatedAt) / refillMs >= burst) this.buckets.delete(id);
    }
  }

  private refreshed(rule: RuleName, key: string, now: number): Bucket {
    const id = `${rule}:${key}`;
    const { burst, refillMs } = this.rules[rule];
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = { rule, tokens: burst, updatedAt: now };
      this.buckets.set(id, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) / refillMs);
      bucket.updatedAt = now;
    }
    return bucket;
  }
}
