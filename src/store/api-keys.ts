import { timingSafeEqual } from 'node:crypto';
import { UsageError } from '../errors.js';
import { StoreError } from './errors.js';
import { generateApiKey, hashApiKey, keyDisplayPrefix, randomBase62 } from './keys.js';
import type { ApiKeyRole, ApiKeyRow } from './schema.js';
import type { Store } from './store.js';

/** An API key as listed: everything but its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** First 8 characters of the key, for display. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const ROLES: readonly ApiKeyRole[] = ['admin', 'predict'];
const MAX_PRESENTED_KEY_LENGTH = 256;

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function checkNewKey(input: { name?: string; role: string }): { name: string; role: ApiKeyRole } {
  if (!ROLES.includes(input.role as ApiKeyRole)) throw new UsageError(`role must be one of ${ROLES.join(', ')}`, { field: 'role', value: input.role });
  const name = (input.name ?? input.role).trim();
  if (name === '' || name.length > 100) throw new UsageError('name must be 1 to 100 characters', { field: 'name' });
  return { name, role: input.role as ApiKeyRole };
}

async function insertKey(store: Store, key: string, input: { name?: string; role: string }, now: Date): Promise<ApiKeyInfo> {
  const { name, role } = checkNewKey(input);
  const row: ApiKeyRow = {
    id: `ak_${randomBase62(12)}`,
    name,
    role,
    key_hash: hashApiKey(key),
    prefix: keyDisplayPrefix(key),
    created_at: now.toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await store.db.insertInto('api_keys').values(row).execute();
  return toInfo(row);
}

/** Issues a new random key. The plaintext `key` is returned here and never again. */
async function create(store: Store, input: { name?: string; role: ApiKeyRole }, now = new Date()): Promise<{ key: string; record: ApiKeyInfo }> {
  const key = generateApiKey();
  return { key, record: await insertKey(store, key, input, now) };
}

/**
 * Registers a key chosen outside (the API_SECRET_KEY bootstrap) unless its hash is already
 * stored; returns the stored record either way. A revoked bootstrap key stays revoked.
 */
async function ensure(store: Store, input: { key: string; name?: string; role: ApiKeyRole }, now = new Date()): Promise<ApiKeyInfo> {
  if (input.key.length < 16 || input.key.length > MAX_PRESENTED_KEY_LENGTH) throw new UsageError('A bootstrap API key must be 16 to 256 characters', { field: 'key' });
  const existing = await store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashApiKey(input.key)).executeTakeFirst();
  if (existing) return toInfo(existing);
  return insertKey(store, input.key, input, now);
}

/** All keys, oldest first, revoked ones included (with `revokedAt`). Hashes are never returned. */
async function list(store: Store): Promise<ApiKeyInfo[]> {
  const rows = await store.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toInfo);
}

/** The active (not revoked) key matching `presented`, or null. */
async function findByKey(store: Store, presented: string): Promise<ApiKeyInfo | null> {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > MAX_PRESENTED_KEY_LENGTH) return null;
  const hash = hashApiKey(presented);
  const row = await store.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return null;
  // The lookup already matched; the constant-time comparison guards against an index or
  // collation ever matching loosely, without adding a timing signal of its own.
  const ok = timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex'));
  return ok ? toInfo(row) : null;
}

/** Marks a key revoked. Revoking twice keeps the first time; an unknown id is NOT_FOUND. */
async function revoke(store: Store, id: string, now = new Date()): Promise<ApiKeyInfo> {
  await store.db.updateTable('api_keys').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new StoreError('NOT_FOUND', `No API key with id ${id}`, { details: { id } });
  return toInfo(row);
}

/**
 * Records that a key was just used. With `minIntervalMs`, skips the write when the recorded
 * use is more recent than that, so authenticating every request does not mean a write per request.
 */
async function touch(store: Store, id: string, now = new Date(), minIntervalMs = 0): Promise<void> {
  const threshold = new Date(now.getTime() - minIntervalMs).toISOString();
  await store.db
    .updateTable('api_keys')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', id)
    // ISO-8601 UTC strings of one format sort as the times they name.
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', threshold)]))
    .execute();
}

/** API key repository. */
export const apiKeys = { create, ensure, list, findByKey, revoke, touch };
