import type { YNode } from '../../misconfig/yaml-node.js';
import { interpolate } from '../compose-facts.js';
import type { FieldReader } from '../fields.js';
import { child } from '../fields.js';
import { dockerBytes, dockerCpus, k8sQuantity, sameQuantity } from '../quantity.js';
import type { CheckContext, PolicyReason } from '../types.js';
import { describeResource, type CheckType } from './check-type.js';

/** The Dockerfile's final USER and the project's Compose services run as exactly this UID. */
export const runAsUserCheck: CheckType = {
  type: 'run-as-user',
  summary: "the Dockerfile's final USER and the project's Compose services use this numeric UID",
  params: ['uid'],
  sources: ['dockerfile', 'compose'],
  bind(node, path, r) {
    const uid = r.count(node, 'uid', path, { max: 2 ** 31 - 1 });
    if (uid === undefined || uid === null) return null;
    return { run: (ctx) => [...dockerfileUser(ctx, uid), ...composeUsers(ctx, uid)] };
  },
};

function dockerfileUser(ctx: CheckContext, uid: number): PolicyReason[] {
  const df = ctx.facts.dockerfile();
  if (!df || df.finalChain.length === 0) return [];
  if (df.user === null) {
    const last = df.finalChain[df.finalChain.length - 1];
    return [{ file: df.file, line: last.line, message: `the final stage has no USER, so the image runs as root; add USER ${uid}` }];
  }
  const user = df.user.value.split(':')[0];
  if (user === String(uid)) return [];
  // Kubernetes can only enforce runAsNonRoot for a numeric user, so a name does not count.
  const why = /^\d+$/.test(user) ? `UID ${user}` : `the name "${user}", not a numeric UID (runAsNonRoot cannot verify a name)`;
  return [{ file: df.file, line: df.user.line, message: `USER is ${why}; the policy requires USER ${uid}` }];
}

function composeUsers(ctx: CheckContext, uid: number): PolicyReason[] {
  const c = ctx.facts.compose();
  if (!c) return [];
  const project = c.services.filter((s) => s.project);
  if (project.length === 0) return [noProjectService(c.file, ctx)];
  const out: PolicyReason[] = [];
  for (const s of project) {
    const n = s.node.get('user');
    const raw = n?.str();
    const value = raw === undefined ? undefined : (interpolate(raw) ?? raw);
    if (value?.split(':')[0] !== String(uid)) {
      out.push({ file: c.file, line: (n ?? s.node).line, message: `service ${s.name} ${value === undefined ? 'sets no user' : `runs as user ${value}`}; the policy requires user "${uid}:${uid}"` });
    }
  }
  return out;
}

function noProjectService(file: string, ctx: CheckContext): PolicyReason {
  return { file, line: 0, message: `no service builds or runs the project image (${ctx.policy.projectImage})` };
}

interface Amounts {
  memory: { text: string; value: number };
  cpu: { text: string; value: number };
}

function readAmounts(node: YNode, key: 'limits' | 'requests', path: string, r: FieldReader): Amounts | null {
  const p = child(path, key);
  const n = node.get(key);
  if (!r.map(n, p, ['memory', 'cpu'], node.line)) return null;
  const out: Partial<Amounts> = {};
  for (const k of ['memory', 'cpu'] as const) {
    const v = n.get(k);
    if (!v) {
      r.add(child(p, k), n.line, 'is required');
      continue;
    }
    const raw = v.scalar();
    const value = k8sQuantity(raw);
    if (value === null) r.add(child(p, k), v.line, `must be a Kubernetes quantity such as 1Gi or 500m, got ${JSON.stringify(raw ?? v.js())}`);
    else out[k] = { text: String(raw), value };
  }
  return out.memory && out.cpu ? (out as Amounts) : null;
}

/**
 * The API's containers have exactly these limits and requests: Kubernetes workloads of the
 * given kinds, and the project's Compose services (limits required; reservations checked when set).
 */
export const resourcesCheck: CheckType = {
  type: 'resources',
  summary: 'exact memory/CPU limits and requests on the project workloads',
  params: ['kinds', 'limits', 'requests'],
  sources: ['kubernetes', 'compose'],
  bind(node, path, r) {
    const kinds = r.strList(node, 'kinds', path, { required: false, nonEmpty: true }) ?? ['Deployment'];
    const limits = readAmounts(node, 'limits', path, r);
    const requests = readAmounts(node, 'requests', path, r);
    if (!limits || !requests) return null;
    return { run: (ctx) => [...k8sResources(ctx, kinds, limits, requests), ...composeResources(ctx, limits, requests)] };
  },
};

function k8sResources(ctx: CheckContext, kinds: string[], limits: Amounts, requests: Amounts): PolicyReason[] {
  const src = ctx.tree.sources.kubernetes;
  if (src.state !== 'found') return [];
  const workloads = ctx.facts.workloads().filter((w) => kinds.includes(w.obj.kind));
  if (workloads.length === 0) return [{ file: src.where, line: 0, message: `no ${kinds.join(' or ')} found` }];
  const out: PolicyReason[] = [];
  for (const w of workloads) {
    for (const c of w.podSpec.get('containers')?.items() ?? []) {
      const who = describeResource(w.obj.kind, w.obj.name, c.get('name')?.str());
      for (const [group, want] of [['limits', limits], ['requests', requests]] as const) {
        for (const k of ['memory', 'cpu'] as const) {
          const n = c.at(`resources.${group}.${k}`);
          const have = n === undefined ? null : k8sQuantity(n.scalar());
          if (have !== null && sameQuantity(have, want[k].value)) continue;
          const found = n === undefined ? 'is not set' : `is ${n.str() ?? '?'}`;
          out.push({ file: w.obj.file, line: (n ?? c).line, message: `${who}: resources.${group}.${k} ${found}; the policy requires ${want[k].text}` });
        }
      }
    }
  }
  return out;
}

function composeResources(ctx: CheckContext, limits: Amounts, requests: Amounts): PolicyReason[] {
  const c = ctx.facts.compose();
  if (!c) return [];
  const project = c.services.filter((s) => s.project);
  if (project.length === 0) return [noProjectService(c.file, ctx)];
  const out: PolicyReason[] = [];
  for (const s of project) {
    const items: [string, YNode | undefined, Amounts[keyof Amounts], boolean, (v: unknown) => number | null][] = [
      ['deploy.resources.limits.memory', s.node.at('deploy.resources.limits.memory') ?? s.node.get('mem_limit'), limits.memory, true, dockerBytes],
      ['deploy.resources.limits.cpus', s.node.at('deploy.resources.limits.cpus') ?? s.node.get('cpus'), limits.cpu, true, dockerCpus],
      ['deploy.resources.reservations.memory', s.node.at('deploy.resources.reservations.memory') ?? s.node.get('mem_reservation'), requests.memory, false, dockerBytes],
      ['deploy.resources.reservations.cpus', s.node.at('deploy.resources.reservations.cpus'), requests.cpu, false, dockerCpus],
    ];
    for (const [name, n, want, required, parse] of items) {
      if (n === undefined) {
        if (required) out.push({ file: c.file, line: s.line, message: `service ${s.name}: ${name} is not set; the policy requires ${want.text}` });
        continue;
      }
      const have = parse(n.scalar());
      if (have === null || !sameQuantity(have, want.value)) out.push({ file: c.file, line: n.line, message: `service ${s.name}: ${name} is ${n.str() ?? '?'}; the policy requires ${want.text}` });
    }
  }
  return out;
}
