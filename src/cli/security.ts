import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { parseBaseline } from '../security/secrets/index.js';
import { ChurnError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { scanSettings } from '../security/policy/scan-settings.js';
import { parseSeverityList } from '../security/policy/thresholds.js';
import { renderHistorySection } from '../security/history/index.js';
import { isReportFormat, REPORT_FORMATS, renderReport } from '../security/report/render.js';
import { runScan, type ScannerName } from '../security/scan.js';
import type { Severity } from '../security/types.js';
import { defaultDbPath } from '../security/vuln/db.js';
import { importOsv } from '../security/vuln/import.js';
import { dbStatus } from '../security/vuln/status.js';
import { DEFAULT_OSV_URLS, updateOsv } from '../security/vuln/update.js';
import { keyValueTable } from './format.js';
import { listOption } from './options.js';
import { annotationOption, collect, signatureScanOptions, type SignatureScanFlags } from './signature.js';
import { recordCliScan } from './security-history.js';
import type { Cli } from './main.js';


interface ScanFlags {
  scanners: string[];
  format: string;
  output?: string;
  severity?: string;
  db?: string;
  backend: string;
  platform?: string;
  insecure?: boolean;
  secretBaseline?: string;
  ignoreFile?: string;
  /** false with --no-default-skips. */
  defaultSkips: boolean;
  /** false with --no-record: the scan is not stored, compared or audited. */
  record: boolean;
  policy?: string;
}

export function registerSecurityCommands(program: Command, cli: Cli): void {
  program
    .command('security-scan')
    .description('scan an image or a folder for vulnerable packages, secrets and misconfigurations; exit 1 when the gate fails')
    .argument('<target>', 'image name, host:port/name:tag, docker-archive:PATH, oci:DIR[:tag], fs:PATH or a folder')
    .option('--scanners <list>', 'which scanners to run: vuln, secret, config, signature (comma-separated; default vuln)', listOption)
    .option('--format <f>', 'table, json (Trivy layout), sarif (SARIF 2.1.0, for code scanning), cyclonedx (SBOM) or markdown (a CI job summary)', 'table')
    .option('--output <file>', 'write the report here (atomically) instead of standard output')
    .option('--severity <list>', 'report only these severities, e.g. CRITICAL,HIGH (the gate still counts all)')
    .option('--db <file>', 'vulnerability database (default: the data directory’s)')
    .option('--backend <b>', 'native or trivy (a trivy binary on PATH)', 'native')
    .option('--platform <os/arch>', 'platform to pick from a multi-platform image', 'linux/amd64')
    .option('--insecure', 'allow plain-HTTP registries other than localhost')
    .option('--secret-baseline <file>', 'JSON list of accepted secret fingerprints (reported, not counted)')
    .option('--ignore-file <file>', 'gitignore-style paths the secret scanner skips (default: .churnignore in a scanned folder)')
    .option('--no-default-skips', 'secret scanner: also read node_modules/, vendor/ and operating-system paths (/usr/share/, /usr/lib/…)')
    .option('--key <pem>', 'signature scanner: public key that must have signed the image; repeatable', collect)
    .option('-a, --annotation <key=value>', 'signature scanner: annotation the signature must carry; repeatable', annotationOption)
    .option('--trusted-root <file>', 'signature scanner: Sigstore trusted_root.json for keyless signatures')
    .option('--certificate-identity <id>', 'signature scanner: keyless signer subject (exact)')
    .option('--certificate-identity-regexp <re>', 'signature scanner: keyless signer subject (regular expression)')
    .option('--certificate-oidc-issuer <url>', 'signature scanner: keyless signer OIDC issuer')
    .option('--policy <file>', 'security policy file: thresholds, deadlines, signature requirements, trusted registries (default: the deploy folder’s, DEPLOY_DIR, when present)')
    .option('--no-record', 'do not store the scan (DATABASE_URL), compare it with the previous one or apply deadlines and accepted risks')
    .action(async (target: string, o: ScanFlags) => {
      const format = o.format;
      if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
      if (o.backend !== 'native' && o.backend !== 'trivy') throw new UsageError(`--backend must be native or trivy, got "${o.backend}"`);
      let severities: Severity[] | undefined;
      try {
        severities = o.severity === undefined ? undefined : parseSeverityList(o.severity);
      } catch (e) {
        throw new UsageError(`--severity: ${(e as Error).message}`);
      }
      const config = loadConfig();
      const secrets = await secretSettings(target, o);
      const progress = cli.progress();
      const settings = await scanSettings(config, o.policy);
      const { thresholds } = settings;
      let result;
      try {
        result = await runScan({
          target,
          scanners: (o.scanners ?? ['vuln']) as ScannerName[],
          backend: o.backend,
          dbFile: o.db ?? defaultDbPath(config.dataDir),
          thresholds,
          severities,
          allowedPorts: config.security.allowedIngressPorts,
          secrets,
          targetOptions: { platform: o.platform, insecure: o.insecure ?? false },
          signature: { ...signatureScanOptions(o as ScanFlags & SignatureScanFlags), requirements: settings.signatureRequirements, trustedRegistries: settings.trustedRegistries },
          onProgress: (stage, d, t) => progress.update(stage, d, t),
        });
      } finally {
        progress.done();
      }
      const now = new Date();
      // Recorded scans are judged with their history: accepted risks leave the gate, overdue findings fail it.
      const recorded = o.record ? await recordCliScan({ result, target, scanners: o.scanners ?? ['vuln'], thresholds, dueDays: settings.dueDays, config, now }) : null;
      if (recorded) result = { ...result, gate: recorded.assessment.gate };
      let text = renderReport(format, result, { now, toolVersion: process.env.npm_package_version ?? '0.1.0' });
      if (recorded && format === 'table') text = `${text.trimEnd()}\n${renderHistorySection(recorded.assessment, recorded.scanId)}\n`;
      if (o.output) await writeFileAtomic(o.output, text);
      else cli.stdout.write(text);
      for (const w of result.warnings.slice(0, 20)) cli.info(`warning: ${w}`);
      if (result.warnings.length > 20) cli.info(`warning: … and ${result.warnings.length - 20} more`);
      if (!result.gate.passed) {
        throw new ChurnError('GATE_FAILED', `security gate failed for ${target}: ${result.gate.reasons.join('; ')}`, { kind: 'finding', details: { reasons: result.gate.reasons } });
      }
    });

  const db = program.command('vuln-db').description('the local vulnerability database (OSV records)');
  db.command('import')
    .description('build the database from a folder of OSV JSON files or a zip of them')
    .argument('<path>', 'folder, zip or JSON file')
    .option('--db <file>', 'database file (default: the data directory’s)')
    .action(async (path: string, o: { db?: string }) => {
      const file = o.db ?? defaultDbPath(loadConfig().dataDir);
      const progress = cli.progress();
      let r;
      try {
        r = await importOsv(path, file, { onProgress: (p) => progress.update('importing', p.read % 1000, 1000) });
      } finally {
        progress.done();
      }
      for (const w of r.warnings.slice(0, 10)) cli.info(`skipped: ${w.path}: ${w.message}`);
      cli.out(keyValueTable([['database', r.file], ['records', String(r.records)], ['packages', String(r.packages)], ['skipped', String(r.skipped)], ['seconds', (r.durationMs / 1000).toFixed(2)]]));
    });
  db.command('update')
    .description('download OSV zips over HTTPS, verify them and swap the database atomically')
    .option('--url <url>', 'zip URL (repeatable); default: the OSV Debian, Ubuntu, Alpine, npm and PyPI exports', listOption)
    .option('--sha256 <hex>', 'expected SHA-256 of the zip (one per --url)', listOption)
    .option('--db <file>', 'database file (default: the data directory’s)')
    .action(async (o: { url?: string[]; sha256?: string[]; db?: string }) => {
      const file = o.db ?? defaultDbPath(loadConfig().dataDir);
      const r = await updateOsv({ url: o.url ?? DEFAULT_OSV_URLS, sha256: o.sha256, dbFile: file });
      cli.out(
        keyValueTable([
          ['database', r.file],
          ['records', String(r.records)],
          ...r.downloads.map((d): [string, string] => [d.url, `${d.bytes} bytes, sha256 ${d.sha256.slice(0, 16)}… (verified: ${d.verifiedBy})`]),
        ]),
      );
    });
  db.command('status')
    .description('what the database holds and how old it is')
    .option('--db <file>', 'database file (default: the data directory’s)')
    .option('--json', 'machine-readable')
    .action((o: { db?: string; json?: boolean }) => {
      const s = dbStatus(o.db ?? defaultDbPath(loadConfig().dataDir));
      if (o.json) return cli.out(JSON.stringify(s, null, 2));
      cli.out(
        keyValueTable([
          ['database', s.file],
          ['records', String(s.records)],
          ['packages', String(s.packages)],
          ['imported', `${s.importedAt} (${(s.ageSeconds / 3600).toFixed(1)} h ago)`],
          ...s.sources.map((src): [string, string] => ['source', `${src.source} (${src.records} records)`]),
          ...Object.entries(s.ecosystems).map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
        ]),
      );
    });
}

/** The secret scanner's ignore file (given, or .churnignore in a scanned folder) and baseline. */
async function secretSettings(target: string, o: ScanFlags): Promise<{ ignore?: string; baseline?: string[]; defaultSkips: boolean }> {
  const read = async (file: string, flag: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`${flag}: cannot read ${file}`);
    }
  };
  const folder = target.startsWith('fs:') ? target.slice(3) : /^[/.~]/.test(target) ? target : null;
  let ignore: string | undefined;
  if (o.ignoreFile) ignore = await read(o.ignoreFile, '--ignore-file');
  else if (folder && existsSync(join(folder, '.churnignore'))) ignore = await read(join(folder, '.churnignore'), '.churnignore');
  const baseline = o.secretBaseline ? [...parseBaseline(await read(o.secretBaseline, '--secret-baseline'))] : undefined;
  return { ignore, baseline, defaultSkips: o.defaultSkips };
}
