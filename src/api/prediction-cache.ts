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
 * A least-recently-used map from a record's canonical form to its prediction. Entries sit in
 * slots linked from most to least recently used; a hit relinks its slot and leaves the Map
 * alone, and a miss on a full cache reuses the least recently used slot. Deleting and
 * re-inserting Map keys on every hit (the simple way to keep LRU order in a Map) leaves
 * deleted entries for V8 to compact, which showed in the profile of the serving path.
 * Capacity 0 turns caching off.
 */
export class PredictionCache<V> {
  readonly #index = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #values: V[] = [];
  /** Neighbours of each slot towards the most (prev) and the least (next) recently used; -1 ends. */
  readonly #prev: number[] = [];
  readonly #next: number[] = [];
  #head = -1;
  #tail = -1;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    if (this.capacity === 0) return undefined;
    const slot = this.#index.get(key);
    if (slot === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#toFront(slot);
    return this.#values[slot];
  }

  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    let slot = this.#index.get(key);
    if (slot !== undefined) {
      this.#values[slot] = value;
      this.#toFront(slot);
      return;
    }
    if (this.#keys.length < this.capacity) {
      slot = this.#keys.length;
      this.#keys.push(key);
      this.#values.push(value);
      this.#prev.push(-1);
      this.#next.push(-1);
    } else {
      slot = this.#tail;
      this.#index.delete(this.#keys[slot]);
      this.#evictions++;
      this.#unlink(slot);
      this.#keys[slot] = key;
      this.#values[slot] = value;
    }
    this.#index.set(key, slot);
    this.#linkFront(slot);
  }

  /** Drops every entry (counters are kept); returns how many there were. */
  clear(): number {
    const n = this.#index.size;
    this.#index.clear();
    this.#keys.length = 0;
    this.#values.length = 0;
    this.#prev.length = 0;
    this.#next.length = 0;
    this.#head = -1;
    this.#tail = -1;
    return n;
  }

  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      size: this.#index.size,
      capacity: this.capacity,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      hit_rate: lookups === 0 ? 0 : this.#hits / lookups,
    };
  }

  #toFront(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#linkFront(slot);
  }

  #unlink(slot: number): void {
    const p = this.#prev[slot];
    const n = this.#next[slot];
    if (p === -1) this.#head = n;
    else this.#next[p] = n;
    if (n === -1) this.#tail = p;
    else this.#prev[n] = p;
  }

  #linkFront(slot: number): void {
    this.#prev[slot] = -1;
    this.#next[slot] = this.#head;
    if (this.#head !== -1) this.#prev[this.#head] = slot;
    this.#head = slot;
    if (this.#tail === -1) this.#tail = slot;
  }
}
