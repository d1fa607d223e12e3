import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/append.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { tailAudit } from '../../src/audit/tail.js';
import { postgresTarget, storeTargets } from '../store/helpers.js';

for (const target of storeTargets('auditconc')) {
  describe(`concurrent audit appends on ${target.name}`, () => {
    afterAll(() => target.cleanup());

    it('keeps one unbroken chain when 50 appends race', async () => {
      const store = await target.open();
      try {
        const entries = await Promise.all(
          Array.from({ length: 50 }, (_, i) => appendAudit(store, { event: 'auth.success', actor: `client-${i}`, detail: { i } })),
        );
        expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await verifyAudit(store)).toMatchObject({ ok: true, count: 50 });
      } finally {
        await store.close();
      }
    });
  });
}

describe('audit appends from two PostgreSQL pools (two processes)', () => {
  const target = postgresTarget('auditpools');
  afterAll(() => target.cleanup());

  it('never forks the chain', async () => {
    const [a, b] = await Promise.all([target.open(), target.open()]);
    try {
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => appendAudit(i % 2 === 0 ? a : b, { event: 'model.reloaded', actor: i % 2 === 0 ? 'pool-a' : 'pool-b', detail: { i } })),
      );
      expect(await verifyAudit(b, { pageSize: 7 })).toMatchObject({ ok: true, count: 60 });
      const actors = new Set((await tailAudit(a, { limit: 60 })).map((e) => e.actor));
      expect(actors).toEqual(new Set(['pool-a', 'pool-b']));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
