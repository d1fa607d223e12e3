import { StoreError } from './errors.js';

// SQLSTATE class 08 is "connection exception"; the others mean the server will not serve us
// right now (starting up, shutting down, too many clients) or the target database is absent.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28P01', '28000']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/** True when the error says the database cannot be reached or refuses us, not that a query was wrong. */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code)) return true;
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_IOERR') return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(error.message);
}

/** True for SQLite's "another connection holds the write lock" failures, which are worth retrying. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED');
}

/** Wraps a driver error: unreachable servers become STORE_UNAVAILABLE, anything else is rethrown as is. */
export function wrapUnavailable(error: unknown, what: string): unknown {
  if (error instanceof StoreError || !isUnavailableError(error)) return error;
  return new StoreError('STORE_UNAVAILABLE', `The database is unavailable (${what}): ${(error as Error).message}`, { cause: error });
}
