import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { JsonObject } from './canonical.js';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed part of an entry. */
export interface AuditContent {
  seq: number;
  ts: string;
  event: string;
  actor: string;
  detail: JsonObject;
}

/** sha256(prev_hash + canonical JSON of {seq, ts, event, actor, detail}), hex. */
export function entryHash(prevHash: string, content: AuditContent): string {
  const { seq, ts, event, actor, detail } = content;
  return createHash('sha256').update(prevHash + canonicalJson({ seq, ts, event, actor, detail }), 'utf8').digest('hex');
}
