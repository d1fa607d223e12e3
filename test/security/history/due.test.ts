import { describe, expect, it } from 'vitest';
import { dueDate, isOverdue } from '../../../src/security/history/index.js';
import { DUE, T0, days } from './helpers.js';

describe('due dates', () => {
  it('follow the severity: critical at once, high in 7 days, medium in 30, low and unknown never', () => {
    const first = T0.toISOString();
    expect(dueDate('CRITICAL', first, DUE)?.toISOString()).toBe(T0.toISOString());
    expect(dueDate('HIGH', first, DUE)?.toISOString()).toBe(days(7).toISOString());
    expect(dueDate('MEDIUM', first, DUE)?.toISOString()).toBe(days(30).toISOString());
    expect(dueDate('LOW', first, DUE)).toBeNull();
    expect(dueDate('UNKNOWN', first, DUE)).toBeNull();
  });

  it('take configured days', () => {
    expect(dueDate('LOW', T0.toISOString(), { ...DUE, LOW: 90 })?.toISOString()).toBe(days(90).toISOString());
    expect(dueDate('HIGH', T0.toISOString(), { ...DUE, HIGH: null })).toBeNull();
  });

  it('are overdue from the due instant on', () => {
    const due = days(7);
    expect(isOverdue(due, new Date(due.getTime() - 1))).toBe(false);
    expect(isOverdue(due, due)).toBe(true);
    expect(isOverdue(null, days(10_000))).toBe(false);
    // Zero days: due the moment it is seen.
    expect(isOverdue(dueDate('CRITICAL', T0.toISOString(), DUE), T0)).toBe(true);
  });
});
