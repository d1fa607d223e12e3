import type { ImageFile } from '../types.js';
import { purl } from './purl.js';
import type { Analyzer, AnalyzerResult, FoundPackage, InventoryWarning } from './types.js';

// eslint-disable-next-line security/detect-unsafe-regex -- [^/]+ and [^/]* stop at the next '/', so a try from one /node_modules/ reads at most two path segments
const INSTALLED = /\/node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/;
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0 ? purl('npm', name.slice(0, slash), name.slice(slash + 1), version) : purl('npm', null, name, version);
}

function licenses(v: unknown): string[] | undefined {
  if (typeof v === 'string' && v !== '') return [v];
  if (isObj(v) && typeof v.type === 'string') return [v.type];
  return undefined;
}

function pkg(name: string, version: string, file: ImageFile, location: string, declared: boolean, license?: string[]): FoundPackage {
  return { ecosystem: 'npm', name, version, purl: npmPurl(name, version), path: file.path, layer: file.layer, location, ...(declared ? { declared } : {}), ...(license ? { licenses: license } : {}) };
}

function parse(file: ImageFile, warnings: InventoryWarning[]): Json | null {
  try {
    const v = JSON.parse(file.content.toString('utf8')) as unknown;
    if (isObj(v)) return v;
  } catch {
    // reported below
  }
  warnings.push({ path: file.path, message: 'not a JSON object; skipped' });
  return null;
}

/** package-lock.json v2/v3: the `packages` map, keyed by install folder. Dev-only and linked entries are left out. */
function fromLockV2(lock: Json, file: ImageFile, out: FoundPackage[], warnings: InventoryWarning[]): void {
  for (const [key, entry] of Object.entries(lock.packages as Json)) {
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || !isObj(entry) || entry.link === true || entry.dev === true) continue;
    const name = typeof entry.name === 'string' ? entry.name : key.slice(at + 13);
    if (typeof entry.version !== 'string' || entry.version === '') {
      warnings.push({ path: file.path, message: `packages["${key}"]: no version; skipped` });
      continue;
    }
    out.push(pkg(name, entry.version, file, `${dirOf(file.path)}/${key}`, true, licenses(entry.license)));
  }
}

/** package-lock.json v1: nested `dependencies`. */
function fromLockV1(deps: Json, base: string, file: ImageFile, out: FoundPackage[], warnings: InventoryWarning[]): void {
  for (const [name, entry] of Object.entries(deps)) {
    if (!isObj(entry) || entry.dev === true) continue;
    const location = `${base}/node_modules/${name}`;
    if (typeof entry.version !== 'string' || entry.version === '' || entry.version.startsWith('file:')) {
      if (typeof entry.version !== 'string') warnings.push({ path: file.path, message: `dependencies["${name}"]: no version; skipped` });
    } else out.push(pkg(name, entry.version, file, location, true));
    if (isObj(entry.dependencies)) fromLockV1(entry.dependencies, location, file, out, warnings);
  }
}

/**
 * npm packages: lock files (package-lock.json, outside node_modules) and installed packages
 * (node_modules/NAME/package.json, any depth). Both give the install folder, so a package seen in
 * both is counted once.
 */
export const npmAnalyzer: Analyzer = {
  type: 'npm',
  version: 1,
  required: (path) => INSTALLED.test(path) || (path.endsWith('/package-lock.json') && !path.includes('/node_modules/')),
  analyze(file: ImageFile): AnalyzerResult {
    const warnings: InventoryWarning[] = [];
    const packages: FoundPackage[] = [];
    const json = parse(file, warnings);
    if (json === null) return { warnings };
    if (file.path.endsWith('/package-lock.json')) {
      if (isObj(json.packages)) fromLockV2(json, file, packages, warnings);
      else if (isObj(json.dependencies)) fromLockV1(json.dependencies, dirOf(file.path), file, packages, warnings);
      else warnings.push({ path: file.path, message: 'lock file without packages or dependencies; skipped' });
    } else if (typeof json.name !== 'string' || json.name === '' || typeof json.version !== 'string' || json.version === '') {
      warnings.push({ path: file.path, message: 'package.json without name and version; skipped' });
    } else {
      packages.push(pkg(json.name, json.version, file, dirOf(file.path), false, licenses(json.license)));
    }
    return { packages, warnings };
  },
};
