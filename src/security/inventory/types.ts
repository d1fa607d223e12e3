import type { ImageFile, OsInfo, Package } from '../types.js';

export interface InventoryWarning {
  path: string;
  message: string;
}

/**
 * A package as an analyzer found it. `location` (the install folder) lets the same package seen
 * twice, e.g. in a lock file and installed, be counted once; `declared` marks the lock-file
 * sighting, which an installed one at the same location replaces.
 */
export interface FoundPackage extends Package {
  location?: string;
  declared?: boolean;
}

export interface AnalyzerResult {
  os?: OsInfo;
  packages?: FoundPackage[];
  warnings?: InventoryWarning[];
}

/**
 * Finds facts in files of an image. `required` is asked for every file of the merged filesystem
 * (keep it cheap: a path test); `analyze` gets each required file with its content and never
 * throws for bad content: it skips the bad entry and reports a warning.
 */
export interface Analyzer {
  type: string;
  version: number;
  required(path: string, size: number): boolean;
  analyze(file: ImageFile): AnalyzerResult;
}
