import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { rateLimitStoreContract } from './contract.js';

rateLimitStoreContract('memory', async () => ({ store: new MemoryRateLimitStore(), cleanup: async () => undefined }));

describe('MemoryRateLimitStore bounds', () => {
  const rule = { requests: 10, windowSeconds: 60 };

  it('never holds more than maxBuckets, dropping refilled buckets before a busy one', async () => {
    const store = new MemoryRateLimitStore({ maxBuckets: 100 });
    const quick = { requests: 60, windowSeconds: 1 }; // full again 17 ms after one take
    // The busy client comes first, so it is the least recently used from here on.
    for (let i = 0; i < 10; i++) await store.take('busy', rule, 0);
    for (let i = 0; i < 99; i++) await store.take(`once-${i}`, quick, 0);
    expect(store.size).toBe(100);
    // A flood of new addresses, one per millisecond.
    for (let i = 0; i < 2000; i++) await store.take(`flood-${i}`, quick, 1000 + i);
    expect(store.size).toBe(100);
    // 3000 ms after being drained the busy bucket holds half a token: it was kept, not reset.
    expect(await store.take('busy', rule, 3000)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('evicts the least recently used bucket when none has refilled', async () => {
    const store = new MemoryRateLimitStore({ maxBuckets: 3 });
    for (const k of ['a', 'b', 'c']) for (let i = 0; i < 10; i++) await store.take(k, rule, 0);
    await store.take('a', rule, 1); // touch a: b is now the oldest
    await store.take('d', rule, 2);
    expect(store.size).toBe(3);
    expect((await store.take('a', rule, 3)).allowed).toBe(false); // kept, still empty
    expect((await store.take('c', rule, 3)).allowed).toBe(false); // kept
    expect((await store.take('b', rule, 3)).remaining).toBe(9); // evicted: a fresh bucket
  });
});
