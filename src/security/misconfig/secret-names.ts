const SECRET_NAME_RE = /(^|_)(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|KEY)($|_)/i;
// Names that point at a secret rather than hold one.
const REFERENCE_NAME_RE = /(_FILE|_PATH|_DIR|_ID|_NAME|_URL)$/i;

/**
 * True when a variable named `name` holding `value` looks like a secret baked in as a literal.
 * Empty values and variable references (`$X`, `${X}`) are not literals.
 */
export function isLiteralSecret(name: string, value: string | null | undefined): boolean {
  if (!SECRET_NAME_RE.test(name) || REFERENCE_NAME_RE.test(name)) return false;
  if (value === null || value === undefined) return false;
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v === '') return false;
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; the name class excludes the [-=?] operator, so the optional default group starts at one place and [^}]* is its only run
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-=?][^}]*)?\}?$/.test(v)) return false;
  return true;
}
