import { DC } from '../../misconfig/checks-compose.js';
import { DF } from '../../misconfig/checks-dockerfile.js';
import { K8S } from '../../misconfig/checks-kubernetes.js';
import { analyzeCompose, analyzeDockerfile, analyzeKubernetes } from '../../misconfig/index.js';
import type { Misconfiguration, MisconfigOptions } from '../../misconfig/index.js';
import { child } from '../fields.js';
import type { CheckContext, PolicyReason, SourceKind } from '../types.js';
import { describeResource, type CheckType } from './check-type.js';

/** Every configuration check id the policies may name, with the source it reads. */
const KNOWN: ReadonlyMap<string, SourceKind> = new Map([
  ...Object.values(DF).map((c): [string, SourceKind] => [c.id, 'dockerfile']),
  ...Object.values(K8S).map((c): [string, SourceKind] => [c.id, 'kubernetes']),
  ...Object.values(DC).map((c): [string, SourceKind] => [c.id, 'compose']),
]);

function analyze(ctx: CheckContext, sources: ReadonlySet<SourceKind>, opts: MisconfigOptions): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  const { files } = ctx.facts;
  if (sources.has('dockerfile')) for (const f of files('dockerfile')) out.push(...analyzeDockerfile(f.path, f.content, opts));
  if (sources.has('kubernetes') && files('kubernetes').length > 0) out.push(...analyzeKubernetes(files('kubernetes'), opts));
  if (sources.has('compose')) for (const f of files('compose')) out.push(...analyzeCompose(f.path, f.content, opts));
  return out;
}

function reasonOf(f: Misconfiguration): PolicyReason {
  // A suppression comment in the checked file does not waive a policy: otherwise any file could opt out of it.
  const waived = f.suppressed ? ` (suppressed in the file: "${f.suppressed.reason}"; a suppression does not waive a policy)` : '';
  return { file: f.file, line: f.line, message: `${f.id} ${f.title} (${describeResource(f.resource.kind, f.resource.name, f.resource.container)}): ${f.description}${waived}` };
}

/** The project's configuration checks (CP-DF-*, CP-K8S-*, CP-DC-*) run against the deploy files; any finding with a listed id fails. */
export const misconfigCheck: CheckType = {
  type: 'misconfig',
  summary: 'no finding of the listed configuration checks (CP-DF-*, CP-K8S-*, CP-DC-*)',
  params: ['ids', 'uid', 'ports'],
  sources: ['dockerfile', 'kubernetes', 'compose'],
  bind(node, path, r) {
    const ids = r.strList(node, 'ids', path, { nonEmpty: true }) ?? [];
    const known = ids.filter((id, i) => {
      if (KNOWN.has(id)) return true;
      r.add(child(child(path, 'ids'), i), node.get('ids')?.items()[i]?.line ?? node.line, `unknown check id "${id}" (known: CP-DF-001…, CP-K8S-001…, CP-DC-001…)`);
      return false;
    });
    const uid = r.count(node, 'uid', path, { required: false, max: 2 ** 31 - 1 }) ?? 1000;
    const ports = r.ports(node, 'ports', path, [8000]);
    if (known.length !== ids.length || known.length === 0) return null;
    const wanted = new Set(known);
    const sources = new Set(known.map((id) => KNOWN.get(id) as SourceKind));
    return {
      sources: [...sources],
      run: (ctx) => analyze(ctx, sources, { requiredUid: uid, allowedPorts: ports }).filter((f) => wanted.has(f.id)).map(reasonOf),
    };
  },
};
