import { describe, expect, it } from 'vitest';
import { KeywordIndex } from '../../../src/security/secrets/keywords.js';

const index = new KeywordIndex(
  new Map<string, number[]>([
    ['ghp_', [0]],
    ['gho_', [1]],
    ['sk', [2]],
    ['sk_live_', [3]],
    ['password', [4, 5]],
    ['x', [6]],
  ]),
);
const rules = (text: string): number[] => [...index.match(Buffer.from(text, 'latin1'))].sort((a, b) => a - b);

describe('KeywordIndex', () => {
  it('finds keywords case-insensitively, sharing a first pair, anywhere including the very end', () => {
    expect(rules('')).toEqual([6]);
    expect(rules('nothing here')).toEqual([6]);
    expect(rules('GHO_abc')).toEqual([1, 6]);
    expect(rules('a ghp_ and gho_')).toEqual([0, 1, 6]);
    expect(rules('ask')).toEqual([2, 6]);
    expect(rules('SK_LIVE_')).toEqual([2, 3, 6]);
    expect(rules('DB_PASSWORD')).toEqual([4, 5, 6]);
    expect(rules('passwor')).toEqual([6]);
    expect(rules('gh')).toEqual([6]);
  });
});
