import { describe, expect, it } from '@jest/globals';
import { RecentLookups } from '../../server/domain/recentLookups.js';

describe('RecentLookups', () => {
  const clockAt = (start: number) => {
    const clock = { t: start, now: () => clock.t };
    return clock;
  };

  it('forgets an entry after its age limit, or at its own deadline if sooner', () => {
    const clock = clockAt(1_000);
    const lookups = new RecentLookups<string, number>(clock, 100, 10);
    lookups.remember('a', 1);
    lookups.remember('b', 2, 1_050);
    clock.t = 1_049;
    expect([lookups.get('a'), lookups.get('b')]).toEqual([1, 2]);
    clock.t = 1_050;
    expect([lookups.get('a'), lookups.get('b')]).toEqual([1, undefined]);
    clock.t = 1_100;
    expect(lookups.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full, and forgets what a predicate names', () => {
    const lookups = new RecentLookups<string, { id: number }>(clockAt(0), 1_000, 2);
    lookups.remember('a', { id: 1 });
    lookups.remember('b', { id: 2 });
    lookups.remember('c', { id: 2 });
    expect(lookups.get('a')).toBeUndefined();
    expect(lookups.get('b')).toEqual({ id: 2 });
    lookups.forgetWhere((value) => value.id === 2);
    expect([lookups.get('b'), lookups.get('c')]).toEqual([undefined, undefined]);
  });
});
