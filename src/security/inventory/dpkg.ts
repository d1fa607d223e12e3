import type { ImageFile } from '../types.js';
import { parseParagraphs } from './fields.js';
import { purl } from './purl.js';
import type { Analyzer, AnalyzerResult, FoundPackage, InventoryWarning } from './types.js';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';
const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
// eslint-disable-next-line security/detect-unsafe-regex -- anchored, and the optional epoch `\d+:` can only end at its ':', so the input splits one way
const VERSION = /^(?:\d+:)?[0-9][A-Za-z0-9.+~-]*$/;

/**
 * dpkg's database: /var/lib/dpkg/status, and distroless images' /var/lib/dpkg/status.d/NAME files
 * (whose paragraphs have no Status field: everything there is installed).
 */
export const dpkgAnalyzer: Analyzer = {
  type: 'dpkg',
  version: 1,
  required: (path) => path === STATUS || (path.startsWith(STATUS_D) && !path.slice(STATUS_D.length).includes('/') && !path.endsWith('.md5sums')),
  analyze(file: ImageFile): AnalyzerResult {
    const warnings: InventoryWarning[] = [];
    const packages: FoundPackage[] = [];
    const distroless = file.path.startsWith(STATUS_D);
    for (const p of parseParagraphs(file.content.toString('utf8'), file.path, warnings)) {
      const f = p.fields;
      const status = f.get('status');
      if (status === undefined ? !distroless : status.split(/\s+/)[2] !== 'installed') continue;
      const name = f.get('package') ?? '';
      const version = f.get('version') ?? '';
      if (!NAME.test(name) || !VERSION.test(version)) {
        warnings.push({ path: file.path, message: `line ${p.line}: bad or missing Package/Version ("${name.slice(0, 60)}" "${version.slice(0, 60)}"); skipped` });
        continue;
      }
      // "Source: name" or "Source: name (version)" when the source version differs.
      // eslint-disable-next-line security/detect-unsafe-regex -- anchored; \S+ and \s+ are disjoint, so the optional "(version)" group is tried at one place only
      const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(f.get('source') ?? '');
      const arch = f.get('architecture') || undefined;
      packages.push({
        ecosystem: 'debian',
        name,
        version,
        srcName: src?.[1] ?? name,
        srcVersion: src?.[2] ?? version,
        ...(arch !== undefined ? { arch } : {}),
        purl: purl('deb', 'debian', name, version, { arch }),
        path: file.path,
        layer: file.layer,
      });
    }
    return { packages, warnings };
  },
};
