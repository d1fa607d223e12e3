import { describe, expect, it } from 'vitest';
import { scanComposeEnvironment, scanImageConfigEnv, scanKubernetesSecretData } from '../../../src/security/secrets/sources.js';
import { ALNUM, ghp, rnd } from './fakes.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('scanImageConfigEnv', () => {
  it('reports secrets in Env with the variable index as line, and skips placeholders and plain values', () => {
    const password = rnd(ALNUM, 18);
    const env = ['PATH=/usr/local/bin:/usr/bin', `GH_TOKEN=${ghp()}`, 'NODE_ENV=production', `DB_PASSWORD=${password}`, 'API_KEY=${API_KEY}'];
    const findings = scanImageConfigEnv(env);
    expect(findings.map((f) => [f.ruleId, f.line, f.path, f.reason])).toEqual([
      ['github-pat', 2, 'image config Env', 'image config Env'],
      ['generic-password', 4, 'image config Env', 'image config Env'],
    ]);
    expect(JSON.stringify(findings)).not.toContain(password);
  });
});

describe('scanKubernetesSecretData', () => {
  it('decodes a Secret data value, reads stringData and container env, with YAML lines', () => {
    const dbPassword = rnd(ALNUM, 20);
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'type: Opaque',
      'data:',
      `  DB_PASSWORD: ${b64(dbPassword)}`,
      `  github: ${b64(`token=${ghp()}`)}`,
      `  LOG_LEVEL: ${b64('info')}`,
      'stringData:',
      `  STRIPE_KEY: ${'sk' + '_live_'}${rnd(ALNUM, 24)}`,
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: web }',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: init',
      '          env:',
      `            - { name: SLACK_TOKEN, value: "${'xox' + 'b-'}1234567890-1234567890-${rnd(ALNUM, 24)}" }`,
      '      containers:',
      '        - name: web',
      '          env:',
      '            - name: API_SECRET_KEY',
      '              valueFrom: { secretKeyRef: { name: app, key: k } }',
      '            - name: AUTH_TOKEN',
      `              value: ${rnd(ALNUM, 24)}`,
    ].join('\n');
    const findings = scanKubernetesSecretData(yaml, 'deploy/k8s/app.yaml');
    expect(findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['generic-password', 7],
      ['github-pat', 8],
      ['stripe-live-secret-key', 11],
      ['slack-bot-token', 22],
      ['generic-token', 29],
    ]);
    expect(findings[0].reason).toBe('Kubernetes Secret data (base64-decoded)');
    expect(findings[3].reason).toBe('Kubernetes container env');
    expect(JSON.stringify(findings)).not.toContain(dbPassword);
  });

  it('looks inside List items and skips documents that do not parse', () => {
    const yaml = `kind: List\nitems:\n  - kind: Secret\n    data:\n      token: ${b64(ghp())}\n---\n: : bad: [\n`;
    expect(scanKubernetesSecretData(yaml, 'list.yaml').map((f) => [f.ruleId, f.line])).toEqual([['github-pat', 5]]);
  });
});

describe('scanComposeEnvironment', () => {
  it('reads map and list forms of environment', () => {
    const yaml = [
      'services:',
      '  api:',
      '    image: app',
      '    environment:',
      `      DATABASE_URL: ${'postgres' + '://app:'}${rnd(ALNUM, 16)}@db/app`,
      '      LOG_LEVEL: info',
      '  worker:',
      '    environment:',
      `      - NPM_TOKEN=${'np' + 'm_'}${rnd(ALNUM, 36)}`,
      '      - DB_PASSWORD=${DB_PASSWORD}',
    ].join('\n');
    expect(scanComposeEnvironment(yaml, 'docker-compose.yml').map((f) => [f.ruleId, f.line, f.reason])).toEqual([
      ['postgres-url-password', 5, 'Compose environment'],
      ['npm-token', 9, 'Compose environment'],
    ]);
  });
});
