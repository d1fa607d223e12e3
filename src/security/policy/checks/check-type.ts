import type { YNode } from '../../misconfig/yaml-node.js';
import type { FieldReader } from '../fields.js';
import type { CheckContext, PolicyReason, SourceKind } from '../types.js';

export type RunCheck = (ctx: CheckContext) => PolicyReason[];

/**
 * One kind of check a policy can list under `checks:`. `bind` validates the entry's parameters
 * (recording problems in the reader) and returns the check ready to run, or null.
 */
export interface CheckType {
  type: string;
  /** What the check is for, shown in docs and errors. */
  summary: string;
  /** Parameter names besides `type`. */
  params: readonly string[];
  sources: readonly SourceKind[];
  bind(node: YNode, path: string, r: FieldReader): { run: RunCheck; sources?: readonly SourceKind[] } | null;
}

/** "Deployment api, container app" */
export function describeResource(kind: string, name: string, container?: string): string {
  return `${kind} ${name || '(unnamed)'}${container === undefined ? '' : `, container ${container}`}`;
}
