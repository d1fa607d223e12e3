import type { Facts } from './facts.js';

export const AREAS = ['runtime', 'network', 'image'] as const;
export type PolicyArea = (typeof AREAS)[number];
export const ENFORCEMENTS = ['required', 'recommended', 'optional'] as const;
export type Enforcement = (typeof ENFORCEMENTS)[number];
/** `recommended-missing` is a recommended or optional policy that is not met; `violated` a required one. */
export type PolicyStatus = 'enabled' | 'recommended-missing' | 'violated';
export const GATE_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type GateSeverity = (typeof GATE_SEVERITIES)[number];

/** The deploy sources a check can read; `files:` in the policy file says where each one is. */
export const SOURCE_KINDS = ['dockerfile', 'kubernetes', 'compose', 'workflows'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Why a policy is not met, pointing at the file (relative to the project root) and line. */
export interface PolicyReason {
  file: string;
  /** 1-based; 0 when the reason is about a whole file (e.g. a missing one). */
  line: number;
  message: string;
}

export interface SourceFile {
  /** Relative to the project root, with `/` separators: what reasons print. */
  path: string;
  content: string;
}

export type DeploySource =
  | { kind: SourceKind; state: 'found'; where: string; files: SourceFile[] }
  | { kind: SourceKind; state: 'missing'; lookedFor: string[] }
  | { kind: SourceKind; state: 'off' };

/** The deploy files as read from disk; evaluation is a pure function of this and the policy file. */
export interface DeployTree {
  /** The parent of the deploy folder: relative paths in the policy file start here. */
  root: string;
  deployDir: string;
  sources: Record<SourceKind, DeploySource>;
  /** Files the policy file itself points at (signature keys, trusted roots), by absolute path; null when unreadable. */
  material: Record<string, string | null>;
}

/** One signature requirement as written in the policy file (paths not yet resolved). */
export interface SignatureRequirementSpec {
  images: string[];
  keys: { path: string; line: number }[];
  identities: { subject?: string; subjectRegExp?: string; issuer: string }[];
  trustedRoot: { path: string; line: number } | null;
  annotations: Record<string, string>;
  line: number;
}

export interface CheckContext {
  tree: DeployTree;
  policy: PolicyFile;
  facts: Facts;
}

/** A check with its parameters bound: what `checks:` entries become once validated. */
export interface CheckSpec {
  type: string;
  /** The parameters as written (for the JSON view). */
  params: Record<string, unknown>;
  sources: readonly SourceKind[];
  line: number;
  run(ctx: CheckContext): PolicyReason[];
}

export interface PolicyDef {
  id: string;
  name: string;
  area: PolicyArea;
  enforcement: Enforcement;
  /** The policy becomes required when signature requirements are configured. */
  requiredWhen: 'signatures_configured' | null;
  description: string;
  checks: CheckSpec[];
  line: number;
}

/** A validated policy file. */
export interface PolicyFile {
  /** Absolute path (signature key paths are resolved against its folder). */
  path: string;
  /** As reasons and reports print it. */
  displayPath: string;
  version: 1;
  /** The repository name of the image this project builds, e.g. `churn-predictor`. */
  projectImage: string;
  files: Record<SourceKind, string[]>;
  /** null: unlimited. */
  thresholds: Record<GateSeverity, number | null>;
  /** Days from first seen to due; 0 is immediately, null no deadline. */
  remediationDueDays: Record<GateSeverity, number | null>;
  /** Registry or repository prefixes images may come from; null when the file sets no allow-list. */
  trustedRegistries: string[] | null;
  trustedRegistriesLine: number;
  signatures: { requirements: SignatureRequirementSpec[]; line: number };
  policies: PolicyDef[];
}

export interface CheckResult {
  type: string;
  passed: boolean;
  reasons: PolicyReason[];
}

export interface PolicyResult {
  id: string;
  name: string;
  area: PolicyArea;
  /** In force: `required` for a `required_when` policy whose condition holds. */
  enforcement: Enforcement;
  declaredEnforcement: Enforcement;
  status: PolicyStatus;
  description: string;
  reasons: PolicyReason[];
  checks: CheckResult[];
}

export interface ThresholdRow {
  severity: GateSeverity;
  /** null: unlimited. */
  max: number | null;
  /** `policy file` or the environment variable that set it. */
  source: string;
  /** Days from first seen until due; 0 immediately, null no deadline. */
  dueDays: number | null;
  dueSource: string;
}

export interface PolicyReport {
  policyFile: string;
  deployDir: string;
  policies: PolicyResult[];
  thresholds: ThresholdRow[];
  trustedRegistries: string[] | null;
  signatureRequirements: number;
  summary: { enabled: number; recommendedMissing: number; violated: number; passed: boolean };
}
