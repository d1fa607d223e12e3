import type { CheckContext, PolicyReason } from '../types.js';
import { describeResource, type CheckType } from './check-type.js';

/** Only the allowed ports are exposed: Dockerfile EXPOSE, container ports, Compose target ports. */
export const exposedPortsCheck: CheckType = {
  type: 'exposed-ports',
  summary: 'only the allowed ports in EXPOSE, containerPort and Compose ports',
  params: ['ports'],
  sources: ['dockerfile', 'kubernetes', 'compose'],
  bind: (node, path, r) => {
    const ports = r.ports(node, 'ports', path, [8000]);
    return { run: (ctx) => exposedPorts(ctx, ports) };
  },
};

/** The container side of a port spec ("8000", "8000/tcp", "127.0.0.1:80:8000", "8000-8001"); null when not one allowed port. */
function singlePort(spec: string): number | null {
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; the digit runs are separated by a '-' and followed by a '/' that they cannot match
  const m = /^(\d+)(?:-(\d+))?(?:\/[a-z]+)?$/i.exec(spec.trim());
  if (!m || (m[2] !== undefined && m[2] !== m[1])) return null;
  return Number(m[1]);
}

function exposedPorts(ctx: CheckContext, allowed: number[]): PolicyReason[] {
  const out: PolicyReason[] = [];
  const ok = (spec: string) => {
    const p = singlePort(spec);
    return p !== null && allowed.includes(p);
  };
  const list = allowed.join(', ');
  const df = ctx.facts.dockerfile();
  for (const e of df?.exposes ?? []) if (!ok(e.value)) out.push({ file: df?.file ?? '', line: e.line, message: `EXPOSE ${e.value} (allowed: ${list})` });
  for (const w of ctx.facts.workloads()) {
    const containers = [...(w.podSpec.get('initContainers')?.items() ?? []), ...(w.podSpec.get('containers')?.items() ?? [])];
    for (const c of containers) {
      for (const p of c.get('ports')?.items() ?? []) {
        const port = p.get('containerPort')?.str() ?? '';
        if (!ok(port)) out.push({ file: w.obj.file, line: p.line, message: `${describeResource(w.obj.kind, w.obj.name, c.get('name')?.str())} declares containerPort ${port} (allowed: ${list})` });
      }
    }
  }
  const compose = ctx.facts.compose();
  for (const s of compose?.services ?? []) {
    for (const p of s.node.get('ports')?.items() ?? []) {
      const target = p.isMap() ? (p.get('target')?.str() ?? '') : ((p.str() ?? '').split(':').at(-1) ?? '');
      if (!ok(target)) out.push({ file: compose?.file ?? '', line: p.line, message: `service ${s.name} publishes container port ${target} (allowed: ${list})` });
    }
  }
  return out;
}
