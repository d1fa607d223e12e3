import type { CheckContext, PolicyReason } from '../types.js';
import type { CheckType } from './check-type.js';

/** Compose: declared networks, an internal one, every service on named networks, backing services internal only. */
export const composeNetworkCheck: CheckType = {
  type: 'compose-network',
  summary: 'Compose services on declared networks; services that publish no port on internal networks only',
  params: [],
  sources: ['compose'],
  bind: () => ({ run: composeNetwork }),
};

function composeNetwork(ctx: CheckContext): PolicyReason[] {
  const c = ctx.facts.compose();
  if (!c) return [];
  const out: PolicyReason[] = [];
  const networks = c.root.get('networks');
  const declared = networks?.keys() ?? [];
  const internal = new Set(declared.filter((n) => networks?.get(n)?.get('internal')?.scalar() === true));
  if (internal.size === 0) out.push({ file: c.file, line: networks?.line ?? 0, message: 'no network is declared with internal: true, so no service is cut off from outside networks' });
  for (const s of c.services) {
    const mode = s.node.get('network_mode');
    const modeText = mode?.str() ?? '';
    if (mode && (modeText === 'none' || modeText.startsWith('service:'))) continue;
    if (mode) {
      out.push({ file: c.file, line: mode.line, message: `service ${s.name} uses network_mode ${modeText} instead of the declared networks` });
      continue;
    }
    const nets = s.node.get('networks');
    const names = nets ? (nets.isMap() ? nets.keys() : nets.items().map((n) => n.str() ?? '')) : [];
    if (names.length === 0) {
      out.push({ file: c.file, line: s.line, message: `service ${s.name} lists no networks, so it joins the project's default network` });
      continue;
    }
    for (const n of names) if (!declared.includes(n)) out.push({ file: c.file, line: nets?.line ?? s.line, message: `service ${s.name} joins network ${n}, which is not declared under networks:` });
    const publishes = (s.node.get('ports')?.items() ?? []).length > 0;
    const open = names.filter((n) => declared.includes(n) && !internal.has(n));
    if (!publishes && open.length > 0) {
      out.push({ file: c.file, line: nets?.line ?? s.line, message: `service ${s.name} publishes no port but joins non-internal network${open.length > 1 ? 's' : ''} ${open.join(', ')}; a backing service belongs on internal networks only` });
    }
  }
  return out;
}
