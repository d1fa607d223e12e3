import type { ImageFile, OsFamily, OsInfo } from '../types.js';
import type { Analyzer, AnalyzerResult } from './types.js';

const PATHS = new Set(['/etc/os-release', '/usr/lib/os-release']);

const FAMILIES: Record<string, OsFamily> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  rhel: 'redhat',
  centos: 'redhat',
  rocky: 'redhat',
  almalinux: 'redhat',
  ol: 'redhat',
  fedora: 'redhat',
};

/** KEY=VALUE lines, values unquoted as the shell would ("…", '…', backslash escapes). */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m === null) continue;
    let value = m[2].trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
      if (m[2].trim()[0] === '"') value = value.replace(/\\(.)/g, '$1');
    }
    out.set(m[1], value);
  }
  return out;
}

/** The release as OSV ecosystems name it: Debian "12", Alpine "3.19", Ubuntu "22.04". */
function release(family: OsFamily, versionId: string): string {
  if (family === 'alpine') return versionId.split('.').slice(0, 2).join('.');
  if (family === 'debian') return versionId.split('.')[0];
  return versionId;
}

export function osFromRelease(fields: Map<string, string>): OsInfo {
  const id = (fields.get('ID') ?? '').toLowerCase();
  const base: OsFamily = FAMILIES[id] ?? 'unknown';
  const pretty = fields.get('PRETTY_NAME') ?? '';
  // Google's distroless images keep Debian's ID and VERSION_ID but say so in PRETTY_NAME/HOME_URL.
  const distroless = /distroless/i.test(pretty) || /distroless/i.test(fields.get('HOME_URL') ?? '');
  const codename = fields.get('VERSION_CODENAME') || /\(([a-z]+)\)/.exec(fields.get('VERSION') ?? '')?.[1] || null;
  const info: OsInfo = {
    family: distroless ? 'distroless' : base,
    version: release(base, fields.get('VERSION_ID') ?? ''),
    name: pretty || fields.get('NAME') || id,
    codename,
  };
  if (distroless) info.baseFamily = base;
  return info;
}

export const osReleaseAnalyzer: Analyzer = {
  type: 'os-release',
  version: 1,
  required: (path) => PATHS.has(path),
  analyze(file: ImageFile): AnalyzerResult {
    const fields = parseOsRelease(file.content.toString('utf8'));
    if (!fields.has('ID')) return { os: osFromRelease(fields), warnings: [{ path: file.path, message: 'no ID field; operating system unknown' }] };
    return { os: osFromRelease(fields) };
  },
};
