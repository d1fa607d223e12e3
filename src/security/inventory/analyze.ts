import type { ImageFile, Inventory, OsInfo, Package } from '../types.js';
import { ANALYZERS } from './analyzers.js';
import { qualifyDistroPackage } from './distro.js';
import type { Analyzer, FoundPackage, InventoryWarning } from './types.js';

/** Warnings kept per file and analyzer; a file of garbage gives a count, not a million lines. */
const MAX_WARNINGS_PER_FILE = 50;

/** The `wanted` filter for `OpenedTarget.files`: the files some analyzer requires. */
export function inventoryWanted(analyzers: readonly Analyzer[] = ANALYZERS): (path: string, size: number) => boolean {
  return (path, size) => analyzers.some((a) => a.required(path, size));
}

function dedupe(found: FoundPackage[]): FoundPackage[] {
  const byKey = new Map<string, FoundPackage>();
  const rest: FoundPackage[] = [];
  for (const p of found) {
    if (p.location === undefined) {
      rest.push(p);
      continue;
    }
    const key = `${p.ecosystem}\0${p.name}\0${p.version}\0${p.location}`;
    const seen = byKey.get(key);
    if (seen === undefined || (seen.declared === true && p.declared !== true)) byKey.set(key, p);
  }
  return [...rest, ...byKey.values()];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Runs every analyzer over the files it requires and merges what they find. Files are taken in
 * path order, so /etc/os-release wins over /usr/lib/os-release. A failing analyzer or a bad
 * entry becomes a warning; nothing here throws for bad content.
 *
 * @example
 * const inventory = analyzeInventory(await target.files(inventoryWanted()));
 */
export function analyzeInventory(files: readonly ImageFile[], analyzers: readonly Analyzer[] = ANALYZERS): Inventory {
  let os: OsInfo | null = null;
  const found: FoundPackage[] = [];
  const warnings: InventoryWarning[] = [];
  for (const file of [...files].sort((a, b) => cmp(a.path, b.path))) {
    for (const analyzer of analyzers) {
      if (!analyzer.required(file.path, file.size)) continue;
      try {
        const result = analyzer.analyze(file);
        if (result.os !== undefined && os === null) os = result.os;
        if (result.packages !== undefined) found.push(...result.packages);
        const w = result.warnings ?? [];
        warnings.push(...w.slice(0, MAX_WARNINGS_PER_FILE));
        if (w.length > MAX_WARNINGS_PER_FILE) warnings.push({ path: file.path, message: `${w.length - MAX_WARNINGS_PER_FILE} more malformed entries skipped` });
      } catch (e) {
        warnings.push({ path: file.path, message: `${analyzer.type} analyzer failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }
  const packages: Package[] = dedupe(found).map((p) => {
    const { location: _location, declared: _declared, ...pkg } = qualifyDistroPackage(p, os);
    return pkg;
  });
  packages.sort((a, b) => cmp(a.ecosystem, b.ecosystem) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.path, b.path) || cmp(a.arch ?? '', b.arch ?? ''));
  return { os, packages, warnings };
}
