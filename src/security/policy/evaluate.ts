import { buildFacts } from './facts.js';
import type { Facts } from './facts.js';
import type { CheckSpec, DeployTree, Enforcement, PolicyDef, PolicyFile, PolicyReason, PolicyResult, PolicyStatus, SourceKind } from './types.js';

const SOURCE_NAMES: Record<SourceKind, string> = { dockerfile: 'Dockerfile', kubernetes: 'Kubernetes manifests', compose: 'Compose file', workflows: 'CI workflows' };

/** Missing sources and syntax errors in the files a check reads: these fail the check on their own. */
function sourceReasons(spec: CheckSpec, policy: PolicyFile, tree: DeployTree, facts: Facts): PolicyReason[] {
  const out: PolicyReason[] = [];
  const states = spec.sources.map((k) => tree.sources[k]);
  if (states.length > 0 && states.every((s) => s.state === 'off')) {
    out.push({ file: policy.displayPath, line: spec.line, message: `check ${spec.type} has nothing to read: ${spec.sources.join(', ')} ${spec.sources.length > 1 ? 'are' : 'is'} turned off under files:` });
  }
  for (const s of states) {
    if (s.state === 'missing') {
      const [first, ...rest] = s.lookedFor;
      out.push({ file: first, line: 0, message: `${SOURCE_NAMES[s.kind]} not found${rest.length > 0 ? ` (also looked for ${rest.join(', ')})` : ''}` });
    } else if (s.state === 'found') out.push(...facts.syntaxErrors(s.kind));
  }
  return out;
}

function byPlace(a: PolicyReason, b: PolicyReason): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

function unique(reasons: PolicyReason[]): PolicyReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const k = `${r.file}\0${r.line}\0${r.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `required` for an optional policy whose condition holds (signature verification once requirements are configured). */
export function effectiveEnforcement(p: PolicyDef, policy: PolicyFile): Enforcement {
  if (p.requiredWhen === 'signatures_configured' && policy.signatures.requirements.length > 0) return 'required';
  return p.enforcement;
}

/**
 * Decides every policy against the deploy files: a policy is enabled when all its checks pass;
 * otherwise violated when required, recommended-missing when not. Pure: the files were read before.
 */
export function evaluatePolicies(policy: PolicyFile, tree: DeployTree): PolicyResult[] {
  const facts = buildFacts(tree, policy.projectImage);
  const ctx = { tree, policy, facts };
  return policy.policies.map((p): PolicyResult => {
    const checks = p.checks.map((spec) => {
      const reasons = unique([...sourceReasons(spec, policy, tree, facts), ...spec.run(ctx).sort(byPlace)]);
      return { type: spec.type, passed: reasons.length === 0, reasons };
    });
    const enforcement = effectiveEnforcement(p, policy);
    const met = checks.every((c) => c.passed);
    const status: PolicyStatus = met ? 'enabled' : enforcement === 'required' ? 'violated' : 'recommended-missing';
    return {
      id: p.id,
      name: p.name,
      area: p.area,
      enforcement,
      declaredEnforcement: p.enforcement,
      status,
      description: p.description,
      reasons: unique(checks.flatMap((c) => c.reasons)),
      checks,
    };
  });
}
