/** Counters shown by GET /cache/stats. */
export interface CacheStats {
  size: number;
  capacity: number;
  hits: number;
  misses: number;
  evictions: number;
  hit_rate: number;
}

/**
 * A least-recently-used map from a record's canonical form to its prediction. A Map keeps
 * insertion order, so moving a key to the end on every hit makes the first key the LRU one.
 * Capacity 0 turns caching off.
 */
export class PredictionCache<V> {
  readonly #entries = new Map<string, V>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    if (this.capacity === 0) return undefined;
    const v = this.#entries.get(key);
    if (v === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value as string);
      this.#evictions++;
    }
  }

  /** Drops every entry (counters are kept); returns how many there were. */
  clear(): number {
    const n = this.#entries.size;
    this.#entries.clear();
    return n;
  }

  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      size: this.#entries.size,
      capacity: this.capacity,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      hit_rate: lookups === 0 ? 0 : this.#hits / lookups,
    };
  }
}
