import type { Severity } from '../types.js';
import type { DueDays } from './types.js';

const DAY_MS = 86_400_000;

/** When a finding first seen at `firstSeen` must be fixed; null when its severity has no deadline. */
export function dueDate(severity: Severity, firstSeen: string, days: DueDays): Date | null {
  const n = days[severity];
  if (n === null) return null;
  return new Date(Date.parse(firstSeen) + n * DAY_MS);
}

/** Overdue from the due instant on, so a zero-day deadline (critical) is due the moment it is seen. */
export function isOverdue(due: Date | null, now: Date): boolean {
  return due !== null && now.getTime() >= due.getTime();
}
