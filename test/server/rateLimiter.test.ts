import { describe, expect, it } from '@jest/globals';
import type { ServerConfig } from '../../server/config.js';
import { RateLimiter } from '../../server/domain/rateLimiter.js';

const SECOND = 1_000;

function limiterAt(start: number) {
  const clock = { t: start, now: () => clock.t };
  const rules = {
    bundlePerTarget: { burst: 2, refillMs: 10 * SECOND },
    bundlePerCaller: { burst: 100, refillMs: SECOND },
    sendPerPair: { burst: 100, refillMs: 100 },
    registerPerNumber: { limit: 3, windowMs: 30 * SECOND },
    failedAuthPerNumber: { burst: 10, refillMs: SECOND },
  } satisfies ServerConfig['rates'];
  return { clock, limiter: new RateLimiter(rules, true, clock) };
}

describe('RateLimiter', () => {
  it('"burst X, then 1 per Y": a token bucket', () => {
    const { clock, limiter } = limiterAt(0);
    const take = () => limiter.take([{ rule: 'bundlePerTarget', key: 'a>b' }]);
    expect([take(), take()]).toEqual([{ allowed: true }, { allowed: true }]);
    expect(take()).toEqual({ allowed: false, retryAfterMs: 10 * SECOND });
    clock.t = 10 * SECOND;
    expect(take()).toEqual({ allowed: true });
    expect(take()).toEqual({ allowed: false, retryAfterMs: 10 * SECOND });
  });

  it('"N per T": at most N in any span of T, and a retry-after when the oldest leaves it', () => {
    const { clock, limiter } = limiterAt(0);
    const take = () => limiter.take([{ rule: 'registerPerNumber', key: '+15550001111' }]);
    expect(take()).toEqual({ allowed: true });
    clock.t = 10 * SECOND;
    expect([take(), take()]).toEqual([{ allowed: true }, { allowed: true }]);
    clock.t = 25 * SECOND;
    expect(take()).toEqual({ allowed: false, retryAfterMs: 5 * SECOND });
    clock.t = 30 * SECOND; // the first use leaves the window
    expect(take()).toEqual({ allowed: true });
    expect(take()).toEqual({ allowed: false, retryAfterMs: 10 * SECOND });
    // another subject has its own window
    expect(limiter.take([{ rule: 'registerPerNumber', key: '+15550002222' }])).toEqual({ allowed: true });
  });

  it('takes from every rule or from none', () => {
    const { limiter } = limiterAt(0);
    const both = () =>
      limiter.take([
        { rule: 'bundlePerTarget', key: 'a>b' },
        { rule: 'registerPerNumber', key: 'x' },
      ]);
    expect([both(), both()]).toEqual([{ allowed: true }, { allowed: true }]);
    expect(both()).toMatchObject({ allowed: false });
    // the refused call took nothing from the window that still had room
    expect(limiter.take([{ rule: 'registerPerNumber', key: 'x' }])).toEqual({ allowed: true });
  });

  it('forgets a subject once everything it took no longer counts', () => {
    const { clock, limiter } = limiterAt(0);
    const size = () => (limiter as unknown as { allowances: Map<string, unknown> }).allowances.size;
    limiter.take([{ rule: 'bundlePerTarget', key: 'a>b' }]);
    limiter.take([{ rule: 'registerPerNumber', key: 'x' }]);
    clock.t = 9 * SECOND;
    limiter.prune();
    expect(size()).toBe(2);
    clock.t = 10 * SECOND;
    limiter.prune();
    expect(size()).toBe(1);
    clock.t = 30 * SECOND;
    limiter.prune();
    expect(size()).toBe(0);
  });
});
