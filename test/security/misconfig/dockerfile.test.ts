import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../../../src/security/misconfig/dockerfile.js';
import { pipesToShell } from '../../../src/security/misconfig/shell.js';

const GOOD_HEAD = 'FROM python:3.12-slim@sha256:' + 'a'.repeat(64) + '\n';
const GOOD_TAIL = 'USER 1000\nHEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n';
const ids = (body: string) => analyzeDockerfile('Dockerfile', GOOD_HEAD + body + GOOD_TAIL).map((f) => f.id);

describe('analyzeDockerfile', () => {
  it('a hardened Dockerfile has no findings', () => {
    expect(ids('COPY app /app\n')).toEqual([]);
  });

  it.each([
    ['CP-DF-004', 'ADD app.py /app/\n', 'ADD app.tar.gz /app/\n'],
    ['CP-DF-005', 'ADD https://example.com/x.bin /x\n', 'ADD --checksum=sha256:abc https://example.com/x.bin /x\n'],
    ['CP-DF-006', 'RUN curl -sSL https://get.example.com | sh\n', 'RUN curl -sSLo /tmp/i.sh https://get.example.com && sha256sum -c sums\n'],
    ['CP-DF-006', 'RUN bash <(wget -qO- https://x)\n', 'RUN wget -q https://x -O /tmp/x\n'],
    ['CP-DF-007', 'RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n', 'RUN apt-get install -y --no-install-recommends curl=7.88 && rm -rf /var/lib/apt/lists/*\n'],
    ['CP-DF-007', 'RUN apk add --no-cache curl\n', 'RUN apk add --no-cache curl=8.5.0-r0\n'],
    ['CP-DF-007', 'RUN pip install --no-cache-dir flask\n', 'RUN pip install --no-cache-dir -r requirements.txt flask==3.0.0\n'],
    ['CP-DF-008', 'RUN apt-get install -y --no-install-recommends curl=7.88\n', 'RUN apt-get install -y --no-install-recommends curl=7.88 && rm -rf /var/lib/apt/lists/*\n'],
    ['CP-DF-008', 'RUN apk add curl=8.5.0-r0\n', 'RUN apk add --no-cache curl=8.5.0-r0\n'],
    ['CP-DF-008', 'RUN pip install flask==3.0.0\n', 'ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.0\n'],
    ['CP-DF-009', 'RUN apt-get install -y curl=7.88 && rm -rf /var/lib/apt/lists/*\n', 'RUN apt-get install -y --no-install-recommends curl=7.88 && rm -rf /var/lib/apt/lists/*\n'],
    ['CP-DF-010', 'RUN sudo chown app /app\n', 'RUN chown app /app\n'],
    ['CP-DF-011', 'EXPOSE 22/tcp 8000\n', 'EXPOSE 8000\n'],
    ['CP-DF-012', 'ENV DB_PASSWORD=hunter2\n', 'ENV DB_PASSWORD_FILE=/run/secrets/db\n'],
    ['CP-DF-012', 'ARG GITHUB_TOKEN=ghp_abc\n', 'ARG GITHUB_TOKEN\nENV API_KEY=${API_KEY}\n'],
  ])('%s: positive %j, negative %j', (id, positive, negative) => {
    expect(ids(positive)).toContain(id);
    expect(ids(negative)).not.toContain(id);
  });

  it('CP-DF-001: no USER or a last USER of root/0 is root; a later non-root USER is not', () => {
    const run = (s: string) => analyzeDockerfile('Dockerfile', s).filter((f) => f.id === 'CP-DF-001');
    expect(run('FROM a:1\n')).toHaveLength(1);
    expect(run('FROM a:1\nUSER app\nUSER 0\n')[0].line).toBe(3);
    expect(run('FROM a:1\nUSER app\nUSER root:root\n')).toHaveLength(1);
    expect(run('FROM a:1\nUSER root\nRUN x\nUSER 1000\n')).toHaveLength(0);
  });

  it('CP-DF-002/003: latest or missing tag, and digest pinning', () => {
    const run = (from: string) => analyzeDockerfile('Dockerfile', `FROM ${from}\n`).map((f) => f.id);
    expect(run('python')).toEqual(expect.arrayContaining(['CP-DF-002', 'CP-DF-003']));
    expect(run('python:latest')).toContain('CP-DF-002');
    expect(run('registry:5000/python')).toContain('CP-DF-002');
    expect(run('registry:5000/python:3.12')).not.toContain('CP-DF-002');
    expect(run('python:3.12')).toContain('CP-DF-003');
    expect(run(`python@sha256:${'b'.repeat(64)}`)).not.toContain('CP-DF-003');
    expect(run('scratch')).not.toContain('CP-DF-002');
  });

  it('CP-DF-013: HEALTHCHECK present, absent, or NONE', () => {
    const run = (s: string) => analyzeDockerfile('Dockerfile', `FROM a:1\nUSER 1000\n${s}`).map((f) => f.id);
    expect(run('')).toContain('CP-DF-013');
    expect(run('HEALTHCHECK NONE\n')).toContain('CP-DF-013');
    expect(run('HEALTHCHECK CMD true\n')).not.toContain('CP-DF-013');
  });

  it('multi-stage: only the final stage (and stages it builds FROM) count', () => {
    const content = [
      'ARG BASE=python:3.12-slim',
      'FROM golang:latest AS build',
      'RUN curl -sL https://x | sh',
      'USER root',
      'FROM ${BASE} AS runtime',
      'COPY --from=build /out /app',
      'USER 1000',
      'HEALTHCHECK CMD true',
    ].join('\n');
    const found = analyzeDockerfile('Dockerfile', content);
    expect(found.map((f) => f.id)).toEqual(['CP-DF-003']);
    expect(found[0].line).toBe(5);
    expect(found[0].description).toContain('python:3.12-slim');
    expect(found[0].resource).toEqual({ kind: 'Dockerfile', name: 'runtime' });

    const inherits = 'FROM a:1 AS base\nRUN sudo x\nUSER 1000\nFROM base\nHEALTHCHECK CMD true\n';
    const ids2 = analyzeDockerfile('Dockerfile', inherits).map((f) => f.id);
    expect(ids2).toContain('CP-DF-010');
    expect(ids2).not.toContain('CP-DF-001');
  });

  it('unresolvable ARG base image skips the image checks instead of guessing', () => {
    const ids2 = analyzeDockerfile('Dockerfile', 'ARG BASE\nFROM ${BASE}\nUSER 1000\nHEALTHCHECK CMD true\n').map((f) => f.id);
    expect(ids2).toEqual([]);
  });

  it('suppression comments are reported with their reason, not dropped', () => {
    const content = 'FROM a:1\n# churn:ignore CP-DF-010 needed for legacy installer\nRUN sudo x\nRUN sudo y # churn:ignore CP-DF-010 same\nRUN sudo z\nUSER 1000\nHEALTHCHECK CMD true\n';
    const sudo = analyzeDockerfile('Dockerfile', content).filter((f) => f.id === 'CP-DF-010');
    expect(sudo.map((f) => [f.line, f.suppressed?.reason])).toEqual([[3, 'needed for legacy installer'], [4, 'same'], [5, undefined]]);
  });

  it('findings carry references and remediation', () => {
    const f = analyzeDockerfile('Dockerfile', 'FROM a:1\n').find((x) => x.id === 'CP-DF-001');
    expect(f?.references.trivy).toBe('DS002');
    expect(f?.references.cis).toBe('CIS Docker 4.1');
    expect(f?.remediation).toMatch(/USER/);
  });
});

// Lines and words a hostile image can hold; each of these made a pattern rescan the rest of the input from every repeat.
describe('hostile Dockerfile lines', () => {
  it('CP-DF-006 reads 1 MB lines of repeated curl, pipe and shell words', () => {
    expect(pipesToShell(`${'curl '.repeat(200_000)}| sh`)).toBe(true);
    expect(pipesToShell(`${'curl '.repeat(200_000)}x`)).toBe(false);
    expect(pipesToShell(`${'curl|'.repeat(200_000)}/bin/sh`)).toBe(true);
    expect(pipesToShell(`${'curl|'.repeat(200_000)}x`)).toBe(false);
    expect(pipesToShell(`bash ${'sh '.repeat(300_000)}$(curl -s x)`)).toBe(true);
    expect(pipesToShell(`${'sh '.repeat(300_000)}x`)).toBe(false);
  });

  it('CP-DF-006 still finds the pipes that run through other words to the shell', () => {
    expect(pipesToShell('curl -s x|gunzip|/bin/sh')).toBe(true);
    expect(pipesToShell('curl -s x | /opt/curl/bin/bash')).toBe(true);
    expect(pipesToShell('curl a|curl b|/bin/sh')).toBe(true);
    expect(pipesToShell('curl a; wget b | sudo sh')).toBe(true);
    expect(pipesToShell('curl a; sh b')).toBe(false);
    expect(pipesToShell('sh x; echo $(curl y)')).toBe(false);
  });

  it('a FROM whose `${` never closes is left unresolved, with no base image findings', () => {
    const hostile = '${a:-'.repeat(200_000);
    const found = analyzeDockerfile('Dockerfile', `ARG X=${hostile}\nFROM ${hostile}\nUSER 1000\nHEALTHCHECK CMD true\n`);
    expect(found.map((f) => f.id)).toEqual([]);
  });
});
