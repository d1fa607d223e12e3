import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { checkSecurityPolicies, isPolicyFormat, POLICY_FORMATS, PolicyViolatedError, renderPolicyReport } from '../security/policy/index.js';
import type { Cli } from './main.js';

export function registerPolicyCommands(program: Command, cli: Cli): void {
  program
    .command('security-policies')
    .description('the security policies and their status computed from the deploy files; exit 1 when a required policy is violated')
    .option('--deploy <dir>', 'the deploy folder (its parent is the project root, where the Dockerfile and .github/workflows are)', 'deploy')
    .option('--policy <file>', 'the policy file (default: DIR/policies/security-policies.yaml)')
    .option('--format <f>', `${POLICY_FORMATS.join(', ')}`, 'table')
    .action(async (o: { deploy: string; policy?: string; format: string }) => {
      if (!isPolicyFormat(o.format)) throw new UsageError(`--format must be one of ${POLICY_FORMATS.join(', ')}, got "${o.format}"`);
      const { report } = await checkSecurityPolicies({ deployDir: o.deploy, policyFile: o.policy, config: loadConfig() });
      cli.stdout.write(renderPolicyReport(o.format, report));
      const violated = report.policies.filter((p) => p.status === 'violated').map((p) => p.id);
      if (violated.length > 0) throw new PolicyViolatedError(violated);
    });
}
