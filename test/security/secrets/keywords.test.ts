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

describe('KeywordIndex with located rules', () => {
  const located = new KeywordIndex(
    new Map<string, number[]>([
      ['token', [0, 1]],
      ['pwd', [2]],
      ['password', [2]],
    ]),
    new Set([0, 2]),
  );

  it('records every start of an anchoring keyword, ascending, and unlocks the other rules once', () => {
    const hits = located.scan(Buffer.from('TOKEN pwd token password x_pwd', 'latin1'));
    expect([...hits.rules].sort()).toEqual([0, 1, 2]);
    expect(hits.at.get(0)).toEqual([0, 10]);
    expect(hits.at.get(2)).toEqual([6, 16, 27]);
    expect(hits.at.has(1)).toBe(false);
  });

  it('reports nothing for content without the keywords', () => {
    const hits = located.scan(Buffer.from('tok en pw d', 'latin1'));
    expect(hits.rules.size).toBe(0);
    expect(hits.at.size).toBe(0);
  });
});
