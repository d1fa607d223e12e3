import { ChurnError } from '../../errors.js';
import type { ErrorKind } from '../../errors.js';

/**
 * Codes of the vulnerability database and its inputs. `input` ones are something the user
 * handed us (a bad record, archive, URL or version); `internal` ones are the environment
 * (network, disk, a damaged database file).
 */
export type VulnDbErrorCode =
  | 'BAD_RECORD'
  | 'BAD_ARCHIVE'
  | 'SOURCE_NOT_FOUND'
  | 'BAD_URL'
  | 'BAD_VERSION'
  | 'NO_RECORDS'
  | 'DOWNLOAD_FAILED'
  | 'DOWNLOAD_TOO_LARGE'
  | 'CHECKSUM_MISMATCH'
  | 'DB_NOT_FOUND'
  | 'DB_CORRUPTED';

const KIND: Record<VulnDbErrorCode, ErrorKind> = {
  BAD_RECORD: 'input',
  BAD_ARCHIVE: 'input',
  SOURCE_NOT_FOUND: 'input',
  BAD_URL: 'input',
  BAD_VERSION: 'input',
  NO_RECORDS: 'input',
  DOWNLOAD_FAILED: 'internal',
  DOWNLOAD_TOO_LARGE: 'internal',
  CHECKSUM_MISMATCH: 'internal',
  DB_NOT_FOUND: 'input',
  DB_CORRUPTED: 'internal',
};

export class VulnDbError extends ChurnError {
  declare readonly code: VulnDbErrorCode;

  constructor(code: VulnDbErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(code, message, { kind: KIND[code], details, cause });
  }
}

export function isVulnDbError(e: unknown, code?: VulnDbErrorCode): e is VulnDbError {
  return e instanceof VulnDbError && (code === undefined || e.code === code);
}
