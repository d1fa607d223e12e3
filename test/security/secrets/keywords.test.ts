import { describe, expect, it } from 'vitest';
import { keywordKernel } from '../../../src/security/secrets/keyword-kernel.js';
import { KeywordIndex } from '../../../src/security/secrets/keywords.js';
import { SECRET_RULES } from '../../../src/security/secrets/rules.js';

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

describe('the WebAssembly keyword kernel', () => {
  it('is available on Node', () => {
    expect(keywordKernel()).not.toBeNull();
  });

  it('finds exactly what the JavaScript loop finds, on contents full of keyword fragments in every case', () => {
    const byKeyword = new Map<string, number[]>();
    SECRET_RULES.forEach((r, i) => {
      for (const k of r.keywords) byKeyword.set(k, [...(byKeyword.get(k) ?? []), i]);
    });
    const located = new Set(SECRET_RULES.flatMap((r, i) => (r.anchored === true ? [i] : [])));
    const index = new KeywordIndex(byKeyword, located);
    const other = new KeywordIndex(new Map([['zq', [0]], ['token', [1]]]), new Set([1]));
    const words = [...byKeyword.keys(), 'to', 'tok', 'se', 'sec', 'pa', 'http', 'ke', ' ', '=', '\n', 'x', 'Q~', 'SK', '\0', '\xff'];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let t = 0; t < 300; t++) {
      const parts: string[] = [];
      const size = 512 + rnd(6000);
      let len = 0;
      while (len < size) {
        let w = words[rnd(words.length)];
        if (rnd(3) === 0) w = w.toUpperCase();
        parts.push(w);
        len += w.length;
      }
      const content = Buffer.from(parts.join(''), 'latin1');
      const wasm = index.scan(content);
      const js = index.scan(content, false);
      expect([...wasm.rules].sort(), `case ${t}`).toEqual([...js.rules].sort());
      expect(wasm.at, `case ${t}`).toEqual(js.at);
      // Another index in between: its tables must not leak into the next scan.
      expect(other.scan(content)).toEqual(other.scan(content, false));
    }
  });

  it('resumes when one content has more candidates than the kernel returns at once', () => {
    const index = new KeywordIndex(new Map([['tok', [0]]]), new Set([0]));
    const content = Buffer.from('tok'.repeat(100_000), 'latin1');
    const hits = index.scan(content);
    expect(hits.at.get(0)).toHaveLength(100_000);
    expect(hits.at.get(0)).toEqual(index.scan(content, false).at.get(0));
  });
});
