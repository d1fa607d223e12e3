/**
 * Every failure the project reports is a ChurnError with a stable `code`. Callers (CLI, API)
 * map codes to exit statuses and HTTP statuses in one place each; tests assert on `code`.
 *
 * - `input`: the user gave something wrong (bad file, bad flag, bad record). CLI exit 2, HTTP 4xx.
 * - `internal`: the environment or the program failed. CLI exit 3, HTTP 5xx.
 * - `finding`: the work succeeded and found what it was told to fail on (a failed gate, a broken
 *   audit chain). CLI exit 1.
 */
export type ErrorKind = 'input' | 'internal' | 'finding';

export class ChurnError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { kind?: ErrorKind; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = options.kind ?? 'input';
    this.details = options.details;
  }
}

/** A data file (CSV, split file) that cannot be used as given. */
export class DataError extends ChurnError {
  constructor(code: DataErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, { kind: 'input', details });
  }
}
export type DataErrorCode =
  | 'EMPTY_FILE'
  | 'FILE_NOT_FOUND'
  | 'RAGGED_ROW'
  | 'BAD_QUOTE'
  | 'DUPLICATE_COLUMN'
  | 'UNKNOWN_COLUMN'
  | 'MISSING_COLUMN'
  | 'BAD_TARGET'
  | 'BAD_NUMBER'
  | 'BAD_SPLIT'
  | 'BAD_ID'
  | 'BAD_COLUMN'
  | 'NO_FEATURES'
  | 'TOO_FEW_ROWS';

/** A model file that is missing, corrupted, or not ours. */
export class ModelFileError extends ChurnError {
  constructor(code: 'MODEL_NOT_FOUND' | 'MODEL_NOT_OURS' | 'MODEL_CORRUPTED' | 'MODEL_VERSION', message: string, details?: Record<string, unknown>) {
    super(code, message, { kind: 'input', details });
  }
}

/** A record that does not fit the model's schema at prediction time. */
export class RecordError extends ChurnError {
  constructor(code: 'MISSING_FIELD' | 'BAD_NUMBER' | 'BAD_TYPE' | 'UNKNOWN_FIELD', message: string, details?: Record<string, unknown>) {
    super(code, message, { kind: 'input', details });
  }
}

/** Flags or options that make no sense together or are out of range. */
export class UsageError extends ChurnError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BAD_USAGE', message, { kind: 'input', details });
  }
}

/** Misuse of the library by its own code, e.g. predicting before fitting. */
export class StateError extends ChurnError {
  constructor(message: string) {
    super('BAD_STATE', message, { kind: 'internal' });
  }
}

export function isChurnError(e: unknown): e is ChurnError {
  return e instanceof ChurnError;
}
