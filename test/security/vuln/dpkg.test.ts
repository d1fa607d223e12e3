import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compare, isValid } from '../../../src/security/vuln/dpkg.js';

const run = promisify(execFile);

// [a, b, expected compare(a, b)]
const VECTORS: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0', 0],
  ['1.0', '1.1', -1],
  ['1.10', '1.9', 1],
  ['1.01', '1.1', 0], // digit runs compare numerically
  ['0:1.0', '1.0', 0], // a missing epoch is 0
  ['1:0.1', '9.9', 1], // the epoch wins
  ['2:1.0', '10:0.1', -1],
  ['1.0~rc1', '1.0', -1], // ~ sorts before the end
  ['1.0~~', '1.0~', -1],
  ['1.0~', '1.0~a', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0', '1.0+b1', -1],
  ['1.0a', '1.0+', -1], // letters before non-letters
  ['1.0a', '1.0A', 1], // ASCII within letters
  ['1.0.', '1.0a', 1],
  ['1.0-1', '1.0-2', -1],
  ['1.0-10', '1.0-9', 1],
  ['1.0-1', '1.0', 1], // an absent revision is empty
  ['1.0-0', '1.0', 0], // and "0" equals empty
  ['1.2-3-4', '1.2-3-5', -1], // revision after the LAST hyphen
  ['1.2-3-4', '1.2-4', 1], // upstream "1.2-3" vs "1.2": only ~ sorts before the end
  ['2.36-9+deb12u4', '2.36-9+deb12u10', -1],
  ['3.0.11-1~deb12u2', '3.0.11-1', -1],
  ['1:2.38.1-5+deb12u1', '2.38.1-5+deb12u1', 1],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12', -1],
  ['1.2.13.dfsg-1', '1.2.13.dfsg-1+b1', -1],
];

describe('dpkg version ordering', () => {
  it.each(VECTORS)('%s vs %s -> %d', (a, b, want) => {
    expect(compare(a, b)).toBe(want);
    expect(compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('accepts what dpkg accepts without warnings', () => {
    for (const v of ['1.0', '1:1.0-1', '1.0~rc1+dfsg-2ubuntu0.1', '2.36-9+deb12u4', '0', '1.2-3-4', '1:2:3-1']) expect(isValid(v), v).toBe(true);
    for (const v of ['', ' ', 'a1.0', '1.0-', ':1.0', 'x:1.0', '1.0 1', '1.0-1_2', '1.0@2', '-1']) expect(isValid(v), JSON.stringify(v)).toBe(false);
  });

  it('agrees with dpkg --compare-versions on 2,400 generated pairs', async () => {
    const pairs = generatePairs(2400, 20240501);
    const lines = await dpkgVerdicts(pairs);
    const mismatches = pairs.map(([a, b], i) => ({ a, b, ours: compare(a, b), dpkg: lines[i] })).filter((m) => m.ours !== m.dpkg);
    expect(mismatches).toEqual([]);
  });
});

/** Pairs that share prefixes (where ordering bugs hide), with epochs, tildes, revisions, letters and leading zeros. */
function generatePairs(n: number, seed: number): [string, string][] {
  let s = seed;
  const rand = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 16777216;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const part = (): string => pick(['0', '1', '2', '9', '10', '01', '007', '1a', 'a', 'b', 'rc1', '~rc1', '~', '+dfsg', '+b1', '.', 'Z', 'z', '~~', '+', '.1']);
  const upstream = (): string => {
    let u = pick(['0', '1', '2', '10', '01']);
    for (let k = Math.floor(rand() * 4); k > 0; k--) u += pick(['.', '', '']) + part();
    return u;
  };
  const version = (): string => {
    const epoch = rand() < 0.2 ? `${pick(['0', '1', '2', '10'])}:` : '';
    const up = rand() < 0.15 ? `${upstream()}-${upstream()}` : upstream(); // a hyphen inside upstream
    const rev = rand() < 0.6 || up.includes('-') ? `-${pick(['0', '1', '2', '1ubuntu1', '1~bpo', '1+deb12u1', '10', '1.1', 'a'])}` : '';
    return epoch + up + rev;
  };
  const mutate = (v: string): string => {
    const r = rand();
    if (r < 0.3) return v + pick(['~', '~rc1', 'a', '.0', '+b1', '-1', '0', '.']);
    if (r < 0.5) return v.slice(0, Math.max(1, v.length - 1 - Math.floor(rand() * 3)));
    if (r < 0.7) {
      const i = Math.floor(rand() * v.length);
      return v.slice(0, i) + pick(['0', '1', '9', 'a', '~', '+', '.']) + v.slice(i + 1);
    }
    return r < 0.8 ? v : version();
  };
  const out: [string, string][] = [];
  while (out.length < n) {
    const a = version();
    const b = mutate(a);
    if (isValid(a) && isValid(b)) out.push([a, b]);
  }
  return out;
}

/** Runs dpkg for every pair from a few shell processes (one fork per dpkg call, none per pair from Node). */
async function dpkgVerdicts(pairs: [string, string][]): Promise<number[]> {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  const chunks = 4;
  const size = Math.ceil(pairs.length / chunks);
  const runs = Array.from({ length: chunks }, async (_, c) => {
    const script = pairs
      .slice(c * size, (c + 1) * size)
      .map(([a, b]) => `if dpkg --compare-versions ${quote(a)} lt ${quote(b)}; then echo -1; elif dpkg --compare-versions ${quote(a)} eq ${quote(b)}; then echo 0; else echo 1; fi`)
      .join('\n');
    const { stdout } = await run('sh', ['-c', script], { maxBuffer: 1 << 24 });
    return stdout.trim().split('\n').map(Number);
  });
  return (await Promise.all(runs)).flat();
}
