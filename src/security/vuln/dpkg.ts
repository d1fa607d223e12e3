import { sign } from './scheme.js';
import type { VersionScheme } from './scheme.js';

/*
 * Debian version ordering, as dpkg's lib/dpkg/version.c defines it. Hand-written: no maintained
 * npm library implements it faithfully (the few that exist are unmaintained or get `~` and
 * letters-before-non-letters wrong), and the algorithm is short. Checked against the real
 * `dpkg --compare-versions` in the tests.
 */

interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(text: string): DpkgVersion | null {
  const s = text.trim();
  if (s === '' || /\s/.test(s)) return null;
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) return null;
    epoch = Number(e);
    if (epoch > 2147483647) return null;
    rest = s.slice(colon + 1);
  }
  // The revision is what follows the LAST hyphen: upstream versions may contain hyphens.
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (upstream === '' || (hyphen >= 0 && revision === '')) return null;
  return { epoch, upstream, revision };
}

/** `~` sorts before everything, even the end of the string; letters sort before non-letters. */
function order(c: number): number {
  if (c >= 48 && c <= 57) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126) return -1;
  if (c === 0) return 0;
  return c + 256;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** dpkg's verrevcmp: alternating runs of non-digits (compared by `order`) and digits (numerically). */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let ca = i < a.length ? a.charCodeAt(i) : 0;
    let cb = j < b.length ? b.charCodeAt(j) : 0;
    while ((i < a.length && !isDigit(ca)) || (j < b.length && !isDigit(cb))) {
      const diff = order(ca) - order(cb);
      if (diff !== 0) return diff;
      ca = ++i < a.length ? a.charCodeAt(i) : 0;
      cb = ++j < b.length ? b.charCodeAt(j) : 0;
    }
    while (ca === 48) ca = ++i < a.length ? a.charCodeAt(i) : 0;
    while (cb === 48) cb = ++j < b.length ? b.charCodeAt(j) : 0;
    let firstDiff = 0;
    while (isDigit(ca) && isDigit(cb)) {
      if (firstDiff === 0) firstDiff = ca - cb;
      ca = ++i < a.length ? a.charCodeAt(i) : 0;
      cb = ++j < b.length ? b.charCodeAt(j) : 0;
    }
    if (isDigit(ca)) return 1;
    if (isDigit(cb)) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Parsed versions, valid or not, for the few thousand strings a scan compares over and over. */
const cache = new Map<string, { v: DpkgVersion; valid: boolean }>();

function parsed(text: string): { v: DpkgVersion; valid: boolean } {
  let hit = cache.get(text);
  if (hit === undefined) {
    const v = parse(text);
    hit =
      v === null
        ? { v: { epoch: 0, upstream: text.trim(), revision: '' }, valid: false }
        : { v, valid: /^[0-9][A-Za-z0-9.+~:-]*$/.test(v.upstream) && /^[A-Za-z0-9.+~]*$/.test(v.revision) };
    if (cache.size >= 100_000) cache.clear();
    cache.set(text, hit);
  }
  return hit;
}

/** True when dpkg would accept the version without an error or a warning. */
export function isValid(version: string): boolean {
  return parsed(version).valid;
}

/**
 * Orders two Debian versions as `dpkg --compare-versions` does. Versions dpkg would only warn
 * about still compare; one that does not parse at all (empty, bad epoch) compares as its raw text.
 *
 * @example
 * compare('1:1.0', '2.0')        // 1: the epoch wins
 * compare('1.0~rc1', '1.0')      // -1: a tilde sorts before the end
 */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const va = parsed(a).v;
  const vb = parsed(b).v;
  if (va.epoch !== vb.epoch) return va.epoch > vb.epoch ? 1 : -1;
  return sign(verrevcmp(va.upstream, vb.upstream) || verrevcmp(va.revision, vb.revision));
}

export const dpkg: VersionScheme = { name: 'dpkg', isValid, compare };
