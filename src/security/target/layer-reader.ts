import { limitError, type Budget } from './limits.js';
import { basename, dirname, normalizeEntryPath } from './paths.js';
import type { RawEntry } from './tar-entries.js';

export interface Warning {
  path: string;
  message: string;
}

export interface LayerEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  size: number;
  mode: number;
  linkname: string | null;
  /** Kept only for wanted files within `maxFileBytes`. */
  content: Buffer | null;
}

/** What one layer does to the filesystem below it: deletions first, then additions in order. */
export interface LayerRecord {
  whiteouts: string[];
  opaques: string[];
  entries: LayerEntry[];
}

export interface ReadContext {
  budget: Budget;
  wanted: (path: string, size: number) => boolean;
  warnings: Warning[];
  /** For messages: "layer 3". */
  label: string;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Reads one layer's entries into a record, keeping contents only of wanted files. Hostile names
 * are contained: traversal names are skipped with a warning, devices and fifos ignored.
 */
export async function readLayer(entries: AsyncIterable<RawEntry>, ctx: ReadContext): Promise<LayerRecord> {
  const record: LayerRecord = { whiteouts: [], opaques: [], entries: [] };
  const limits = ctx.budget.limits;
  for await (const raw of entries) {
    ctx.budget.addEntry();
    if (raw.name.length > limits.maxPathLength) throw limitError('maxPathLength', limits, `entry name of ${raw.name.length} characters in ${ctx.label}`);
    if (raw.type === 'other') continue;
    const path = normalizeEntryPath(raw.name);
    if (path === null) {
      ctx.warnings.push({ path: raw.name, message: `${ctx.label}: entry name climbs out of the root; skipped` });
      continue;
    }
    if (path === '/') continue;
    const base = basename(path);
    if (base.startsWith(WHITEOUT)) {
      if (base === OPAQUE) record.opaques.push(dirname(path));
      // Other ".wh..wh." names are aufs bookkeeping, not deletions.
      else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) record.whiteouts.push(`${dirname(path) === '/' ? '' : dirname(path)}/${base.slice(WHITEOUT.length)}`);
      continue;
    }
    let linkname = raw.linkname;
    if (raw.type === 'hardlink') {
      linkname = normalizeEntryPath(raw.linkname ?? '');
      if (linkname === null || linkname === '/') {
        ctx.warnings.push({ path, message: `${ctx.label}: hard link target "${raw.linkname ?? ''}" is outside the image; skipped` });
        continue;
      }
    }
    let content: Buffer | null = null;
    if (raw.type === 'file' && ctx.wanted(path, raw.size)) {
      if (raw.size > limits.maxFileBytes) {
        ctx.warnings.push({ path, message: `${ctx.label}: ${raw.size} bytes exceeds maxFileBytes (${limits.maxFileBytes}); content not read` });
      } else content = await raw.read();
    }
    record.entries.push({ path, type: raw.type, size: raw.size, mode: raw.mode, linkname, content });
  }
  return record;
}
