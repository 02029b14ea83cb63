/**
 * Rate limits in memory, keyed by rule name and subject. API.md writes two
 * kinds: "burst X, then 1 per Y" is a token bucket, "N per T" a sliding
 * window (at most N in any span of T). An allowance that has recovered in full
 * is forgotten by prune(), so memory follows recent activity.
 */
import type { RateRule, ServerConfig } from '../config.js';
import type { Clock } from './types.js';

export type RuleName = keyof ServerConfig['rates'];

export interface RateRequest {
  rule: RuleName;
  key: string;
  cost?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One subject's allowance under one rule. */
interface Allowance {
  /** How long until `cost` can be taken: 0 when it can be now. */
  waitMs(now: number, cost: number): number;
  take(now: number, cost: number): void;
  /** True once nothing taken still counts: the allowance can be forgotten. */
  recovered(now: number): boolean;
}

class TokenBucket implements Allowance {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  waitMs(now: number, cost: number): number {
    if (cost > this.burst) return Number.MAX_SAFE_INTEGER;
    const tokens = this.tokensAt(now);
    return tokens >= cost ? 0 : Math.ceil((cost - tokens) * this.refillMs);
  }

  take(now: number, cost: number): void {
    this.tokens = this.tokensAt(now) - cost;
    this.updatedAt = now;
  }

  recovered(now: number): boolean {
    return this.tokensAt(now) >= this.burst;
  }

  private tokensAt(now: number): number {
    return Math.min(this.burst, this.tokens + (now - this.updatedAt) / this.refillMs);
  }
}

class SlidingWindow implements Allowance {
  /** When each counted use was taken, oldest first; at most `limit` of them. */
  private readonly takenAt: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  waitMs(now: number, cost: number): number {
    if (cost > this.limit) return Number.MAX_SAFE_INTEGER;
    this.dropOlderThan(now);
    const excess = this.takenAt.length + cost - this.limit;
    // Enough of the oldest uses must leave the window first.
    return excess <= 0 ? 0 : this.takenAt[excess - 1]! + this.windowMs - now;
  }

  take(now: number, cost: number): void {
    this.dropOlderThan(now);
    for (let i = 0; i < cost; i++) this.takenAt.push(now);
  }

  recovered(now: number): boolean {
    this.dropOlderThan(now);
    return this.takenAt.length === 0;
  }

  private dropOlderThan(now: number): void {
    while (this.takenAt.length > 0 && this.takenAt[0]! + this.windowMs <= now) this.takenAt.shift();
  }
}

function newAllowance(rule: RateRule, now: number): Allowance {
  return 'windowMs' in rule ? new SlidingWindow(rule.limit, rule.windowMs) : new TokenBucket(rule.burst, rule.refillMs, now);
}

export class RateLimiter {
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly rules: Record<RuleName, RateRule>,
    private readonly enabled: boolean,
    private readonly clock: Clock,
  ) {}

  /** Takes from every allowance, or from none when any of them is short. */
  take(requests: readonly RateRequest[]): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.clock.now();
    let retryAfterMs = 0;
    for (const { rule, key, cost = 1 } of requests) retryAfterMs = Math.max(retryAfterMs, this.allowance(rule, key, now).waitMs(now, cost));
    if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
    for (const { rule, key, cost = 1 } of requests) this.allowance(rule, key, now).take(now, cost);
    return { allowed: true };
  }

  /** Forgets allowances that have recovered in full. */
  prune(): void {
    const now = this.clock.now();
    for (const [id, allowance] of this.allowances) if (allowance.recovered(now)) this.allowances.delete(id);
  }

  private allowance(rule: RuleName, key: string, now: number): Allowance {
    const id = `${rule}:${key}`;
    let allowance = this.allowances.get(id);
    if (!allowance) {
      allowance = newAllowance(this.rules[rule], now);
      this.allowances.set(id, allowance);
    }
    return allowance;
  }
}
