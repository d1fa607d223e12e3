import { StoreError } from './errors.js';

/** Where the store lives, as decided from DATABASE_URL. */
export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

/**
 * Reads a database URL: `sqlite:PATH`, `sqlite://PATH`, a plain file path, `:memory:`,
 * or `postgres://` / `postgresql://`. Any other scheme is a BAD_DATABASE_URL.
 *
 * @example parseDatabaseUrl('sqlite:./data/churn.db') // { kind: 'sqlite', path: './data/churn.db' }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const text = url.trim();
  if (text === '') throw new StoreError('BAD_DATABASE_URL', 'The database URL is empty');
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch (cause) {
      throw new StoreError('BAD_DATABASE_URL', 'The PostgreSQL URL cannot be parsed', { cause, details: { url: redactUrl(text) } });
    }
    return { kind: 'postgres', url: text };
  }
  if (/^sqlite:/i.test(text)) {
    const path = text.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '') throw new StoreError('BAD_DATABASE_URL', 'The SQLite URL names no file', { details: { url: text } });
    return { kind: 'sqlite', path };
  }
  // A scheme we do not speak (mysql://, http://) must not be mistaken for a relative file path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new StoreError('BAD_DATABASE_URL', 'Unsupported database URL scheme; use sqlite:PATH or postgres://', {
      details: { url: redactUrl(text) },
    });
  }
  return { kind: 'sqlite', path: text };
}

/** The URL with any password replaced, safe for logs and error details. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
