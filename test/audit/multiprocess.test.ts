import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { verifyAudit } from '../../src/audit/verify.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/append-worker.ts', import.meta.url));

describe('several processes on one fresh SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'churn-audit-mp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrate once and append to one unbroken chain', async () => {
    const url = `sqlite:${join(dir, 'store.db')}`;
    await Promise.all(['p1', 'p2', 'p3'].map((actor) => run(process.execPath, ['--import', 'tsx', worker, url, actor, '40'])));
    const store = await openStore({ url });
    try {
      expect(await verifyAudit(store)).toMatchObject({ ok: true, count: 120 });
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
      expect(applied.rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await store.close();
    }
  });
});
