import { describe, expect, it } from 'vitest';
import { severityOf } from '../../../src/security/vuln/severity.js';
import type { OsvRecord } from '../../../src/security/vuln/osv-record.js';

const base: OsvRecord = { id: 'X-1', modified: '2024-01-01T00:00:00Z' };
const V31_CRIT = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V4_HIGH = 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

describe('record severity', () => {
  it('scores the CVSS vector', () => {
    expect(severityOf({ ...base, severity: [{ type: 'CVSS_V3', score: V31_CRIT }] })).toEqual({ severity: 'CRITICAL', score: 9.8, vector: V31_CRIT });
  });

  it('prefers the highest CVSS version present', () => {
    const r: OsvRecord = { ...base, severity: [{ type: 'CVSS_V3', score: V31_CRIT }, { type: 'CVSS_V4', score: V4_HIGH }] };
    expect(severityOf(r)).toEqual({ severity: 'HIGH', score: 8.5, vector: V4_HIGH });
  });

  it('skips unusable vectors and falls back to the next', () => {
    const r: OsvRecord = { ...base, severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }, { type: 'CVSS_V3', score: V31_CRIT }] };
    expect(severityOf(r).score).toBe(9.8);
  });

  it('uses a per-package vector from the affected entry', () => {
    const r: OsvRecord = { ...base, affected: [{ severity: [{ type: 'CVSS_V3', score: V31_CRIT }] }] };
    expect(severityOf(r, r.affected![0]).severity).toBe('CRITICAL');
  });

  it("falls back to the database's own rating", () => {
    expect(severityOf({ ...base, database_specific: { severity: 'MODERATE' } })).toEqual({ severity: 'MEDIUM', score: null, vector: null });
    expect(severityOf({ ...base, severity: [{ type: 'Ubuntu', score: 'negligible' }] }).severity).toBe('LOW');
    const urgency = (u: string) => severityOf(base, { ecosystem_specific: { urgency: u } }).severity;
    expect(['unimportant', 'low', 'medium', 'high', 'low**', 'not yet assigned', 'end-of-life'].map(urgency)).toEqual(['LOW', 'LOW', 'MEDIUM', 'HIGH', 'LOW', 'UNKNOWN', 'UNKNOWN']);
  });

  it('is UNKNOWN with nothing to go on', () => {
    expect(severityOf(base)).toEqual({ severity: 'UNKNOWN', score: null, vector: null });
    expect(severityOf({ ...base, severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }] }).severity).toBe('UNKNOWN');
  });
});
