import { describe, expect, it } from 'vitest';
import { checkOsvRecord } from '../../../src/security/vuln/osv-record.js';
import { syntheticOsvRecords } from '../../../src/security/vuln/synthetic.js';

describe('synthetic OSV records', () => {
  it('are valid, deterministic for a seed and different across seeds', () => {
    const a = [...syntheticOsvRecords(300, { seed: 3 })];
    const b = [...syntheticOsvRecords(300, { seed: 3 })];
    const c = [...syntheticOsvRecords(300, { seed: 4 })];
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    expect(a.map((r) => checkOsvRecord(JSON.parse(JSON.stringify(r))).ok).every(Boolean)).toBe(true);
    expect(new Set(a.map((r) => r.id)).size).toBe(300);
    const ecosystems = new Set(a.map((r) => r.affected![0].package!.ecosystem));
    expect([...ecosystems].sort()).toEqual(['Alpine:v3.19', 'Debian:12', 'PyPI', 'Ubuntu:22.04:LTS', 'npm']);
  });
});
