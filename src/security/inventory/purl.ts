/** Percent-encoding as packageurl-js does it: like encodeURIComponent, with ':' left alone. */
const enc = (s: string): string => encodeURIComponent(s).replace(/%3A/g, ':');

/**
 * A package URL (https://github.com/package-url/purl-spec); qualifiers sorted, empty ones left out.
 *
 * @example
 * purl('npm', '@babel', 'core', '7.0.0') // 'pkg:npm/%40babel/core@7.0.0'
 */
export function purl(type: string, namespace: string | null, name: string, version: string, qualifiers: Record<string, string | undefined> = {}): string {
  const ns = namespace ? `${namespace.split('/').map(enc).join('/')}/` : '';
  const q = Object.entries(qualifiers)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${enc(v)}`)
    .join('&');
  return `pkg:${type}/${ns}${enc(name)}@${enc(version)}${q ? `?${q}` : ''}`;
}

/** PEP 503 normalized project name: lower case, runs of "-", "_", "." as one "-". */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
