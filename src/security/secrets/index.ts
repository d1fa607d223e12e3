/** The secrets detector: rules as data, the scanner, and where secrets hide beyond plain files. */
export { formatBaseline, parseBaseline } from './baseline.js';
export { shannonEntropy } from './entropy.js';
export { compileIgnore, type IgnoreMatcher } from './ignore.js';
export { placeholderReason } from './placeholder.js';
export { fingerprint, redact } from './redact.js';
export { SECRET_RULES } from './rules.js';
export { ALLOW_COMMENT, DEFAULT_MAX_BYTES, DEFAULT_SKIPS, isPathScanned, isScannableContent, scanSecrets } from './scanner.js';
export { scanComposeEnvironment, scanImageConfigEnv, scanKubernetesSecretData } from './sources.js';
export { scanTargetSecrets } from './target-scan.js';
export type { AllowList, ScanSecretsOptions, SecretFinding, SecretOrigin, SecretRule } from './types.js';
