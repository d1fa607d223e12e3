import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { appendAudit } from '../../src/audit/append.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { tailAudit } from '../../src/audit/tail.js';
import { GENESIS_HASH, entryHash } from '../../src/audit/hash.js';
import { UsageError } from '../../src/errors.js';
import type { AuditEvent } from '../../src/audit/events.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets } from '../store/helpers.js';

const EVENTS: AuditEvent[] = ['auth.success', 'apikey.created', 'ratelimit.rule_changed', 'model.reloaded', 'auth.failure'];

async function appendTen(store: Store): Promise<void> {
  for (let i = 1; i <= 10; i++) {
    await appendAudit(store, { event: EVENTS[i % EVENTS.length], actor: `actor-${i}`, detail: { i, nested: { z: i, a: [i] } } });
  }
}

for (const target of storeTargets('auditchain')) {
  describe(`audit chain on ${target.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
      await target.cleanup();
    });
    beforeEach(async () => {
      await sql`delete from audit_log`.execute(store.db);
    });

    it('verifies an empty log', async () => {
      expect(await verifyAudit(store)).toEqual({ ok: true, count: 0, lastHash: GENESIS_HASH });
    });

    it('links each entry to the previous one and verifies across pages', async () => {
      const first = await appendAudit(store, { event: 'apikey.created', actor: 'cli', detail: { keyId: 'ak_1', role: 'admin' } }, { now: () => new Date('2030-01-01T00:00:00.000Z') });
      expect(first).toMatchObject({ seq: 1, ts: '2030-01-01T00:00:00.000Z', prevHash: GENESIS_HASH });
      expect(first.hash).toBe(entryHash(GENESIS_HASH, { seq: 1, ts: first.ts, event: 'apikey.created', actor: 'cli', detail: { keyId: 'ak_1', role: 'admin' } }));
      const second = await appendAudit(store, { event: 'auth.success', actor: 'key:ak_1' });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, detail: {} });
      await appendTen(store);
      expect(await verifyAudit(store, { pageSize: 3 })).toEqual({ ok: true, count: 12, lastHash: (await tailAudit(store, { limit: 1 }))[0].hash });
    });

    it('stores redacted detail and never the secret', async () => {
      await appendAudit(store, { event: 'auth.failure', actor: '10.0.0.1', detail: { apiKey: 'cp_supersecretvalue', reason: 'unknown key' } });
      const raw = await sql<{ detail: string }>`select detail from audit_log`.execute(store.db);
      expect(raw.rows[0].detail).toBe('{"apiKey":"[REDACTED]","reason":"unknown key"}');
      expect((await verifyAudit(store)).ok).toBe(true);
    });

    it('pages backwards with tail', async () => {
      await appendTen(store);
      const page1 = await tailAudit(store, { limit: 4 });
      expect(page1.map((e) => e.seq)).toEqual([10, 9, 8, 7]);
      const page2 = await tailAudit(store, { limit: 4, beforeSeq: page1[3].seq });
      expect(page2.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
      expect(page2[0].detail).toEqual({ i: 6, nested: { a: [6], z: 6 } });
      await expect(tailAudit(store, { limit: 0 })).rejects.toBeInstanceOf(UsageError);
    });

    it('rejects unknown events and empty actors', async () => {
      await expect(appendAudit(store, { event: 'made.up' as AuditEvent, actor: 'x' })).rejects.toBeInstanceOf(UsageError);
      await expect(appendAudit(store, { event: 'auth.success', actor: '' })).rejects.toBeInstanceOf(UsageError);
    });

    it('names the changed entry when a detail is edited', async () => {
      await appendTen(store);
      await sql`update audit_log set detail = ${'{"i":99,"nested":{"a":[5],"z":5}}'} where seq = 5`.execute(store.db);
      expect(await verifyAudit(store, { pageSize: 3 })).toMatchObject({ ok: false, count: 4, brokenAt: 5, reason: expect.stringContaining('changed') });
    });

    it('names the changed entry when the event or actor is edited, or detail is no longer JSON', async () => {
      await appendTen(store);
      await sql`update audit_log set actor = 'someone-else' where seq = 8`.execute(store.db);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenAt: 8 });
      await sql`update audit_log set detail = 'not json' where seq = 3`.execute(store.db);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, count: 2, brokenAt: 3 });
    });

    it('finds a deleted middle entry at the entry after the gap', async () => {
      await appendTen(store);
      await sql`delete from audit_log where seq = 6`.execute(store.db);
      expect(await verifyAudit(store, { pageSize: 4 })).toMatchObject({ ok: false, count: 5, brokenAt: 7, reason: expect.stringContaining('missing') });
    });

    it('finds a deleted entry even when later ones were renumbered to hide the gap', async () => {
      await appendTen(store);
      await sql`delete from audit_log where seq = 6`.execute(store.db);
      for (let seq = 7; seq <= 10; seq++) await sql`update audit_log set seq = ${seq - 1} where seq = ${seq}`.execute(store.db);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, count: 5, brokenAt: 6, reason: expect.stringContaining('prev_hash') });
    });

    it('finds two swapped entries at the first of them', async () => {
      await appendTen(store);
      await sql`update audit_log set seq = -1 where seq = 3`.execute(store.db);
      await sql`update audit_log set seq = 3 where seq = 4`.execute(store.db);
      await sql`update audit_log set seq = 4 where seq = -1`.execute(store.db);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, count: 2, brokenAt: 3 });
    });

    it('finds a rewritten entry whose hash was recomputed at the next link', async () => {
      await appendTen(store);
      const rows = await sql<{ seq: number; ts: string; event: string; actor: string; prev_hash: string }>`select seq, ts, event, actor, prev_hash from audit_log where seq = 4`.execute(store.db);
      const row = rows.rows[0];
      const forged = entryHash(row.prev_hash, { seq: 4, ts: row.ts, event: row.event, actor: row.actor, detail: { i: 1000 } });
      await sql`update audit_log set detail = ${'{"i":1000}'}, hash = ${forged} where seq = 4`.execute(store.db);
      expect(await verifyAudit(store)).toMatchObject({ ok: false, count: 4, brokenAt: 5 });
    });
  });
}
