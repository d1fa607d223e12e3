/** Words that stand for a secret in examples and templates, never a live one. */
const PLACEHOLDER_WORDS = /^(?:changeme|change_me|change-me|password|passwd|secret|example|sample|dummy|fake|test|testing|redacted|placeholder|todo|tbd|none|null|empty|default|mysecret|mypassword|yourpassword|your[_-]?(?:password|secret|token|key|api[_-]?key))\d{0,4}$/i;

/**
 * Why `secret` looks like a placeholder rather than a live secret, or null.
 *
 * @example
 * placeholderReason('${DB_PASSWORD}') // 'variable reference'
 */
export function placeholderReason(secret: string): string | null {
  if (/example/i.test(secret)) return 'example value';
  if (/\$\{[^}]{0,200}\}|\$\([^)]{0,200}\)|\{\{[^}]{0,200}\}\}|^\$[A-Za-z_][A-Za-z0-9_]{0,100}$|%\([A-Za-z_]{1,50}\)s/.test(secret)) return 'variable reference';
  if (/^<[^>]{0,200}>$|<[A-Za-z_ -]{1,60}>/.test(secret)) return 'template placeholder';
  if (/x{4}|X{4}|\*{4}|\.{3}|#{4}/.test(secret)) return 'masked or filler value';
  if (PLACEHOLDER_WORDS.test(secret)) return 'placeholder word';
  if (/changeme|change_me|replace[_-]?me|your[_-]/i.test(secret)) return 'placeholder word';
  if (new Set(secret).size <= 3) return 'too few distinct characters';
  return null;
}
