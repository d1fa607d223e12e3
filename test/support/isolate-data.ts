import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Commands run in-process read DATA_DIR (and the SQLite file under it) and DEPLOY_DIR (the
// policy file a scan is judged by) from the environment: without this, a test that does not
// set them would write scans, models and keys into the checkout's ./data and be judged by the
// project's own deploy/ policy. Each test file gets its own folder; a test may still set its own.
const previous = { DATA_DIR: process.env.DATA_DIR, DEPLOY_DIR: process.env.DEPLOY_DIR };
const dir = mkdtempSync(join(tmpdir(), 'churn-test-data-'));
process.env.DATA_DIR = dir;
process.env.DEPLOY_DIR = join(dir, 'deploy');
afterAll(() => {
  for (const [name, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});
