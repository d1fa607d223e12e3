import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SECRET_NAME, at, isObj, list, parseYamlFile, type Obj } from './files.js';

const compose = parseYamlFile('deploy/docker-compose.yml')[0] as Obj;
const services = at(compose, 'services') as Record<string, Obj>;
const names = Object.keys(services);
const networksOf = (s: Obj): string[] => (Array.isArray(s.networks) ? s.networks.map(String) : Object.keys(isObj(s.networks) ? s.networks : {}));
const envOf = (s: Obj): Record<string, string> => {
  if (Array.isArray(s.environment)) return Object.fromEntries(s.environment.map((e) => String(e).split(/=(.*)/s).slice(0, 2)));
  return Object.fromEntries(Object.entries(isObj(s.environment) ? s.environment : {}).map(([k, v]) => [k, String(v)]));
};

describe('the Docker Compose file', () => {
  it('runs the API with Redis, PostgreSQL and Prometheus', () => {
    expect(names.sort()).toEqual(['api', 'postgres', 'prometheus', 'redis']);
    expect(at(services.api, 'build.context')).toBe('..');
    expect(existsSync(join(ROOT, 'deploy', String(at(services.api, 'build.context')), String(at(services.api, 'build.dockerfile'))))).toBe(true);
  });

  it.each(names)('hardens %s: read-only, no capabilities, no privilege gain, a non-root user, limits', (name) => {
    const s = services[name];
    expect(s.read_only).toBe(true);
    expect(s.cap_drop).toEqual(['ALL']);
    expect(s.cap_add).toBeUndefined();
    expect(s.privileged ?? false).toBe(false);
    expect(list(s.security_opt)).toContain('no-new-privileges:true');
    const uid = String(s.user ?? '').split(':')[0];
    expect(uid).toMatch(/^\d+$/);
    expect(uid).not.toBe('0');
    expect(at(s, 'deploy.resources.limits.memory')).toBeDefined();
    expect(at(s, 'deploy.resources.limits.cpus')).toBeDefined();
    expect(s.network_mode).toBeUndefined();
    for (const v of list(s.volumes)) expect(String(v)).not.toMatch(/docker\.sock/);
  });

  it('runs the API as UID 1000 with the limits of the Kubernetes Deployment', () => {
    expect(services.api.user).toBe('1000:1000');
    expect(at(services.api, 'deploy.resources.limits')).toMatchObject({ memory: '1g', cpus: '1.0' });
    expect(list(services.api.tmpfs).map(String).some((t) => t.startsWith('/tmp:'))).toBe(true);
    expect(list(services.api.volumes).map(String)).toContain('api-data:/data');
  });

  it('publishes only the API port 8000, on loopback', () => {
    for (const name of names) {
      const ports = list(services[name].ports).map(String);
      expect(ports, name).toEqual(name === 'api' ? ['127.0.0.1:8000:8000'] : []);
      expect(services[name].expose, name).toBeUndefined();
    }
  });

  it('keeps the backing services on the internal network only', () => {
    expect(at(compose, 'networks.backend.internal')).toBe(true);
    expect(at(compose, 'networks.frontend.internal') ?? false).toBe(false);
    expect(networksOf(services.api).sort()).toEqual(['backend', 'frontend']);
    for (const name of ['redis', 'postgres', 'prometheus']) expect(networksOf(services[name]), name).toEqual(['backend']);
  });

  it('takes every credential from the env file by reference, never as a value', () => {
    const seen: string[] = [];
    for (const name of names) {
      for (const [key, value] of Object.entries(envOf(services[name]))) {
        if (!SECRET_NAME.test(key)) continue;
        seen.push(key);
        // Any credential part is a ${VARIABLE} reference; what is left is scheme, user, host and port.
        const literal = value.replace(/\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}/g, '');
        expect(literal, `${name} ${key}`).not.toMatch(/:[^/@:]+@/);
        if (!/_URL$/.test(key)) expect(literal, `${name} ${key}`).toBe('');
      }
      // A password given on a command line is the argument after a --*pass* flag.
      const command = list(services[name].command).map(String);
      command.forEach((arg, i) => {
        if (/^--.*pass/i.test(arg)) expect(command[i + 1], `${name} ${arg}`).toMatch(/^\$\{[A-Z_]+(:\?)?\}$/);
      });
    }
    expect(new Set(seen)).toEqual(new Set(['REDIS_URL', 'DATABASE_URL', 'API_SECRET_KEY', 'REDIS_PASSWORD', 'POSTGRES_PASSWORD']));
    expect(envOf(services.redis).REDIS_PASSWORD).toBe('${REDIS_PASSWORD:?}');
    expect(envOf(services.postgres).POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:?}');
  });

  it('requires an API key for predictions and shares rate limits through Redis', () => {
    const env = envOf(services.api);
    expect(env.REQUIRE_AUTH_FOR_PREDICT).toBe('true');
    expect(env.RATE_LIMIT_BACKEND).toBe('redis');
    expect(env.REDIS_URL).toMatch(/@redis:6379\//);
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
  });

  it('mounts the Prometheus configuration and rules that exist in deploy/prometheus, read-only', () => {
    const mounts = list(services.prometheus.volumes).map(String).filter((v) => v.startsWith('./'));
    expect(mounts.length).toBe(2);
    for (const m of mounts) {
      const [src, , mode] = m.split(':');
      expect(existsSync(resolve(ROOT, 'deploy', src)), src).toBe(true);
      expect(mode).toBe('ro');
    }
  });
});
