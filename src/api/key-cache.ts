import { apiKeys, hashApiKey, type ApiKeyInfo, type Store } from '../store/index.js';

const MAX_ENTRIES = 1000;

/**
 * Remembers keys that authenticated for a few seconds, so a busy client does not cost a
 * database lookup per request. Only successes are remembered (a wrong key always reaches
 * the store), entries are indexed by hash (no plaintext key is kept), and a revocation
 * takes effect within `ttlMs` on every replica.
 */
export class KeyCache {
  readonly #entries = new Map<string, { info: ApiKeyInfo; expires: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5000,
  ) {}

  async lookup(presented: string): Promise<ApiKeyInfo | null> {
    const hash = hashApiKey(presented);
    const now = Date.now();
    const hit = this.#entries.get(hash);
    if (hit && hit.expires > now) return hit.info;
    const info = await apiKeys.findByKey(this.store, presented);
    if (info === null) {
      this.#entries.delete(hash);
      return null;
    }
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(hash, { info, expires: now + this.ttlMs });
    // Recording use is bookkeeping: never make the request wait for it or fail on it.
    apiKeys.touch(this.store, info.id, new Date(now), 60_000).catch(() => undefined);
    return info;
  }
}
