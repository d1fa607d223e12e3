import { ChurnError } from '../errors.js';

/** Codes a StoreError can carry; callers branch on these, never on message text. */
export type StoreErrorCode =
  | 'STORE_UNAVAILABLE'
  | 'STORE_MIGRATION_FAILED'
  | 'BAD_DATABASE_URL'
  | 'NOT_FOUND';

const KIND: Record<StoreErrorCode, 'input' | 'internal'> = {
  STORE_UNAVAILABLE: 'internal',
  STORE_MIGRATION_FAILED: 'internal',
  BAD_DATABASE_URL: 'input',
  NOT_FOUND: 'input',
};

/** A failure of the database layer: unreachable, misconfigured, or a missing record. */
export class StoreError extends ChurnError {
  constructor(code: StoreErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, { kind: KIND[code], details: options.details, cause: options.cause });
  }
}
