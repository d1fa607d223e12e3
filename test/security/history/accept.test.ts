import { describe, expect, it } from 'vitest';
import { acceptanceFor, covers, isActive } from '../../../src/security/history/index.js';
import { T0, days, risk, vuln } from './helpers.js';

const target = 'docker.io/library/app:1';
const foo = vuln('DSA-7001-1', 'libfoo', 'HIGH', ['CVE-2099-7001']);

describe('accepted risks', () => {
  it('match a finding by id or alias, case-insensitively', () => {
    expect(covers(risk('DSA-7001-1', days(5)), foo, target)).toBe(true);
    expect(covers(risk('cve-2099-7001', days(5)), foo, target)).toBe(true);
    expect(covers(risk('CVE-2099-7002', days(5)), foo, target)).toBe(false);
  });

  it('honour the package and target scopes', () => {
    expect(covers(risk('CVE-2099-7001', days(5), { package: 'libfoo' }), foo, target)).toBe(true);
    expect(covers(risk('CVE-2099-7001', days(5), { package: 'libbar' }), foo, target)).toBe(false);
    expect(covers(risk('CVE-2099-7001', days(5), { target }), foo, target)).toBe(true);
    expect(covers(risk('CVE-2099-7001', days(5), { target: 'docker.io/library/other:1' }), foo, target)).toBe(false);
  });

  it('stop counting when they expire or are revoked', () => {
    const r = risk('CVE-2099-7001', days(5));
    expect(isActive(r, days(4))).toBe(true);
    expect(isActive(r, days(5))).toBe(false);
    expect(isActive({ ...r, revokedAt: days(1).toISOString() }, days(2))).toBe(false);
    expect(acceptanceFor(foo, target, [r], days(4))?.id).toBe(r.id);
    expect(acceptanceFor(foo, target, [r], days(6))).toBeNull();
  });

  it('report the longest-lasting acceptance when several cover a finding', () => {
    const short = risk('DSA-7001-1', days(5), { id: 'risk_short' });
    const long = risk('CVE-2099-7001', days(50), { id: 'risk_long' });
    expect(acceptanceFor(foo, target, [short, long], T0)?.id).toBe('risk_long');
  });
});
