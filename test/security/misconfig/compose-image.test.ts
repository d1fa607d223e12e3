import { describe, expect, it } from 'vitest';
import { analyzeCompose } from '../../../src/security/misconfig/compose.js';
import { analyzeImageConfig } from '../../../src/security/misconfig/image-config.js';
import { analyzeConfigFiles, detectConfigType } from '../../../src/security/misconfig/index.js';
import type { ImageConfig } from '../../../src/security/types.js';

const GOOD = `services:
  app:
    image: app:1.0
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    deploy: {resources: {limits: {memory: 512M, cpus: "1"}}}
    ports: ["127.0.0.1:8000:8000"]
`;
const ids = (y: string) => analyzeCompose('docker-compose.yml', y).map((f) => f.id);

describe('analyzeCompose', () => {
  it('hardened service: no findings', () => expect(ids(GOOD)).toEqual([]));
  it.each([
    ['CP-DC-001', '    privileged: true\n'],
    ['CP-DC-008', '    ports: ["2222:22"]\n'],
    ['CP-DC-009', '    network_mode: host\n'],
    ['CP-DC-010', '    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\n'],
  ])('%s positive', (id, extra) => {
    expect(ids(GOOD.replace(/ {4}ports.*\n/, '') + extra)).toEqual([id]);
  });
  it.each([
    ['CP-DC-002', '    user: "1000:1000"\n', '    user: root\n'],
    ['CP-DC-003', '    read_only: true\n', ''],
    ['CP-DC-004', '    cap_drop: [ALL]\n', '    cap_drop: [NET_RAW]\n'],
    ['CP-DC-005', '    security_opt: ["no-new-privileges:true"]\n', '    security_opt: ["seccomp:default"]\n'],
  ])('%s positive', (id, from, to) => {
    expect(ids(GOOD.replace(from, to))).toEqual([id]);
  });
  it('CP-DC-006/007: limits via deploy or mem_limit/cpus', () => {
    const none = GOOD.replace(/ {4}deploy.*\n/, '');
    expect(ids(none)).toEqual(['CP-DC-006', 'CP-DC-007']);
    expect(ids(none + '    mem_limit: 512m\n    cpus: 0.5\n')).toEqual([]);
  });
  it('line and suppression', () => {
    const y = GOOD + '    # churn:ignore CP-DC-001 needs /dev access\n    privileged: true\n';
    const [f] = analyzeCompose('c.yml', y);
    expect([f.id, f.line, f.suppressed?.reason]).toEqual(['CP-DC-001', 11, 'needs /dev access']);
  });
});

const IMAGE: ImageConfig = {
  user: '1000', env: ['PATH=/usr/bin', 'DB_PASSWORD_FILE=/run/secrets/db'], exposedPorts: ['8000/tcp'], entrypoint: [], cmd: [],
  workingDir: '/', labels: {}, healthcheck: { test: ['CMD', 'true'] }, os: 'linux', architecture: 'amd64', history: [],
};

describe('analyzeImageConfig', () => {
  const run = (c: Partial<ImageConfig>) => analyzeImageConfig({ ...IMAGE, ...c }).map((f) => f.id);
  it('clean config: no findings', () => expect(run({})).toEqual([]));
  it('each check', () => {
    expect(run({ user: '' })).toEqual(['CP-IMG-001']);
    expect(run({ user: '0:0' })).toEqual(['CP-IMG-001']);
    expect(run({ exposedPorts: ['8000/tcp', '22/tcp'] })).toEqual(['CP-IMG-002']);
    expect(run({ healthcheck: null })).toEqual(['CP-IMG-003']);
    expect(run({ healthcheck: { test: ['NONE'] } })).toEqual(['CP-IMG-003']);
    expect(run({ env: ['API_TOKEN=abc123'] })).toEqual(['CP-IMG-004']);
  });
  it('never puts the secret value in the finding', () => {
    const [f] = analyzeImageConfig({ ...IMAGE, env: ['API_TOKEN=s3cr3tvalue'] });
    expect(JSON.stringify(f)).not.toContain('s3cr3tvalue');
  });
});

describe('analyzeConfigFiles', () => {
  it('detects file types by name and content', () => {
    expect(detectConfigType('a/Dockerfile', '')).toBe('dockerfile');
    expect(detectConfigType('Dockerfile.prod', '')).toBe('dockerfile');
    expect(detectConfigType('x/api.dockerfile', '')).toBe('dockerfile');
    expect(detectConfigType('docker-compose.prod.yml', '')).toBe('compose');
    expect(detectConfigType('compose.yaml', '')).toBe('compose');
    expect(detectConfigType('k8s/dep.yaml', 'apiVersion: v1\nkind: Pod\n')).toBe('kubernetes');
    expect(detectConfigType('.github/workflows/ci.yml', 'on: push\njobs: {}\n')).toBeNull();
    expect(detectConfigType('README.md', 'apiVersion: v1\nkind: Pod\n')).toBeNull();
  });
  it('combines analyzers and sorts by file, line, id', () => {
    const out = analyzeConfigFiles([
      { path: 'k8s/svc.yaml', content: 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 22}]}\n' },
      { path: 'Dockerfile', content: 'FROM a:1\n' },
      { path: 'notes.yaml', content: 'a: 1\n' },
    ]);
    expect(out.map((f) => `${f.file}:${f.line}:${f.id}`)).toEqual([
      'Dockerfile:1:CP-DF-001', 'Dockerfile:1:CP-DF-003', 'Dockerfile:1:CP-DF-013', 'k8s/svc.yaml:4:CP-K8S-023',
    ]);
  });
});
