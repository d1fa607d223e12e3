import type { InventoryWarning } from './types.js';

export interface Paragraph {
  /** 1-based line where it starts, for warnings. */
  line: number;
  fields: Map<string, string>;
}

/**
 * Splits deb822-style text (dpkg status, email-style METADATA headers) into paragraphs of
 * `Key: value` fields; continuation lines start with a space or tab. A line that is neither is
 * reported and skipped. With `firstOnly`, stops at the first blank line (METADATA's body follows).
 */
export function parseParagraphs(text: string, path: string, warnings: InventoryWarning[], firstOnly = false): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph | null = null;
  let last: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      if (current !== null && firstOnly) break;
      current = null;
      last = null;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current !== null && last !== null) {
      current.fields.set(last, `${current.fields.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):[ \t]*(.*)$/.exec(line);
    if (m === null) {
      warnings.push({ path, message: `line ${i + 1}: not a "Field: value" line; skipped` });
      continue;
    }
    if (current === null) {
      current = { line: i + 1, fields: new Map() };
      out.push(current);
    }
    last = m[1].toLowerCase();
    if (!current.fields.has(last)) current.fields.set(last, m[2].trim());
  }
  return out;
}
