/** Periodic clean-up: expired envelopes (30 days), idempotency keys (24 h), tokens, idle rate buckets, challenges. */
import type { ServerConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { ChallengeBook } from './auth.js';
import type { RateLimiter } from './rateLimiter.js';
import type { Clock } from './types.js';
import type { Writer } from './writes.js';

export class Maintenance {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly writer: Writer,
    private readonly challenges: ChallengeBook,
    private readonly limits: RateLimiter,
    private readonly config: Pick<ServerConfig, 'envelopeTtlMs' | 'idempotencyTtlMs'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(intervalMs = 10 * 60 * 1000): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async runOnce(): Promise<void> {
    const now = this.clock.now();
    this.challenges.dropExpired();
    this.limits.prune();
    try {
      const dropped = await this.writer.run('sweep', {
        now,
        envelopesBefore: now - this.config.envelopeTtlMs,
        receiptsBefore: now - this.config.idempotencyTtlMs,
      });
      if (dropped.envelopes + dropped.sendReceipts + dropped.tokens > 0) this.log.info('expired rows dropped', dropped);
    } catch (err) {
      this.log.error('maintenance failed', { error: (err as Error).message });
    }
  }
}
