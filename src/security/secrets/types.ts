import type { Severity } from '../types.js';

/**
 * One secret rule, as data. `keywords` (lower case) are a cheap filter: the regex runs only on
 * content holding at least one of them. When the regex has a named group `secret`, that group is
 * the secret (redacted, fingerprinted, checked for entropy and placeholders); otherwise the whole match.
 */
export interface SecretRule {
  id: string;
  category: string;
  severity: Severity;
  title: string;
  /** Must carry the `g` flag; linear-time safe (bounded repetitions, no nested overlapping quantifiers). */
  regex: RegExp;
  keywords: readonly string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Secrets matching any of these are not findings (references, paths, calls). */
  allow?: readonly RegExp[];
  /**
   * Every match starts exactly where one of the keywords does (the regex begins with them):
   * the scanner then tries the regex only at those places instead of searching the whole text.
   * A test checks the claim against each rule's cases.
   */
  anchored?: boolean;
}

export interface SecretFinding {
  ruleId: string;
  category: string;
  severity: Severity;
  title: string;
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based, in bytes from the start of the line. */
  column: number;
  /** The matched text with the secret masked: a short prefix kept, the rest `*`. Never the whole secret. */
  match: string;
  /** sha256 hex of rule id, path and secret: what a baseline file lists. */
  fingerprint: string;
  layer?: number;
  /** True when a later image layer deletes or replaces the file: still in the image's history. */
  deleted?: boolean;
  /** Why the severity was lowered (a placeholder value), or where the value came from. */
  reason?: string;
  /** Accepted by the baseline file: reported, not counted. */
  baseline?: boolean;
}

export interface AllowList {
  /** Globs (gitignore syntax) of paths never scanned. */
  paths?: readonly string[];
  /** Secret values (exact) or patterns never reported. */
  values?: readonly (string | RegExp)[];
}

export interface ScanSecretsOptions {
  rules?: readonly SecretRule[];
  /** Files larger than this are skipped. Default 10 MiB. */
  maxBytes?: number;
  allow?: AllowList;
  /** Content of a `.churnignore` (gitignore syntax); matching paths are skipped. */
  ignore?: string;
  /** Fingerprints accepted by the baseline file. */
  baseline?: ReadonlySet<string> | readonly string[];
  /** `drop` (default): placeholder values are not findings. `low`: reported as LOW with a `reason`. */
  placeholders?: 'drop' | 'low';
  /**
   * Skip third-party and operating-system paths (DEFAULT_SKIPS: node_modules/, vendor/,
   * /usr/share/, /usr/lib/…). Default true; an ignore file can re-include with `!`.
   */
  defaultSkips?: boolean;
}

/** Where the scanned content came from in an image; copied onto each finding. */
export interface SecretOrigin {
  layer?: number;
  deleted?: boolean;
}
