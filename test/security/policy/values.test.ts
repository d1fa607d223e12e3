import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/security/policy/compose-facts.js';
import { readDockerfile } from '../../../src/security/policy/dockerfile-facts.js';
import { fromTrustedRegistry, imageMatches, isProjectImage, parseRef } from '../../../src/security/policy/images.js';
import { dockerBytes, dockerCpus, k8sQuantity } from '../../../src/security/policy/quantity.js';

describe('quantities', () => {
  it.each([
    ['1Gi', 2 ** 30], ['512Mi', 512 * 2 ** 20], ['1000m', 1], ['500m', 0.5], ['0.5', 0.5], ['1', 1], ['1e3', 1000], ['1G', 1e9], ['128974848', 128974848], [2, 2],
  ] as const)('Kubernetes %s = %d', (text, value) => expect(k8sQuantity(text)).toBeCloseTo(value, 9));

  it.each(['1 Gi', 'Gi', '1GB', '-1', '', 'lots'])('Kubernetes %j is not a quantity', (text) => expect(k8sQuantity(text)).toBeNull());

  it('Docker sizes are binary whatever the spelling; cpus are cores', () => {
    for (const t of ['1g', '1G', '1gb', '1GiB', '1024m', '1048576k', 1073741824]) expect(dockerBytes(t)).toBe(2 ** 30);
    expect(dockerBytes('1.5g')).toBe(1.5 * 2 ** 30);
    expect(dockerBytes('1 gigabyte')).toBeNull();
    expect([dockerCpus('1.0'), dockerCpus(0.5), dockerCpus('2'), dockerCpus('1000m')]).toEqual([1, 0.5, 2, null]);
  });
});

describe('Compose interpolation', () => {
  it('uses the defaults written in the file and cannot resolve a variable without one', () => {
    expect(interpolate('churn-predictor:${TAG:-0.1.0}')).toBe('churn-predictor:0.1.0');
    expect(interpolate('${REG-ghcr.io}/app:1')).toBe('ghcr.io/app:1');
    expect(interpolate('cost: $$5')).toBe('cost: $5');
    expect(interpolate('app:${TAG}')).toBeNull();
    expect(interpolate('app:$TAG')).toBeNull();
    expect(interpolate('app:${TAG:?set TAG}')).toBeNull();
  });

  it('leaves a `${` that never closes unresolved past 1024 characters; closed ones resolve at any length', () => {
    expect(interpolate('${a:-'.repeat(200_000))).toBeNull();
    expect(interpolate(`app:1}${'${a?'.repeat(250_000)}`)).toBeNull();
    expect(interpolate('app:${TAG:-1')).toBe('app:${TAG:-1');
    expect(interpolate('${A:-x}'.repeat(100_000))).toBe('x'.repeat(100_000));
  });
});

describe('image references', () => {
  it('matches the project image by repository name, registries by prefix, requirement patterns by glob', () => {
    expect(isProjectImage('ghcr.io/acme/churn-predictor:0.1.0', 'churn-predictor')).toBe(true);
    expect(isProjectImage('ghcr.io/acme/churn-predictor-tools:1', 'churn-predictor')).toBe(false);
    expect(isProjectImage('ghcr.io/acme/churn-predictor:1', 'ghcr.io/other/churn-predictor')).toBe(false);
    const ref = (s: string) => parseRef(s) ?? (() => { throw new Error(s); })();
    expect(fromTrustedRegistry(ref('node:20'), ['docker.io/library'])).toBe(true);
    expect(fromTrustedRegistry(ref('someone/node:20'), ['docker.io/library'])).toBe(false);
    expect(fromTrustedRegistry(ref('gcr.io/distroless-evil/x:1'), ['gcr.io/distroless'])).toBe(false);
    expect(fromTrustedRegistry(ref('127.0.0.1:5000/app:1'), ['127.0.0.1:5000'])).toBe(true);
    expect(imageMatches('ghcr.io/acme/churn-predictor:0.1.0', 'ghcr.io/acme/churn-predictor*')).toBe(true);
    expect(imageMatches('churn-predictor:0.1.0', 'churn-predictor')).toBe(true);
    expect(imageMatches('ghcr.io/acme/other:1', 'ghcr.io/acme/churn-*')).toBe(false);
    expect(imageMatches('ghcr.io/acme/a.b:1', 'ghcr.io/acme/a?b')).toBe(false);
  });
});

describe('Dockerfile facts', () => {
  it('resolves bases with ARG defaults, follows the final stage chain and reads its USER and EXPOSE', () => {
    const df = readDockerfile('Dockerfile', [
      'ARG BASE=node:20-slim',
      'FROM ${BASE} AS build',
      'USER 0',
      'FROM build AS runtime',
      'ARG UID=1000',
      'USER ${UID}:${UID}',
      'EXPOSE 8000/tcp',
      'FROM alpine:3.20 AS unrelated',
      'FROM runtime',
      '',
    ].join('\n'));
    expect(df.stages.map((s) => [s.base, s.fromStage, s.line])).toEqual([['node:20-slim', false, 2], ['build', true, 4], ['alpine:3.20', false, 8], ['runtime', true, 9]]);
    expect(df.finalChain.map((s) => s.alias ?? s.base)).toEqual(['build', 'runtime', 'runtime']);
    expect(df.user).toEqual({ value: '1000:1000', line: 6 });
    expect(df.exposes).toEqual([{ value: '8000/tcp', line: 7 }]);
    expect(readDockerfile('Dockerfile', 'FROM ${NOPE}\n').stages[0].base).toBeNull();
  });

  it('leaves a long FROM, USER or EXPOSE whose `${` never closes unresolved, as written', () => {
    const hostile = '${a:-'.repeat(200_000);
    const df = readDockerfile('Dockerfile', `ARG X=${hostile}\nFROM ${hostile}\nUSER ${hostile}\nEXPOSE ${hostile}\n`);
    expect(df.stages[0].base).toBeNull();
    expect(df.user?.value).toBe(hostile);
    expect(df.exposes.map((e) => e.value)).toEqual([hostile]);
  });
});
