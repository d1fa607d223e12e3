import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    setupFiles: ['./test/support/isolate-data.ts'],
    // Database-backed suites share one PostgreSQL and one Redis; files run in parallel
    // but each suite isolates itself with its own schema or key prefix.
    pool: 'forks',
  },
});
