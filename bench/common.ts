import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = join(ROOT, '..', 'shared');
export const TELCO = join(SHARED, 'data', 'telco-customer-churn.csv');
export const TELCO_SPLIT = join(SHARED, 'data', 'telco-split.csv');

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Source row of resampled row j: the reference method in ../shared/data/README.md. */
export function resampleIndex(j: number, nSource: number): number {
  const hex = createHash('sha256').update(`42:row${j}`).digest('hex').slice(0, 12);
  return Number(BigInt(`0x${hex}`) % BigInt(nSource));
}

export function printTable(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]);
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i])).join('  ');
  console.log(line(cols));
  console.log(line(w.map((n) => '-'.repeat(n))));
  for (const r of rows) console.log(line(cols.map((c) => fmt(r[c] ?? ''))));
}

export function writeResult(name: string, data: unknown): string {
  const path = join(ROOT, 'bench', 'results', `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

export function peakRssMiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export function minOf<T>(runs: number, f: () => T): { seconds: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = f();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return { seconds: best, result };
}
