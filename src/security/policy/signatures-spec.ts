import type { YNode } from '../misconfig/yaml-node.js';
import { child } from './fields.js';
import type { FieldReader } from './fields.js';
import type { PolicyFile, SignatureRequirementSpec } from './types.js';

const REQUIREMENT = ['images', 'keys', 'identities', 'trusted_root', 'annotations'] as const;
const IDENTITY = ['subject', 'subject_regexp', 'issuer'] as const;

/** `signatures.requirements` of the policy file: images with keys, or identities with a trusted root. */
export function readSignatures(root: YNode, r: FieldReader): PolicyFile['signatures'] {
  const node = root.get('signatures');
  if (!node) return { requirements: [], line: 0 };
  const line = node.line;
  if (!r.map(node, 'signatures', ['requirements'])) return { requirements: [], line };
  const list = node.get('requirements');
  const path = 'signatures.requirements';
  if (list && !Array.isArray(list.js())) r.add(path, list.line, 'must be a list');
  const requirements: SignatureRequirementSpec[] = [];
  list?.items().forEach((item, i) => {
    const p = child(path, i);
    if (!r.map(item, p, REQUIREMENT, list.line)) return;
    const images = r.strList(item, 'images', p, { nonEmpty: true }) ?? [];
    const keys = (item.get('keys')?.items() ?? []).map((k, j) => ({ path: k.str() ?? '', line: k.line, j }));
    for (const k of keys) if (k.path === '') r.add(child(child(p, 'keys'), k.j), k.line, 'must be a path to a PEM public key');
    if (item.get('keys') && !Array.isArray(item.get('keys')?.js())) r.add(child(p, 'keys'), item.line, 'must be a list of key files');
    const identities: SignatureRequirementSpec['identities'] = [];
    item.get('identities')?.items().forEach((idNode, j) => {
      const ip = child(child(p, 'identities'), j);
      if (!r.map(idNode, ip, IDENTITY)) return;
      const issuer = r.str(idNode, 'issuer', ip);
      const subject = r.str(idNode, 'subject', ip, { required: false });
      const subjectRegExp = r.str(idNode, 'subject_regexp', ip, { required: false });
      if (subjectRegExp !== undefined && !isRegExp(subjectRegExp)) r.add(child(ip, 'subject_regexp'), idNode.get('subject_regexp')?.line ?? idNode.line, 'is not a valid regular expression');
      if (subject === undefined && subjectRegExp === undefined) r.add(ip, idNode.line, 'needs subject or subject_regexp');
      if (issuer !== undefined) identities.push({ issuer, ...(subject === undefined ? {} : { subject }), ...(subjectRegExp === undefined ? {} : { subjectRegExp }) });
    });
    const rootPath = r.str(item, 'trusted_root', p, { required: false });
    const trustedRoot = rootPath === undefined ? null : { path: rootPath, line: item.get('trusted_root')?.line ?? item.line };
    if (keys.length === 0 && !item.get('identities')) r.add(p, item.line, 'needs keys or identities');
    if (item.get('identities') && trustedRoot === null) r.add(child(p, 'trusted_root'), item.line, 'is required with identities (keyless verification checks certificates against it)');
    const annotations: Record<string, string> = {};
    const ann = item.get('annotations');
    if (ann && r.map(ann, child(p, 'annotations'), ann.keys())) {
      for (const k of ann.keys()) {
        const v = ann.get(k)?.scalar();
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') annotations[k] = String(v);
        else r.add(child(child(p, 'annotations'), k), ann.get(k)?.line ?? ann.line, 'must be a plain value');
      }
    }
    requirements.push({ images, keys: keys.map(({ path: kp, line }) => ({ path: kp, line })), identities, trustedRoot, annotations, line: item.line });
  });
  return { requirements, line };
}

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
