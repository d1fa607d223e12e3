import type { ImageFile } from '../types.js';
import { parseParagraphs } from './fields.js';
import { pep503, purl } from './purl.js';
import type { Analyzer, AnalyzerResult, InventoryWarning } from './types.js';

const METADATA = /\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$/;

/** Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` (or an `.egg-info` file). */
export const pythonAnalyzer: Analyzer = {
  type: 'python',
  version: 1,
  required: (path) => METADATA.test(path),
  analyze(file: ImageFile): AnalyzerResult {
    const warnings: InventoryWarning[] = [];
    const [headers] = parseParagraphs(file.content.toString('utf8'), file.path, warnings, true);
    const name = headers?.fields.get('name') ?? '';
    const version = headers?.fields.get('version') ?? '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !/^\S+$/.test(version)) {
      warnings.push({ path: file.path, message: 'metadata without a valid Name and Version; skipped' });
      return { warnings };
    }
    const license = headers?.fields.get('license');
    return {
      packages: [
        {
          ecosystem: 'pypi',
          name,
          version,
          purl: purl('pypi', null, pep503(name), version),
          path: file.path,
          layer: file.layer,
          ...(license && license !== 'UNKNOWN' && !license.includes('\n') ? { licenses: [license] } : {}),
        },
      ],
      warnings,
    };
  },
};
