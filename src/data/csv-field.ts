/** Writing CSV: shared by the demo generator, `churn predict` and the batch API. */

/** A CSV field per RFC 4180: quoted, with inner quotes doubled, only if it holds `,`, `"`, CR or LF. */
export function csvField(value: string): string {
  return needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV line (without its terminator) of `fields`, each quoted only where needed. */
export function csvLine(fields: readonly string[]): string {
  let line = csvField(fields[0] ?? '');
  for (let i = 1; i < fields.length; i++) line += ',' + csvField(fields[i]);
  return line;
}

// A char-code loop: this runs for every field of every row, and beats a regex call there.
function needsQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 44 || c === 34 || c === 13 || c === 10) return true;
  }
  return false;
}
