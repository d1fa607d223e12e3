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

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const latin1 = new TextDecoder('latin1');

/**
 * `parseNumericCell` for the UTF-8 bytes [start, end) without making a string first: the
 * scoring hot path. Plain decimals of up to 15 digits are read digit by digit; the result equals
 * Number()'s because both the digits and the power of ten are exact doubles and one division
 * rounds once. Anything else (exponents, long mantissas, odd bytes) goes through parseNumericCell.
 */
export function parseNumberBytes(b: Uint8Array, start: number, end: number): number | undefined {
  let s = start;
  let e = end;
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (s === e) return Number.NaN;
  let i = s;
  let neg = false;
  const c0 = b[i];
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else return parseNumericCell(latin1.decode(b.subarray(start, end)));
  }
  if (digits === 0 || digits > 15) return parseNumericCell(latin1.decode(b.subarray(start, end)));
  const v = frac === 0 ? mant : mant / POW10[frac];
  return neg ? -v : v;
}
