import type { CheckType } from './check-type.js';
import { composeNetworkCheck } from './compose-network.js';
import { exposedPortsCheck } from './exposed-ports.js';
import { imageTagsCheck, trustedRegistriesCheck } from './images-used.js';
import { misconfigCheck } from './misconfig.js';
import { defaultDenyCheck, egressRulesCheck, ingressWhitelistCheck } from './network-policies.js';
import { resourcesCheck, runAsUserCheck } from './runtime.js';
import { signaturesCheck } from './signatures.js';
import { workflowStepCheck } from './workflow-step.js';

export type { CheckType } from './check-type.js';

/** Every check type a policy may list under `checks:`, by its `type`. One explicit list, no registration side effects. */
export const CHECK_TYPES: readonly CheckType[] = [
  misconfigCheck,
  runAsUserCheck,
  resourcesCheck,
  composeNetworkCheck,
  defaultDenyCheck,
  ingressWhitelistCheck,
  egressRulesCheck,
  exposedPortsCheck,
  workflowStepCheck,
  imageTagsCheck,
  trustedRegistriesCheck,
  signaturesCheck,
];
