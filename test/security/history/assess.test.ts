import { describe, expect, it } from 'vitest';
import { applyHistoryToGate, assessScan, overdueReason, type AssessInput } from '../../../src/security/history/index.js';
import { DUE, STRICT, T0, days, risk, scanGate, seen, vuln } from './helpers.js';

const target = 'oci:/images/app:app';
const foo = vuln('DSA-7001-1', 'libfoo', 'HIGH', ['CVE-2099-7001']);
const bar = vuln('DSA-7002-1', 'libbar', 'MEDIUM', ['CVE-2099-7002']);
const baz = vuln('DSA-7003-1', 'libbaz', 'HIGH', ['CVE-2099-7003']);
const lax = { ...STRICT, maxHigh: 10 };

function input(items: AssessInput['items'], extra: Partial<AssessInput> = {}): AssessInput {
  const thresholds = extra.thresholds ?? lax;
  return { target, items, gate: scanGate(items, thresholds), thresholds, previous: null, risks: [], dueDays: DUE, now: T0, ...extra };
}

describe('comparing a scan with the previous scan of its target', () => {
  it('calls everything new on the first scan and dates it now', () => {
    const a = assessScan(input([foo, bar]));
    expect(a.comparison.previous).toBeNull();
    expect(a.comparison.new.map((f) => f.id).sort()).toEqual(['DSA-7001-1', 'DSA-7002-1']);
    expect(a.findings.every((f) => f.firstSeen === T0.toISOString() && f.isNew)).toBe(true);
  });

  it('finds new, fixed and still open, carrying first-seen dates over', () => {
    const previous = { scanId: 'scan_a', scannedAt: days(-3).toISOString(), findings: [seen(foo, days(-3)), seen(bar, days(-20))] };
    const a = assessScan(input([bar, baz], { previous }));
    expect(a.comparison.previous).toEqual({ scanId: 'scan_a', scannedAt: days(-3).toISOString() });
    expect(a.comparison.new.map((f) => f.id)).toEqual(['DSA-7003-1']);
    expect(a.comparison.fixed.map((f) => f.id)).toEqual(['DSA-7001-1']);
    expect(a.comparison.stillOpen.map((f) => f.id)).toEqual(['DSA-7002-1']);
    const byId = new Map(a.findings.map((f) => [f.id, f]));
    expect(byId.get('DSA-7002-1')).toMatchObject({ firstSeen: days(-20).toISOString(), dueAt: days(10).toISOString(), overdue: false, isNew: false });
    expect(byId.get('DSA-7003-1')).toMatchObject({ firstSeen: T0.toISOString(), dueAt: days(7).toISOString(), isNew: true });
  });

  it('folds items that share a key into one finding, while the gate still counts each', () => {
    const a = assessScan(input([foo, foo, bar], { thresholds: STRICT }));
    expect(a.findings).toHaveLength(2);
    expect(a.gate.counts.HIGH).toBe(2);
    expect(a.gate.reasons).toEqual(['2 HIGH findings, at most 0 allowed']);
  });
});

describe('deadlines and the gate', () => {
  it('fails the gate on overdue findings and lists them first, even within the thresholds', () => {
    const previous = { scanId: 'scan_a', scannedAt: days(-1).toISOString(), findings: [seen(foo, days(-8)), seen(bar, days(-8))] };
    const a = assessScan(input([foo, bar], { previous }));
    expect(a.findings.map((f) => [f.id, f.overdue])).toEqual([
      ['DSA-7001-1', true],
      ['DSA-7002-1', false],
    ]);
    expect(a.gate.passed).toBe(false);
    expect(a.gate.reasons).toEqual(['1 finding past its due date: DSA-7001-1 in libfoo (HIGH, due 2026-02-28)']);
  });

  it('fails at once on a critical finding (zero days)', () => {
    const crit = vuln('DSA-7009-1', 'libcrit', 'CRITICAL');
    const a = assessScan(input([crit], { thresholds: { ...lax, maxCritical: 5 } }));
    expect(a.findings[0].overdue).toBe(true);
    expect(a.gate.passed).toBe(false);
  });

  it('only reports overdue findings when FAIL_ON_VULNERABILITIES is off', () => {
    const previous = { scanId: 'scan_a', scannedAt: days(-1).toISOString(), findings: [seen(foo, days(-8))] };
    const a = assessScan(input([foo], { previous, thresholds: { ...STRICT, failOnVulnerabilities: false } }));
    expect(a.gate.passed).toBe(true);
    expect(a.gate.reasons[0]).toMatch(/^1 finding past its due date/);
  });

  it('names five overdue findings and counts the rest', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ ...vuln(`CVE-2099-000${i}`, `p${i}`, 'HIGH'), dueAt: '2026-01-01T00:00:00.000Z', firstSeen: '', overdue: true, isNew: false, accepted: null }));
    expect(overdueReason(many)).toMatch(/^7 findings past their due date: CVE-2099-0000 in p0 \(HIGH, due 2026-01-01\), .*CVE-2099-0004 in p4 \(HIGH, due 2026-01-01\), and 2 more$/);
  });
});

describe('accepted risks and the gate', () => {
  it('leave accepted findings out of the gate until they expire, and show them', () => {
    const until = days(10);
    const accepted = risk('CVE-2099-7001', until, { package: 'libfoo' });
    const items = [foo, bar];
    const before = assessScan(input(items, { thresholds: STRICT, risks: [accepted] }));
    expect(before.gate).toMatchObject({ passed: true, reasons: [], counts: { HIGH: 1, MEDIUM: 1 } });
    expect(before.findings.find((f) => f.id === 'DSA-7001-1')?.accepted).toEqual({ riskId: accepted.id, until: until.toISOString(), owner: 'alice', reason: 'compensating control' });

    const previous = { scanId: 'scan_a', scannedAt: days(9).toISOString(), findings: [seen(foo, T0), seen(bar, T0)] };
    const after = assessScan(input(items, { thresholds: STRICT, risks: [accepted], previous, now: days(11) }));
    expect(after.findings.find((f) => f.id === 'DSA-7001-1')).toMatchObject({ accepted: null, overdue: true });
    expect(after.gate.passed).toBe(false);
    expect(after.gate.reasons).toEqual(['1 finding past its due date: DSA-7001-1 in libfoo (HIGH, due 2026-03-08)', '1 HIGH finding, at most 0 allowed']);
  });

  it('keep an overdue finding out of the gate while accepted', () => {
    const previous = { scanId: 'scan_a', scannedAt: days(-1).toISOString(), findings: [seen(foo, days(-30))] };
    const a = assessScan(input([foo], { previous, risks: [risk('DSA-7001-1', days(3))] }));
    expect(a.findings[0]).toMatchObject({ overdue: false, accepted: { until: days(3).toISOString() } });
    expect(a.gate.passed).toBe(true);
  });

  it("keep reasons that other checks added to the scan's gate", () => {
    const gate = { ...scanGate([foo], STRICT) };
    gate.reasons = [...gate.reasons, 'image signature not verified'];
    const g = applyHistoryToGate(gate, STRICT, [foo], []);
    expect(g.reasons).toEqual(['image signature not verified']);
    expect(g.passed).toBe(false);
    expect(g.counts.HIGH).toBe(1);
  });
});
