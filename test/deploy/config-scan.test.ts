import { describe, expect, it } from 'vitest';
import { analyzeConfigFiles, detectConfigType } from '../../src/security/misconfig/index.js';
import { SEVERITIES } from '../../src/security/types.js';
import { filesUnder, read } from './files.js';

const deployFiles = ['Dockerfile', ...filesUnder('deploy').filter((f) => /\.ya?ml$/.test(f))].map((path) => ({ path, content: read(path) }));
const atLeastMedium = (severity: string) => SEVERITIES.indexOf(severity as (typeof SEVERITIES)[number]) <= SEVERITIES.indexOf('MEDIUM');

describe("the project's configuration scanner on its own deploy files", () => {
  it('recognises the Dockerfile, the Compose file and every Kubernetes manifest', () => {
    const types = deployFiles.map((f) => [f.path, detectConfigType(f.path, f.content)]);
    expect(types).toContainEqual(['Dockerfile', 'dockerfile']);
    expect(types).toContainEqual(['deploy/docker-compose.yml', 'compose']);
    for (const f of deployFiles.filter((x) => x.path.startsWith('deploy/k8s/'))) expect(detectConfigType(f.path, f.content), f.path).toBe('kubernetes');
  });

  it('finds nothing at or above MEDIUM, and nothing is silenced by a suppression', () => {
    const findings = analyzeConfigFiles(deployFiles, { allowedPorts: [8000], requiredUid: 1000 });
    const serious = findings.filter((f) => atLeastMedium(f.severity)).map((f) => `${f.severity} ${f.id} ${f.file}:${f.line} ${f.description}`);
    expect(serious).toEqual([]);
    expect(findings.filter((f) => f.suppressed).map((f) => `${f.id} ${f.file}:${f.line} ${f.suppressed?.reason}`)).toEqual([]);
  });

  it('does flag the same files once a hardening setting is taken out (the scan reads them)', () => {
    const weakened = deployFiles.map((f) => {
      if (f.path === 'deploy/k8s/deployment.yaml') return { ...f, content: f.content.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false') };
      if (f.path === 'Dockerfile') return { ...f, content: f.content.replace(/^USER 1000:1000$/m, 'USER root') };
      if (f.path === 'deploy/docker-compose.yml') return { ...f, content: f.content.replace('"127.0.0.1:8000:8000"', '"127.0.0.1:8000:8000"\n      - "5432:5432"') };
      return f;
    });
    const ids = analyzeConfigFiles(weakened).map((f) => `${f.id} ${f.file}`);
    expect(ids).toEqual(expect.arrayContaining(['CP-K8S-003 deploy/k8s/deployment.yaml', 'CP-DF-001 Dockerfile', 'CP-DC-008 deploy/docker-compose.yml']));
  });
});

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('takes its base from a build argument whose default is the public Node 20 slim image pinned by digest', () => {
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:20-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual(['FROM ${BASE_IMAGE} AS build', 'FROM ${BASE_IMAGE} AS runtime']);
  });

  it('runs as UID 1000 with /tmp and /data as its only declared volumes, port 8000 and a curl-free healthcheck', () => {
    expect(finalStage).toMatch(/^USER 1000:1000$/m);
    expect(finalStage).toMatch(/^VOLUME \["\/tmp", "\/data"\]$/m);
    expect(finalStage.match(/^EXPOSE .*$/gm)).toEqual(['EXPOSE 8000']);
    const healthcheck = finalStage.slice(finalStage.indexOf('HEALTHCHECK'));
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/health/);
    expect(healthcheck).not.toMatch(/curl|wget/);
    expect(finalStage).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/churn\.js"\]$/m);
    // The data directory the config reads is the declared volume; the model ships in the image.
    expect(finalStage).toMatch(/DATA_DIR=\/data/);
    expect(finalStage).toMatch(/MODEL_PATH=\/app\/model\/model\.json/);
  });

  it('installs no package and fetches nothing in the final stage', () => {
    const runs = finalStage.replace(/\\\n/g, ' ').split('\n').filter((l) => l.startsWith('RUN '));
    expect(runs).toHaveLength(1);
    // Commands, not paths: removing /usr/local/bin/npm is fine, running npm is not.
    for (const r of runs) expect(r).not.toMatch(/(^|[\s;&|(])(apt-get|apt|apk|npm|npx|curl|wget|pip3?)\s/);
    expect(finalStage).not.toMatch(/^ADD /m);
    expect(finalStage).not.toMatch(/^(ENV|ARG) .*(PASSWORD|SECRET|TOKEN|API_KEY)/m);
  });

  it('builds from an allow-list .dockerignore, so local secrets, data and host builds stay out', () => {
    const ignore = read('.dockerignore').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.slice(1);
    for (const l of included) expect(l.startsWith('!'), l).toBe(true);
    expect(included.sort()).toEqual(['!bin/', '!package-lock.json', '!package.json', '!src/', '!tsconfig.build.json', '!tsconfig.json']);
  });
});
