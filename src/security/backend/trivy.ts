import { spawn } from 'node:child_process';
import { ChurnError } from '../../errors.js';
import { SEVERITIES, type Severity, type VulnerabilityFinding } from '../types.js';

/**
 * `--backend trivy`: runs a trivy binary from PATH and turns its JSON report into our findings,
 * so the gate, the reports and the history treat both backends alike.
 */
export class TrivyBackendError extends ChurnError {
  constructor(code: 'TRIVY_NOT_FOUND' | 'TRIVY_FAILED' | 'TRIVY_BAD_REPORT', message: string) {
    super(code, message, { kind: code === 'TRIVY_BAD_REPORT' ? 'input' : 'internal' });
  }
}

interface TrivyVuln {
  VulnerabilityID?: unknown;
  VendorIDs?: unknown;
  PkgName?: unknown;
  PkgPath?: unknown;
  PkgIdentifier?: { PURL?: unknown };
  InstalledVersion?: unknown;
  FixedVersion?: unknown;
  Severity?: unknown;
  Title?: unknown;
  Description?: unknown;
  References?: unknown;
  Layer?: { Digest?: unknown; DiffID?: unknown };
  DataSource?: { ID?: unknown };
  SeveritySource?: unknown;
  CVSS?: Record<string, { V3Score?: unknown; V3Vector?: unknown; V40Score?: unknown; V40Vector?: unknown }>;
  PublishedDate?: unknown;
  LastModifiedDate?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function bestCvss(cvss: TrivyVuln['CVSS']): { score: number | null; vector: string | null } {
  if (!cvss || typeof cvss !== 'object') return { score: null, vector: null };
  // Trivy lists CVSS per source; NVD first when present, as Trivy's own severity logic prefers it.
  const sources = Object.keys(cvss).sort((a, b) => (a === 'nvd' ? -1 : b === 'nvd' ? 1 : a.localeCompare(b)));
  for (const s of sources) {
    const c = cvss[s];
    if (typeof c?.V3Score === 'number') return { score: c.V3Score, vector: str(c.V3Vector) || null };
    if (typeof c?.V40Score === 'number') return { score: c.V40Score, vector: str(c.V40Vector) || null };
  }
  return { score: null, vector: null };
}

/** Normalizes a Trivy JSON report (SchemaVersion 2) into findings; a malformed report is an error. */
export function parseTrivyReport(json: string): VulnerabilityFinding[] {
  let doc: { SchemaVersion?: unknown; Results?: unknown };
  try {
    doc = JSON.parse(json) as typeof doc;
  } catch {
    throw new TrivyBackendError('TRIVY_BAD_REPORT', 'trivy printed something that is not JSON');
  }
  if (doc.SchemaVersion !== 2 || (doc.Results !== undefined && !Array.isArray(doc.Results))) {
    throw new TrivyBackendError('TRIVY_BAD_REPORT', `trivy report: expected SchemaVersion 2 with a Results array, got SchemaVersion ${String(doc.SchemaVersion)}`);
  }
  const out: VulnerabilityFinding[] = [];
  for (const result of (doc.Results ?? []) as { Target?: unknown; Class?: unknown; Vulnerabilities?: unknown }[]) {
    if (!Array.isArray(result.Vulnerabilities)) continue;
    for (const v of result.Vulnerabilities as TrivyVuln[]) {
      const id = str(v.VulnerabilityID);
      const name = str(v.PkgName);
      if (!id || !name) continue;
      const sev = str(v.Severity).toUpperCase();
      const { score, vector } = bestCvss(v.CVSS);
      const layer = v.Layer && (str(v.Layer.Digest) || str(v.Layer.DiffID)) ? { index: -1, digest: str(v.Layer.Digest), diffId: str(v.Layer.DiffID), size: 0 } : null;
      out.push({
        id,
        aliases: strs(v.VendorIDs),
        pkgName: name,
        purl: str(v.PkgIdentifier?.PURL) || `pkg:generic/${name}@${str(v.InstalledVersion)}`,
        installedVersion: str(v.InstalledVersion),
        fixedVersion: str(v.FixedVersion) || null,
        severity: (SEVERITIES as readonly string[]).includes(sev) ? (sev as Severity) : 'UNKNOWN',
        score,
        cvssVector: vector,
        title: str(v.Title),
        description: str(v.Description),
        references: strs(v.References),
        pkgPath: str(v.PkgPath) || (result.Class === 'lang-pkgs' ? str(result.Target) : ''),
        layer,
        source: str(v.DataSource?.ID) || str(v.SeveritySource) || 'trivy',
        published: str(v.PublishedDate) || null,
        modified: str(v.LastModifiedDate) || null,
      });
    }
  }
  return out;
}

/** Arguments for trivy for one of our target strings. */
export function trivyArgs(target: string): string[] {
  const base = ['--format', 'json', '--quiet', '--scanners', 'vuln'];
  if (target.startsWith('fs:')) return ['fs', ...base, target.slice(3)];
  if (target.startsWith('docker-archive:')) return ['image', ...base, '--input', target.slice('docker-archive:'.length)];
  if (target.startsWith('oci:')) return ['image', ...base, '--input', target.slice(4)];
  if (target.startsWith('/') || target.startsWith('.')) return ['fs', ...base, target];
  return ['image', ...base, target];
}

export async function runTrivy(target: string, binary = 'trivy'): Promise<VulnerabilityFinding[]> {
  const args = trivyArgs(target);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new TrivyBackendError('TRIVY_NOT_FOUND', `--backend trivy needs the trivy binary on PATH, and "${binary}" was not found`) : e),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (code !== 0) throw new TrivyBackendError('TRIVY_FAILED', `trivy exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`);
  return parseTrivyReport(stdout);
}
