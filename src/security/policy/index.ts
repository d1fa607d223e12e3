import { resolve } from 'node:path';
import type { Config } from '../../config/index.js';
import { assertDeployDir, displayPath, projectRoot, readDeployTree } from './deploy-tree.js';
import { evaluatePolicies } from './evaluate.js';
import { loadPolicyFile } from './policy-file.js';
import { thresholdRows } from './settings.js';
import { policyFileIn } from './scan-settings.js';
import { signatureMaterialPaths } from './signature-requirements.js';
import type { PolicyFile, PolicyReport } from './types.js';

export { PolicyFileError, PolicyViolatedError } from './errors.js';
export { evaluatePolicies } from './evaluate.js';
export { loadPolicyFile, parsePolicyFile } from './policy-file.js';
export { readDeployTree } from './deploy-tree.js';
export { isPolicyFormat, POLICY_FORMATS, policyReportJson, renderPolicyReport, type PolicyFormat, type PolicyReportJson } from './render.js';
export { remediationDaysFrom, thresholdsFrom } from './settings.js';
export { policyFileIn, scanSettings, settingsFrom, type ScanSettings } from './scan-settings.js';
export { imagePolicyFrom, type SignatureRequirement } from './signature-requirements.js';
export type { PolicyFile, PolicyReason, PolicyReport, PolicyResult, PolicyStatus } from './types.js';

/**
 * Loads the policy file, reads the deploy files it names and computes every policy's status.
 * Paths in the report are relative to the project root (the deploy folder's parent).
 *
 * @example const { report } = await checkSecurityPolicies({ deployDir: 'deploy', config: loadConfig() })
 */
export async function checkSecurityPolicies(opts: {
  deployDir: string;
  policyFile?: string;
  config: Pick<Config, 'security'>;
}): Promise<{ report: PolicyReport; policy: PolicyFile }> {
  assertDeployDir(opts.deployDir);
  const root = projectRoot(opts.deployDir);
  const file = opts.policyFile ?? policyFileIn(opts.deployDir);
  const policy = await loadPolicyFile(file, displayPath(root, resolve(file)));
  const tree = await readDeployTree(opts.deployDir, policy.files, signatureMaterialPaths(policy));
  const policies = evaluatePolicies(policy, tree);
  const count = (s: string) => policies.filter((p) => p.status === s).length;
  const report: PolicyReport = {
    policyFile: policy.displayPath,
    deployDir: displayPath(root, tree.deployDir),
    policies,
    thresholds: thresholdRows(policy, opts.config),
    trustedRegistries: policy.trustedRegistries,
    signatureRequirements: policy.signatures.requirements.length,
    summary: { enabled: count('enabled'), recommendedMissing: count('recommended-missing'), violated: count('violated'), passed: count('violated') === 0 },
  };
  return { report, policy };
}
