import type { OsvAffected, OsvRange } from './osv-record.js';
import type { VersionScheme } from './scheme.js';
import { semver } from './semver.js';

/** The outcome for an affected version: the version to upgrade to, when one is known. */
export interface AffectedMatch {
  /** The lowest `fixed` above the installed version, or null when no fix is recorded. */
  fixedVersion: string | null;
}

interface Bound {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
  /** introduced "0": before every version. */
  zero: boolean;
  /** limit "*": after every version. */
  infinite: boolean;
}

function schemeOfRange(range: OsvRange, ecosystemScheme: VersionScheme): VersionScheme | null {
  if (range.type === 'ECOSYSTEM') return ecosystemScheme;
  if (range.type === 'SEMVER') return semver;
  return null; // GIT ranges need the repository's commit graph; the `versions` list covers them.
}

/**
 * Normalizes the events of one range. A bound whose version the scheme cannot read is never
 * allowed to hide a finding: an unreadable `introduced` counts as "0", an unreadable `fixed`,
 * `last_affected` or `limit` is dropped (the range stays open).
 */
function boundsOf(range: OsvRange, s: VersionScheme): Bound[] {
  const out: Bound[] = [];
  for (const e of range.events) {
    if (e.introduced !== undefined) {
      const zero = e.introduced === '0' || !s.isValid(e.introduced);
      out.push({ kind: 'introduced', version: e.introduced, zero, infinite: false });
    } else if (e.limit !== undefined) {
      const infinite = e.limit.includes('*');
      if (infinite || s.isValid(e.limit)) out.push({ kind: 'limit', version: e.limit, zero: false, infinite });
    } else {
      const kind = e.fixed !== undefined ? 'fixed' : 'last_affected';
      const version = e.fixed ?? e.last_affected;
      if (version !== undefined && s.isValid(version)) out.push({ kind, version, zero: false, infinite: false });
    }
  }
  return out;
}

function order(s: VersionScheme, a: Bound, b: Bound): number {
  if (a.zero || b.zero) return a.zero === b.zero ? 0 : a.zero ? -1 : 1;
  return s.compare(a.version, b.version);
}

/** The OSV evaluation algorithm for one range (osv-schema, "Evaluation"). */
function inRange(bounds: Bound[], v: string, s: VersionScheme): boolean {
  const limits = bounds.filter((b) => b.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => l.infinite || s.compare(v, l.version) < 0)) return false;
  const timeline = bounds.filter((b) => b.kind !== 'limit').sort((a, b) => order(s, a, b));
  let vulnerable = false;
  for (const b of timeline) {
    if (b.kind === 'introduced') {
      if (b.zero || s.compare(v, b.version) >= 0) vulnerable = true;
    } else if (b.kind === 'fixed') {
      if (s.compare(v, b.version) >= 0) vulnerable = false;
    } else if (s.compare(v, b.version) > 0) {
      vulnerable = false;
    }
  }
  return vulnerable;
}

function lowestFixedAbove(candidates: { bounds: Bound[]; scheme: VersionScheme }[], v: string): string | null {
  let best: { version: string; scheme: VersionScheme } | null = null;
  for (const { bounds, scheme } of candidates) {
    for (const b of bounds) {
      if (b.kind !== 'fixed' || scheme.compare(b.version, v) <= 0) continue;
      if (best === null || (best.scheme === scheme && scheme.compare(b.version, best.version) < 0)) best = { version: b.version, scheme };
    }
  }
  return best?.version ?? null;
}

/**
 * Decides whether `version` is affected by one OSV `affected[]` entry: it is when it lies in any
 * ECOSYSTEM or SEMVER range (events in any order, several ranges, `limit`s honoured) or is listed
 * in `versions`. GIT ranges are ignored.
 *
 * @param scheme the ordering of the entry's ecosystem, used for ECOSYSTEM ranges and `versions`
 * @returns null when not affected (or when the installed version cannot be read)
 *
 * @example
 * affectedBy({ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-3' }] }] }, '1.2-1', dpkg)
 * // -> { fixedVersion: '1.2-3' }
 */
export function affectedBy(entry: Pick<OsvAffected, 'ranges' | 'versions'>, version: string, scheme: VersionScheme): AffectedMatch | null {
  const usable: { bounds: Bound[]; scheme: VersionScheme }[] = [];
  const containing: typeof usable = [];
  for (const range of entry.ranges ?? []) {
    const s = schemeOfRange(range, scheme);
    if (s === null || !s.isValid(version)) continue;
    const r = { bounds: boundsOf(range, s), scheme: s };
    usable.push(r);
    if (inRange(r.bounds, version, s)) containing.push(r);
  }
  if (containing.length > 0) return { fixedVersion: lowestFixedAbove(containing, version) };
  const listed = scheme.isValid(version) && (entry.versions ?? []).some((x) => x === version || (scheme.isValid(x) && scheme.compare(x, version) === 0));
  return listed ? { fixedVersion: lowestFixedAbove(usable, version) } : null;
}
