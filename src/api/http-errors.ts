import { ChurnError, isChurnError, type ErrorKind } from '../errors.js';

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  detail: string;
  request_id: string;
}

/**
 * HTTP status for each stable error code: the one place where codes meet statuses. Codes not
 * listed fall back on their kind (input 400, internal 500).
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  BAD_USAGE: 400,
  MALFORMED_JSON: 400,
  VALIDATION_ERROR: 400,
  EMPTY_FILE: 400,
  RAGGED_ROW: 400,
  BAD_QUOTE: 400,
  DUPLICATE_COLUMN: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_ROWS: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MISSING_FIELD: 422,
  MISSING_COLUMN: 422,
  BAD_NUMBER: 422,
  BAD_TYPE: 422,
  UNKNOWN_FIELD: 422,
  UNKNOWN_CATEGORY: 422,
  MODEL_NOT_FOUND: 422,
  MODEL_NOT_OURS: 422,
  MODEL_CORRUPTED: 422,
  MODEL_VERSION: 422,
  BAD_PATH: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  MODEL_NOT_READY: 503,
  STORE_UNAVAILABLE: 503,
};

/** Codes for the 4xx errors Fastify and its plugins raise themselves, by status. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  406: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Fixed wording for server-side failures: internals (paths, SQL, stack traces) never reach a client. */
const INTERNAL_DETAIL: Readonly<Record<string, string>> = {
  STORE_UNAVAILABLE: 'the database is not answering; try again shortly',
  MODEL_NOT_READY: 'no model is loaded yet; try again shortly',
};

export function statusOf(code: string, kind: ErrorKind = 'input'): number {
  return STATUS_BY_CODE[code] ?? (kind === 'input' ? 400 : 500);
}

/** A ChurnError meant for a client; `code` must be one the status table knows (or an input code). */
export function httpError(code: string, detail: string, details?: Record<string, unknown>): ChurnError {
  return new ChurnError(code, detail, { kind: statusOf(code) >= 500 ? 'internal' : 'input', details });
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: unknown;
}

/** Turns anything thrown while handling a request into a status, a code and a safe detail. */
export function describeError(error: unknown): { status: number; code: string; detail: string } {
  if (isChurnError(error)) {
    const status = statusOf(error.code, error.kind);
    if (status < 500) return { status, code: error.code, detail: error.message };
    return { status, code: error.code, detail: INTERNAL_DETAIL[error.code] ?? 'internal error' };
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation) return { status: 400, code: 'VALIDATION_ERROR', detail: e.message ?? 'invalid request' };
  if (error instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, code: 'MALFORMED_JSON', detail: `the body is not valid JSON: ${e.message ?? ''}`.trim() };
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', detail: e.message ?? 'bad request' };
  }
  return { status: 500, code: 'INTERNAL', detail: 'internal error' };
}

interface SchemaIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Fastify's schemaErrorFormatter: the first problem, with its path, and the offending name for
 * unknown fields (Ajv leaves it out of the message), e.g. `body: unknown field "extra"`.
 */
export function formatSchemaErrors(errors: SchemaIssue[], dataVar: string): Error {
  const e = errors[0] ?? {};
  const path = `${dataVar}${e.instancePath ?? ''}`;
  const extra = e.params?.additionalProperty;
  const text = e.keyword === 'additionalProperties' && typeof extra === 'string' ? `${path}: unknown field "${extra.slice(0, 60)}"` : `${path} ${e.message ?? 'is invalid'}`;
  return new Error(text);
}
