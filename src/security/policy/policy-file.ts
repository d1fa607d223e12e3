import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { YNode } from '../misconfig/yaml-node.js';
import { CHECK_TYPES } from './checks/index.js';
import { PolicyFileError } from './errors.js';
import { FieldReader, child } from './fields.js';
import { readSignatures } from './signatures-spec.js';
import { AREAS, ENFORCEMENTS, GATE_SEVERITIES, SOURCE_KINDS } from './types.js';
import type { CheckSpec, GateSeverity, PolicyDef, PolicyFile, SourceKind } from './types.js';

const TOP = ['version', 'project_image', 'files', 'thresholds', 'remediation_due_days', 'trusted_registries', 'signatures', 'policies'] as const;
const POLICY = ['id', 'name', 'area', 'enforcement', 'required_when', 'description', 'checks'] as const;
// eslint-disable-next-line security/detect-unsafe-regex -- anchored; every repeated path segment starts with a '/' that the segment class cannot match
const REGISTRY = /^[a-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)*$/;

/** Where the deploy files are when `files:` does not say: relative to the project root, `{deploy}` the deploy folder. */
export const DEFAULT_FILES: Readonly<Record<SourceKind, readonly string[]>> = {
  dockerfile: ['Dockerfile', '{deploy}/Dockerfile'],
  kubernetes: ['{deploy}/k8s'],
  compose: ['{deploy}/docker-compose.yml', '{deploy}/docker-compose.yaml', '{deploy}/compose.yaml', '{deploy}/compose.yml'],
  workflows: ['.github/workflows'],
};

/**
 * Parses and validates a policy file. Every problem is collected (path in the document and
 * line) and thrown as one PolicyFileError naming the file.
 *
 * @example parsePolicyFile(text, { path: '/repo/deploy/policies/security-policies.yaml', displayPath: 'deploy/policies/security-policies.yaml' })
 */
export function parsePolicyFile(text: string, where: { path: string; displayPath: string }): PolicyFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyFileError('BAD_POLICY_FILE', where.displayPath, doc.errors.map((e) => ({ path: '', line: e.linePos?.[0].line ?? 0, message: `not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` })));
  }
  const r = new FieldReader();
  const root = doc.contents ? new YNode(doc.contents as Node, doc, lc) : undefined;
  if (!r.map(root, '', TOP, 1)) throw new PolicyFileError('BAD_POLICY_FILE', where.displayPath, r.problems);

  const version = root.get('version');
  if (!version) r.add('version', 0, 'is required (version: 1)');
  else if (version.scalar() !== 1) r.add('version', version.line, `must be 1, got ${JSON.stringify(version.js())}`);
  const projectImage = r.str(root, 'project_image', '', { pattern: /^[a-z0-9][a-z0-9._/:-]*$/, hint: 'must be an image repository name such as churn-predictor' }) ?? '';
  const files = readFiles(root, r);
  const thresholds = severityMap(root, 'thresholds', 'unlimited', r);
  const remediationDueDays = severityMap(root, 'remediation_due_days', 'none', r);
  const trustedNode = root.get('trusted_registries');
  const trustedRegistries = trustedNode ? (r.strList(root, 'trusted_registries', '', { pattern: REGISTRY, hint: 'must be a registry host, optionally with a path (docker.io/library)' }) ?? []) : null;
  const signatures = readSignatures(root, r);
  const policies = readPolicies(root, r);
  if (r.problems.length > 0) throw new PolicyFileError('BAD_POLICY_FILE', where.displayPath, r.problems);
  return {
    path: resolve(where.path),
    displayPath: where.displayPath,
    version: 1,
    projectImage,
    files,
    thresholds,
    remediationDueDays,
    trustedRegistries,
    trustedRegistriesLine: trustedNode?.line ?? 0,
    signatures,
    policies,
  };
}

/** Reads and parses a policy file; a missing file is POLICY_FILE_NOT_FOUND. */
export async function loadPolicyFile(path: string, displayPath = path): Promise<PolicyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new PolicyFileError('POLICY_FILE_NOT_FOUND', displayPath, [{ path: '', line: 0, message: 'cannot read the policy file (give one with --policy FILE)' }]);
  }
  return parsePolicyFile(text, { path, displayPath });
}

function readFiles(root: YNode, r: FieldReader): Record<SourceKind, string[]> {
  const out = Object.fromEntries(SOURCE_KINDS.map((k) => [k, [...DEFAULT_FILES[k]]])) as Record<SourceKind, string[]>;
  const node = root.get('files');
  if (!node || !r.map(node, 'files', SOURCE_KINDS)) return out;
  for (const k of SOURCE_KINDS) if (node.get(k)) out[k] = r.strList(node, k, 'files') ?? [];
  return out;
}

function severityMap(root: YNode, key: string, keyword: string, r: FieldReader): Record<GateSeverity, number | null> {
  const out = { critical: null, high: null, medium: null, low: null } as Record<GateSeverity, number | null>;
  const node = root.get(key);
  if (!r.map(node, key, GATE_SEVERITIES, root.line)) return out;
  for (const s of GATE_SEVERITIES) out[s] = r.count(node, s, key, { keyword, max: key === 'thresholds' ? 1_000_000 : 3650 }) ?? null;
  return out;
}

function readPolicies(root: YNode, r: FieldReader): PolicyDef[] {
  const list = root.get('policies');
  if (!list) {
    r.add('policies', 0, 'is required');
    return [];
  }
  if (!Array.isArray(list.js()) || list.items().length === 0) {
    r.add('policies', list.line, 'must be a non-empty list');
    return [];
  }
  const seen = new Map<string, number>();
  const out: PolicyDef[] = [];
  list.items().forEach((node, i) => {
    const p = child('policies', i);
    if (!r.map(node, p, POLICY, list.line)) return;
    const id = r.str(node, 'id', p, { pattern: /^[a-z0-9][a-z0-9-]{0,63}$/, hint: 'must be lowercase letters, digits and dashes' });
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) r.add(child(p, 'id'), node.get('id')?.line ?? node.line, `duplicate id "${id}" (first on line ${first})`);
      else seen.set(id, node.get('id')?.line ?? node.line);
    }
    const name = r.str(node, 'name', p);
    const area = r.str(node, 'area', p, { oneOf: AREAS }) as PolicyDef['area'] | undefined;
    const enforcement = r.str(node, 'enforcement', p, { oneOf: ENFORCEMENTS }) as PolicyDef['enforcement'] | undefined;
    const requiredWhen = r.str(node, 'required_when', p, { required: false, oneOf: ['signatures_configured'] }) as PolicyDef['requiredWhen'] | undefined;
    const description = r.str(node, 'description', p);
    const checks = readChecks(node, p, r);
    if (id && name && area && enforcement && description && checks) {
      out.push({ id, name, area, enforcement, requiredWhen: requiredWhen ?? null, description, checks, line: node.line });
    }
  });
  return out;
}

function readChecks(policy: YNode, path: string, r: FieldReader): CheckSpec[] | null {
  const p = child(path, 'checks');
  const list = policy.get('checks');
  if (!list) {
    r.add(p, policy.line, 'is required');
    return null;
  }
  if (!Array.isArray(list.js()) || list.items().length === 0) {
    r.add(p, list.line, 'must be a non-empty list');
    return null;
  }
  const before = r.problems.length;
  const out: CheckSpec[] = [];
  list.items().forEach((node, i) => {
    const cp = child(p, i);
    const typeName = node.isMap() ? node.get('type')?.str() : undefined;
    const type = CHECK_TYPES.find((t) => t.type === typeName);
    if (!type) {
      if (!node.isMap()) r.add(cp, node.line, 'must be a mapping with a type');
      else r.add(child(cp, 'type'), (node.get('type') ?? node).line, `${typeName === undefined ? 'is required' : `unknown check type "${typeName}"`} (known: ${CHECK_TYPES.map((t) => t.type).join(', ')})`);
      return;
    }
    if (!r.map(node, cp, ['type', ...type.params])) return;
    const bound = type.bind(node, cp, r);
    if (bound) out.push({ type: type.type, params: paramsOf(node), sources: bound.sources ?? type.sources, line: node.line, run: bound.run });
  });
  return r.problems.length === before ? out : null;
}

function paramsOf(node: YNode): Record<string, unknown> {
  const js = node.js() as Record<string, unknown>;
  const { type: _type, ...rest } = js;
  return rest;
}
