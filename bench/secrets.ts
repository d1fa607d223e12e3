/**
 * Secret scanning throughput over a generated 200 MiB source tree, beside ripgrep running the
 * same patterns over the same tree, and configuration analysis of 1,000 manifests.
 * Run: npm run bench:secrets   (ripgrep from Debian: apt-get install ripgrep)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Misconfig from '../src/security/misconfig/index.js';
import type * as Secrets from '../src/security/secrets/index.js';
import { ROOT, printTable, writeResult } from './common.js';

// The scanner as it ships: the compiled dist/ (npm run build), not the sources through tsx,
// whose class-field lowering makes the keyword index's hot loop about a third slower.
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
const { analyzeConfigFiles } = await load<typeof Misconfig>('security/misconfig/index.js');
const { SECRET_RULES, scanSecrets } = await load<typeof Secrets>('security/secrets/index.js');

const work = join(tmpdir(), 'churn-bench-secrets');
const tree = join(work, 'tree');
const MIB = 1024 * 1024;

/** A deterministic tree of TypeScript-like files with a few secrets sprinkled in. */
function generateTree(): void {
  let s = 12345;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const words = 'const let function return import export from if else for await async customer churn model predict value result config options user request response token password secret key data index length string number error http session auth'.split(' ');
  const an = 'ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789';
  const r = (n: number) => Array.from({ length: n }, () => an[Math.floor(rnd() * an.length)]).join('');
  const line = (): string => {
    const p = rnd();
    if (p < 0.0005) return `  const gh = '${'gh' + 'p_'}${r(36)}';`;
    if (p < 0.001) return `  password = "${r(16)}"`;
    const n = 3 + Math.floor(rnd() * 10);
    return `  ${Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ')}${rnd() < 0.5 ? ';' : ' {'}`;
  };
  let total = 0;
  for (let i = 0; total < 200 * MIB; i++) {
    const dir = join(tree, `d${Math.floor(i / 100)}`);
    mkdirSync(dir, { recursive: true });
    const size = 2000 + Math.floor(rnd() * 60000);
    const lines: string[] = [];
    let len = 0;
    while (len < size) {
      const l = line();
      lines.push(l);
      len += l.length + 1;
    }
    const text = `${lines.join('\n')}\n`;
    writeFileSync(join(dir, `f${i}.ts`), text);
    total += text.length;
  }
  writeFileSync(join(work, 'done'), '');
}

if (!existsSync(join(work, 'done'))) generateTree();
const paths: string[] = [];
for (const d of readdirSync(tree)) for (const f of readdirSync(join(tree, d))) paths.push(join(tree, d, f));

// Best of five for both tools (the machine is shared); our first pass also warms the JIT.
const RUNS = 5;
const ours: number[] = [];
let bytes = 0;
let findings = 0;
for (let k = 0; k < RUNS; k++) {
  bytes = 0;
  findings = 0;
  const t0 = performance.now();
  for (const p of paths) {
    const buf = readFileSync(p);
    bytes += buf.length;
    findings += scanSecrets(buf, p).length;
  }
  ours.push(bytes / MIB / ((performance.now() - t0) / 1000));
}

// The same patterns for ripgrep: lookaheads and named groups dropped (Rust's regex has neither).
const patterns = join(work, 'patterns.txt');
writeFileSync(
  patterns,
  `${SECRET_RULES.map((r) => (r.regex.flags.includes('i') ? '(?i)' : '') + r.regex.source.replace(/\(\?![^)]*\)/g, '').replace(/\(\?<[a-z]+>/g, '(?:').replace(/\\\//g, '/')).join('\n')}\n`,
);
const rgRate = (threads: string[]): number | null => {
  let best = 0;
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    const res = spawnSync('rg', [...threads, '-U', '-c', '-f', patterns, tree], { encoding: 'utf8', maxBuffer: 64 * MIB });
    if (res.error) return null;
    best = Math.max(best, bytes / MIB / ((performance.now() - t0) / 1000));
  }
  return best;
};
const rg1 = rgRate(['-j1']);
const rgAll = rgRate([]);

// Configuration analysis: 1,000 manifests of three objects each.
const manifests = Array.from({ length: 1000 }, (_, i) => ({
  path: `k8s/m${i}.yaml`,
  content: `# Source: chart/templates/d${i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web${i}, namespace: ns${i % 10}}
spec:
  template:
    metadata: {labels: {app: web${i}}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      containers:
        - name: app
          image: repo/app:${i % 3 ? '1.0' : 'latest'}
          resources: {limits: {cpu: 1, memory: 1Gi}}
          securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {name: web${i}, namespace: ns${i % 10}}
spec: {ports: [{port: ${i % 2 ? 8000 : 80}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web${i}, namespace: ns${i % 10}}
spec: {podSelector: {matchLabels: {app: web${i}}}, ingress: [{ports: [{port: 8000}]}]}
`,
}));
const configTimes: number[] = [];
let configFindings = 0;
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  configFindings = analyzeConfigFiles(manifests).length;
  configTimes.push((performance.now() - t0) / 1000);
}

const best = Math.max(...ours);
printTable([
  { benchmark: `secret scan, ${(bytes / MIB).toFixed(0)} MiB in ${paths.length} files (one thread)`, result: `${best.toFixed(1)} MiB/s, ${findings} findings`, target: 'at least half of rg' },
  { benchmark: 'rg, same patterns, one thread (-j1)', result: rg1 === null ? 'rg not installed' : `${rg1.toFixed(1)} MiB/s`, target: rg1 === null ? '' : `ours = ${((best / rg1) * 100).toFixed(0)} %` },
  { benchmark: 'rg, same patterns, all threads', result: rgAll === null ? 'rg not installed' : `${rgAll.toFixed(1)} MiB/s`, target: rgAll === null ? '' : `ours = ${((best / rgAll) * 100).toFixed(0)} %` },
  { benchmark: 'configuration analysis, 1,000 manifests (3,000 objects)', result: `${Math.min(...configTimes).toFixed(2)} s, ${configFindings} findings`, target: '< 2 s' },
]);
console.log(`\nwritten: ${writeResult('secrets', { measured_at: new Date().toISOString(), mib: bytes / MIB, files: paths.length, ours_mib_s: ours, rg_j1_mib_s: rg1, rg_all_mib_s: rgAll, config_seconds: configTimes, config_findings: configFindings })}`);

