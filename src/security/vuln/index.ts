/**
 * The vulnerability library the scan pipeline and the CLI call: the OSV database (import, update,
 * status, open), the matcher, and the pieces they are built from. Importing this module has no
 * side effects.
 */
export { affectedBy } from './affected.js';
export type { AffectedMatch } from './affected.js';
export { scoreCvss, severityFromScore } from './cvss.js';
export type { CvssScore, CvssVersion } from './cvss.js';
export { SCHEMA_VERSION, defaultDbPath, openVulnDb } from './db.js';
export type { AdvisoryRow, StoredEntry, StoredRecord, VulnDb } from './db.js';
export { DEFAULT_DOWNLOAD_LIMITS } from './download.js';
export type { DownloadLimits } from './download.js';
export { distroEcosystems, lookupTarget } from './ecosystems.js';
export { VulnDbError, isVulnDbError } from './errors.js';
export type { VulnDbErrorCode } from './errors.js';
export { importOsv } from './import.js';
export type { ImportOptions, ImportProgress, ImportResult, ImportSource, ImportWarning } from './import.js';
export { compareFindings, matchPackages } from './matcher.js';
export type { MatchWarning } from './matcher.js';
export { checkOsvRecord, parseOsvRecord } from './osv-record.js';
export type { OsvAffected, OsvEvent, OsvRange, OsvRecord, OsvSeverity } from './osv-record.js';
export { normalizePypiName } from './pypi-name.js';
export { SCHEMES, schemeFor, schemeForOsvEcosystem } from './schemes.js';
export type { VersionScheme } from './scheme.js';
export { severityOf } from './severity.js';
export type { SeverityInfo } from './severity.js';
export { DEFAULT_SOURCE_LIMITS } from './sources.js';
export type { SourceLimits } from './sources.js';
export { dbStatus } from './status.js';
export type { DbSource, DbStatus } from './status.js';
export { REAL_DEBIAN_SOURCES, syntheticOsvRecords, writeSyntheticOsvFolder } from './synthetic.js';
export type { SyntheticOptions } from './synthetic.js';
export { DEFAULT_OSV_URLS, updateOsv } from './update.js';
export type { DownloadReport, UpdateOptions, UpdateResult } from './update.js';
