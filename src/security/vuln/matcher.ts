import type { LayerInfo, OsInfo, Package, Severity, VulnerabilityFinding } from '../types.js';
import { affectedBy } from './affected.js';
import type { AdvisoryRow, StoredRecord, VulnDb } from './db.js';
import { distroEcosystems, lookupTarget } from './ecosystems.js';
import { schemeForOsvEcosystem } from './schemes.js';
import type { VersionScheme } from './scheme.js';

const RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 };

export interface MatchWarning {
  path: string;
  message: string;
}

function titleOf(r: StoredRecord): string {
  if (r.summary.trim() !== '') return r.summary.trim();
  const first = r.details.trim().split('\n')[0] ?? '';
  if (first === '') return r.id;
  return first.length > 120 ? `${first.slice(0, 117)}...` : first;
}

/** Orders findings: most severe first, then by id, package and version. */
export function compareFindings(a: VulnerabilityFinding, b: VulnerabilityFinding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    (a.pkgName < b.pkgName ? -1 : a.pkgName > b.pkgName ? 1 : 0) ||
    (a.installedVersion < b.installedVersion ? -1 : a.installedVersion > b.installedVersion ? 1 : 0)
  );
}

/**
 * Matches an inventory against the database: distro packages by source name in the OS release's
 * ecosystems ("Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.19"), npm and PyPI packages by name
 * (PyPI names PEP 503-normalized), each compared with its ecosystem's version ordering.
 * Findings are sorted (severity, id, package) and deduplicated on id + package + installed
 * version. A package whose version cannot be read is skipped with a warning.
 *
 * @example
 * const db = openVulnDb(dbFile);
 * const findings = matchPackages(db, inventory.os, inventory.packages, target.layers);
 */
export function matchPackages(
  db: VulnDb,
  os: OsInfo | null,
  packages: Package[],
  layers?: LayerInfo[],
  onWarning?: (warning: MatchWarning) => void,
): VulnerabilityFinding[] {
  const distro = distroEcosystems(os);
  const rowsByKey = new Map<string, AdvisoryRow[]>();
  const schemeByEcosystem = new Map<string, VersionScheme | null>();
  const hits: { pkg: Package; row: AdvisoryRow; fixedVersion: string | null }[] = [];

  for (const pkg of packages) {
    const target = lookupTarget(pkg, os, distro);
    if (target === null) continue;
    if (!target.scheme.isValid(target.version)) {
      onWarning?.({ path: pkg.path, message: `${pkg.name}: version "${target.version}" is not a valid ${target.scheme.name} version; not matched` });
      continue;
    }
    const key = `${target.ecosystems.join('|')}\0${target.name}`;
    let rows = rowsByKey.get(key);
    if (rows === undefined) {
      rows = db.lookup(target.ecosystems, target.name);
      rowsByKey.set(key, rows);
    }
    for (const row of rows) {
      let scheme = schemeByEcosystem.get(row.ecosystem);
      if (scheme === undefined) {
        scheme = schemeForOsvEcosystem(row.ecosystem);
        schemeByEcosystem.set(row.ecosystem, scheme);
      }
      const match = affectedBy(row.entry, target.version, scheme ?? target.scheme);
      if (match !== null) hits.push({ pkg, row, fixedVersion: match.fixedVersion });
    }
  }

  // Records are read once each, in batches, after the version checks have narrowed them down.
  const records = db.records([...new Set(hits.map((h) => h.row.recordId))]);
  const layerByIndex = new Map((layers ?? []).map((l) => [l.index, l]));
  const found = new Map<string, VulnerabilityFinding>();
  for (const { pkg, row, fixedVersion } of hits) {
    const record = records.get(row.recordId);
    if (record === undefined) continue;
    const dedupe = `${record.id}\0${pkg.name}\0${pkg.version}`;
    const seen = found.get(dedupe);
    if (seen !== undefined) {
      if (seen.fixedVersion === null) seen.fixedVersion = fixedVersion;
      continue;
    }
    found.set(dedupe, {
      id: record.id,
      aliases: [...record.aliases],
      pkgName: pkg.name,
      purl: pkg.purl,
      installedVersion: pkg.version,
      fixedVersion,
      severity: row.severity,
      score: row.score,
      cvssVector: row.vector,
      title: titleOf(record),
      description: record.details,
      references: [...record.references],
      pkgPath: pkg.path,
      layer: layerByIndex.get(pkg.layer) ?? null,
      source: row.ecosystem,
      published: record.published,
      modified: record.modified,
    });
  }
  return [...found.values()].sort(compareFindings);
}
