import { describe, expect, it } from 'vitest';
import { affectedBy } from '../../../src/security/vuln/affected.js';
import { apk, dpkg, pep440, semver } from '../../../src/security/vuln/schemes.js';
import type { OsvAffected, OsvEvent } from '../../../src/security/vuln/osv-record.js';

const eco = (...events: OsvEvent[]): OsvAffected => ({ ranges: [{ type: 'ECOSYSTEM', events }] });
const fixedOf = (entry: OsvAffected, v: string, s = semver): string | null | undefined => affectedBy(entry, v, s)?.fixedVersion;
const hit = (entry: OsvAffected, v: string, s = semver): boolean => affectedBy(entry, v, s) !== null;

describe('affected: one OSV affected[] entry', () => {
  it('introduced "0" + fixed: everything before the fix', () => {
    const e = eco({ introduced: '0' }, { fixed: '1.2.0' });
    expect(fixedOf(e, '0.0.1')).toBe('1.2.0');
    expect(fixedOf(e, '1.1.9')).toBe('1.2.0');
    expect(fixedOf(e, '1.2.0-rc.1')).toBe('1.2.0');
    expect(hit(e, '1.2.0')).toBe(false);
    expect(hit(e, '2.0.0')).toBe(false);
  });

  it('introduced is inclusive, fixed exclusive', () => {
    const e = eco({ introduced: '1.0.0' }, { fixed: '1.5.0' });
    expect(hit(e, '0.9.9')).toBe(false);
    expect(hit(e, '1.0.0')).toBe(true);
    expect(hit(e, '1.4.99')).toBe(true);
    expect(hit(e, '1.5.0')).toBe(false);
  });

  it('no fix: affected from introduced on, fixed version null', () => {
    const e = eco({ introduced: '2.0.0' });
    expect(hit(e, '1.9.0')).toBe(false);
    expect(affectedBy(e, '2.0.0', semver)).toEqual({ fixedVersion: null });
    expect(affectedBy(e, '99.0.0', semver)).toEqual({ fixedVersion: null });
  });

  it('last_affected is inclusive and gives no fixed version', () => {
    const e = eco({ introduced: '0' }, { last_affected: '2.1.214' });
    expect(affectedBy(e, '2.1.214', semver)).toEqual({ fixedVersion: null });
    expect(hit(e, '2.1.215')).toBe(false);
  });

  it('several introduced/fixed pairs in one range, in any order', () => {
    const sorted = eco({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' });
    const shuffled = eco({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' });
    for (const e of [sorted, shuffled]) {
      expect(hit(e, '0.9.0')).toBe(false);
      expect(fixedOf(e, '1.0.1')).toBe('1.0.2');
      expect(hit(e, '2.0.0')).toBe(false);
      expect(fixedOf(e, '3.1.0')).toBe('3.2.5');
      expect(hit(e, '3.2.5')).toBe(false);
    }
  });

  it('several ranges: any one is enough; the lowest fix above the version is reported', () => {
    const e: OsvAffected = {
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.5.0' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '1.2.0' }, { fixed: '1.3.0' }] },
      ],
    };
    expect(fixedOf(e, '1.2.5')).toBe('1.3.0');
    expect(fixedOf(e, '1.4.0')).toBe('1.5.0');
    expect(hit(e, '1.5.0')).toBe(false);
  });

  it('limit: only versions below some limit count', () => {
    const e = eco({ introduced: '0' }, { limit: '2.0.0' });
    expect(hit(e, '1.9.9')).toBe(true);
    expect(hit(e, '2.0.0')).toBe(false);
    const twoLimits = eco({ introduced: '1.0.0' }, { limit: '1.5.0' }, { limit: '3.0.0' });
    expect(hit(twoLimits, '2.0.0')).toBe(true); // below the second limit
    expect(hit(twoLimits, '3.0.0')).toBe(false);
    expect(hit(eco({ introduced: '0' }, { limit: '*' }), '100.0.0')).toBe(true);
  });

  it('an explicit versions list matches exactly (or equal under the scheme)', () => {
    const e: OsvAffected = { versions: ['1.0', '1.1.post1'] };
    expect(hit(e, '1.0', pep440)).toBe(true);
    expect(hit(e, '1.0.0', pep440)).toBe(true); // PEP 440: 1.0 == 1.0.0
    expect(hit(e, '1.1', pep440)).toBe(false);
    expect(affectedBy(e, '1.1.post1', pep440)).toEqual({ fixedVersion: null });
  });

  it('versions and ranges together: either matches; a fix from the ranges is reported', () => {
    const e: OsvAffected = { versions: ['0.5.0'], ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] }] };
    expect(fixedOf(e, '0.5.0')).toBe('1.1.0');
    expect(fixedOf(e, '1.0.5')).toBe('1.1.0');
    expect(hit(e, '0.6.0')).toBe(false);
  });

  it('GIT ranges are ignored; SEMVER ranges use semver whatever the ecosystem', () => {
    expect(hit({ ranges: [{ type: 'GIT', repo: 'https://x', events: [{ introduced: '0' }] }] }, '1.0.0')).toBe(false);
    const e: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.10.0' }] }] };
    expect(hit(e, '1.9.0', pep440)).toBe(true);
    expect(hit(e, '1.10.0', pep440)).toBe(false);
  });

  it('uses the ecosystem ordering: dpkg epochs and tildes, apk suffixes', () => {
    const deb = eco({ introduced: '0' }, { fixed: '1:2.3-1' });
    expect(hit(deb, '2.9-1', dpkg)).toBe(true); // epoch 0 < 1
    expect(hit(deb, '1:2.3-1~deb12u1', dpkg)).toBe(true); // ~ sorts before
    expect(hit(deb, '1:2.3-1', dpkg)).toBe(false);
    const alp = eco({ introduced: '0' }, { fixed: '1.2.3-r2' });
    expect(hit(alp, '1.2.3_p1-r0', apk)).toBe(false); // _p is after the release
    expect(hit(alp, '1.2.3_rc1-r5', apk)).toBe(true);
    expect(hit(alp, '1.2.3-r1', apk)).toBe(true);
  });

  it('an unreadable bound never hides a finding; an unreadable installed version matches nothing', () => {
    expect(fixedOf(eco({ introduced: 'not-a-version' }, { fixed: '2.0.0' }), '1.0.0')).toBe('2.0.0');
    expect(hit(eco({ introduced: '0' }, { fixed: 'garbage' }), '5.0.0')).toBe(true);
    expect(affectedBy(eco({ introduced: '0' }), 'x.y', semver)).toBeNull();
  });
});
