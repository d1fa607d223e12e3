// Static security lint over src/, run by .ci/self-check.sh:
//   npx eslint -c eslint.security.config.js src
// Kept apart from eslint.config.js so style and security findings are triaged separately.
// Every rule of eslint-plugin-security is an error (fails CI) unless switched off or lowered to a
// warning (printed for review) below, with its reason.
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

const all = Object.fromEntries(Object.keys(security.configs.recommended.rules).map((rule) => [rule, 'error']));

export default [
  { ignores: ['dist/', 'node_modules/'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: { security },
    // The main config's inline `eslint-disable` comments name rules this config does not load.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      ...all,
      // Flags every `obj[key]` (hundreds here, all typed indexes into arrays, records and Maps).
      // Prototype pollution from request bodies is closed elsewhere: every route schema sets
      // additionalProperties false and lookups by outside keys use Map.
      'security/detect-object-injection': 'off',
      // The CLI and the scanner open the files and folders the operator names, by design; the
      // HTTP API takes no file paths from clients.
      'security/detect-non-literal-fs-filename': 'off',
      // Every dynamic RegExp here either escapes its input (globs, ignore files) or compiles a
      // pattern the operator configured on purpose (policy file, cosign identity regexp).
      'security/detect-non-literal-regexp': 'off',
      // A star-height heuristic that cannot tell nested-but-deterministic quantifiers from
      // catastrophic ones: every hit is reviewed, then fixed or marked inline with its reason.
      'security/detect-unsafe-regex': 'error',
    },
  },
  {
    // These compare a missing password or token with undefined/null, not a secret with a guess.
    files: ['src/security/signature/keys.ts', 'src/security/target/registry-auth.ts'],
    rules: { 'security/detect-possible-timing-attacks': 'off' },
  },
];
