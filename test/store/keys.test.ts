import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, keyDisplayPrefix, randomBase62 } from '../../src/store/keys.js';

describe('API key material', () => {
  it('issues cp_ followed by 40 base62 characters, different every time', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const key of keys) expect(key).toMatch(/^cp_[0-9A-Za-z]{40}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses the whole base62 alphabet', () => {
    const seen = new Set(randomBase62(20_000));
    expect(seen.size).toBe(62);
  });

  it('hashes with SHA-256 hex and shows the first 8 characters', () => {
    expect(hashApiKey('cp_abc')).toBe(createHash('sha256').update('cp_abc').digest('hex'));
    expect(keyDisplayPrefix('cp_ABCDEFGHIJ')).toBe('cp_ABCDE');
  });
});
