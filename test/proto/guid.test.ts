import { describe, expect, it } from '@jest/globals';
import { timeOrderedUuid } from '../../proto/guid.js';
import { uuid } from '../../server/grpc/validate.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered guids', () => {
  it('are UUIDv7 with the time in their first 48 bits, and the server takes them', () => {
    const guid = timeOrderedUuid(0x0123456789ab);
    expect(guid).toMatch(V7);
    expect(guid.startsWith('01234567-89ab-7')).toBe(true);
    expect(uuid(guid, 'guid')).toBe(guid);
  });

  it('sort by the millisecond they were made in', () => {
    const earlier = timeOrderedUuid(1_700_000_000_000);
    const later = timeOrderedUuid(1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('never repeat their random bits, across many refills of the random pool', () => {
    const count = 20_000;
    const randomParts = new Set<string>();
    let malformed = 0;
    for (let i = 0; i < count; i += 1) {
      const guid = timeOrderedUuid(1_700_000_000_000);
      if (!V7.test(guid)) malformed += 1;
      randomParts.add(guid.slice(14));
    }
    expect(malformed).toBe(0);
    expect(randomParts.size).toBe(count);
  });
});
