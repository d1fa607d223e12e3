import type { VersionScheme } from './scheme.js';

/*
 * Alpine's version ordering, as current apk-tools defines it (src/version.c since 2.14):
 * digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}. Hand-written: no maintained npm
 * library implements it. The kind of each token takes part in the ordering:
 * - numbers compare numerically, except that a later component with a leading zero on either
 *   side compares as text, as Gentoo does (1.01 < 1.1, 1.10 > 1.09);
 * - one lowercase letter may follow the numbers (1.2a < 1.2b);
 * - suffixes _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p, each with an
 *   optional number (_rc2), several in a row allowed;
 * - `~<hex>` (a commit hash) compares as text; `-rN` is the package revision and compares last.
 * Where one version runs out first, the longer one is greater unless it continues with a
 * pre-release suffix.
 */

const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

/** Suffix ranks; NONE (a release) sits between the pre- and post-release ones. */
const SUFFIXES: Record<string, number> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;

interface Token {
  kind: number;
  text: string;
  suffix: number;
}

const DIGITS = /\d*/y;
const LOWER = /[a-z]*/y;
const HEX = /[0-9a-fA-F]*/y;

/** Walks one version string token by token. */
class Tokens implements Token {
  kind = INITIAL_DIGIT;
  text = '';
  suffix = 0;
  private pos = 0;

  constructor(private readonly s: string) {
    this.digits(INITIAL_DIGIT);
  }

  private span(re: RegExp): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.s)![0];
    this.pos += m.length;
    return m;
  }

  private digits(kind: number): void {
    this.text = this.span(DIGITS);
    this.kind = this.text === '' ? INVALID : kind;
  }

  /** Moves to the next token, checking that it may follow the current one. */
  next(): void {
    const c = this.s[this.pos];
    const k = this.kind;
    if (c === undefined) this.kind = END;
    else if (c >= 'a' && c <= 'z') {
      if (k > DIGIT) this.kind = INVALID;
      else {
        this.text = c;
        this.kind = LETTER;
        this.pos++;
      }
    } else if (c === '.' || (c >= '0' && c <= '9')) {
      if (c === '.' && k > DIGIT) this.kind = INVALID;
      else {
        if (c === '.') this.pos++;
        if (k === INITIAL_DIGIT || k === DIGIT) this.digits(DIGIT);
        else if (k === SUFFIX) this.digits(SUFFIX_NO);
        else this.kind = INVALID;
      }
    } else if (c === '_') {
      this.pos++;
      this.text = this.span(LOWER);
      this.suffix = SUFFIXES[this.text] ?? 0;
      this.kind = k > SUFFIX_NO || this.suffix === 0 ? INVALID : SUFFIX;
    } else if (c === '~') {
      this.pos++;
      this.text = this.span(HEX);
      this.kind = k >= COMMIT_HASH || this.text === '' ? INVALID : COMMIT_HASH;
    } else if (c === '-' && this.s[this.pos + 1] === 'r' && k < REVISION_NO) {
      this.pos += 2;
      this.digits(REVISION_NO);
    } else {
      this.kind = INVALID;
    }
  }
}

/** Digit strings of any length, numerically. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Two tokens of the same kind. */
function compareTokens(a: Token, b: Token): number {
  switch (a.kind) {
    case DIGIT:
      if (a.text[0] === '0' || b.text[0] === '0') return compareText(a.text, b.text);
      return compareNumbers(a.text, b.text);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareNumbers(a.text, b.text);
    case SUFFIX:
      return a.suffix - b.suffix;
    default:
      return compareText(a.text, b.text);
  }
}

/** True when apk would accept the version. */
export function isValid(version: string): boolean {
  const t = new Tokens(version);
  while (t.kind < END) t.next();
  return t.kind === END;
}

/**
 * Orders two Alpine versions as apk does. Like apk, invalid versions still get an order (by
 * their valid prefix) rather than an error.
 *
 * @example
 * compare('1.2.3_rc1-r0', '1.2.3-r0')  // -1
 * compare('1.2.3_p1-r0', '1.2.3-r1')   // 1
 */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const ta = new Tokens(a);
  const tb = new Tokens(b);
  while (ta.kind === tb.kind && ta.kind < END) {
    const r = compareTokens(ta, tb);
    if (r !== 0) return r < 0 ? -1 : 1;
    ta.next();
    tb.next();
  }
  if (ta.kind === tb.kind) return 0;
  if (ta.kind === SUFFIX && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.kind === SUFFIX && tb.suffix < SUFFIX_NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

export const apk: VersionScheme = { name: 'apk', isValid, compare };
