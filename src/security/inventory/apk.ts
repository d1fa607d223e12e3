import type { ImageFile } from '../types.js';
import { purl } from './purl.js';
import type { Analyzer, AnalyzerResult, FoundPackage, InventoryWarning } from './types.js';

const INSTALLED = '/lib/apk/db/installed';

/** Alpine's database: blank-line separated records of one-letter `K:value` lines (P name, V version, A arch, o origin, L license). */
export const apkAnalyzer: Analyzer = {
  type: 'apk',
  version: 1,
  required: (path) => path === INSTALLED,
  analyze(file: ImageFile): AnalyzerResult {
    const warnings: InventoryWarning[] = [];
    const packages: FoundPackage[] = [];
    const lines = file.content.toString('utf8').split(/\r?\n/);
    let record = new Map<string, string>();
    let start = 1;
    const flush = (): void => {
      if (record.size === 0) return;
      const name = record.get('P') ?? '';
      const version = record.get('V') ?? '';
      if (!/^\S+$/.test(name) || !/^[0-9][^\s]*$/.test(version)) {
        warnings.push({ path: file.path, message: `line ${start}: record without a valid P: name and V: version; skipped` });
      } else {
        const arch = record.get('A') || undefined;
        const license = record.get('L');
        packages.push({
          ecosystem: 'alpine',
          name,
          version,
          srcName: record.get('o') || name,
          srcVersion: version,
          ...(arch !== undefined ? { arch } : {}),
          purl: purl('apk', 'alpine', name, version, { arch }),
          path: file.path,
          layer: file.layer,
          ...(license ? { licenses: [license] } : {}),
        });
      }
      record = new Map();
    };
    lines.forEach((line, i) => {
      if (line.trim() === '') return flush();
      if (record.size === 0) start = i + 1;
      if (line[1] !== ':') {
        warnings.push({ path: file.path, message: `line ${i + 1}: not a "K:value" line; skipped` });
        return;
      }
      if (!record.has(line[0])) record.set(line[0], line.slice(2).trim());
    });
    flush();
    return { packages, warnings };
  },
};
