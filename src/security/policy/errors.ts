import { ChurnError } from '../../errors.js';

/** One bad field of a policy file: where it is and what is wrong with it. */
export interface PolicyProblem {
  /** Path in the document, e.g. `policies[3].enforcement`; empty for the whole file. */
  path: string;
  /** 1-based line; 0 when the file has no such line (a missing field of an empty file). */
  line: number;
  message: string;
}

export type PolicyFileErrorCode = 'POLICY_FILE_NOT_FOUND' | 'BAD_POLICY_FILE' | 'DEPLOY_DIR_NOT_FOUND';

/**
 * A policy file or deploy folder that cannot be used. Every problem of the file is collected
 * and listed in one message, each with its line and path, so one run shows all of them.
 */
export class PolicyFileError extends ChurnError {
  readonly problems: PolicyProblem[];

  constructor(code: PolicyFileErrorCode, file: string, problems: PolicyProblem[]) {
    super(code, formatProblems(file, problems), { kind: 'input', details: { file, problems } });
    this.problems = problems;
  }
}

function formatProblems(file: string, problems: PolicyProblem[]): string {
  const one = (p: PolicyProblem) => `${p.line > 0 ? `line ${p.line}: ` : ''}${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  if (problems.length === 1) {
    const p = problems[0];
    return `${file}${p.line > 0 ? `:${p.line}` : ''}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  }
  return `${file}: ${problems.length} problems\n${problems.map((p) => `  ${one(p)}`).join('\n')}`;
}

/** A required security policy is not met by the deploy files (CLI exit 1). */
export class PolicyViolatedError extends ChurnError {
  constructor(ids: string[]) {
    super('POLICY_VIOLATED', `${ids.length} required security polic${ids.length === 1 ? 'y is' : 'ies are'} violated: ${ids.join(', ')}`, { kind: 'finding', details: { policies: ids } });
  }
}
