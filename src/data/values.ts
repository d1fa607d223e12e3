/**
 * Cell-level parsing shared by training and prediction, so both read a value the same way.
 */

/** True for an empty or whitespace-only cell, which means "missing" in a numeric column. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/**
 * Parses a numeric cell: NaN for blank (missing), undefined for text that is not a finite number.
 * `Number()` alone would read "" and " " as 0 and accept "Infinity" and hex, hence the checks.
 */
export function parseNumericCell(s: string): number | undefined {
  if (isBlank(s)) return Number.NaN;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  const c = s.charCodeAt(s[0] === '-' || s[0] === '+' ? 1 : 0);
  // Reject 0x.., 0b.., 0o.. which Number() accepts but no CSV export means.
  if (c === 48 && s.length > 2 && /^[-+]?0[xXbBoO]/.test(s.trimStart())) return undefined;
  return v;
}
