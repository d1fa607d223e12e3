import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Commands run in-process read DATA_DIR (and the SQLite file under it) from the environment:
// without this, a test that does not set it would write scans, models and keys into the
// checkout's ./data. Each test file gets its own folder; a test may still set its own.
const previous = process.env.DATA_DIR;
const dir = mkdtempSync(join(tmpdir(), 'churn-test-data-'));
process.env.DATA_DIR = dir;
afterAll(() => {
  if (previous === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});
