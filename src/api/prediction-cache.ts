/** Counters shown by GET /cache/stats. */
export interface CacheStats {
  size: number;
  capacity: number;
  hits: number;
  misses: number;
  evictions: number;
  hit_rate: number;
}

/** A cached answer: the response body (a copy the caller owns) and its label, for the metrics. */
export interface CachedPrediction {
  body: Buffer;
  prediction: 0 | 1;
}

/** Bodies longer than this are served but not kept (very long feature names or values). */
export const CACHE_SLOT_BYTES = 1024;

/** Slots are allocated in doublings from this many up to the capacity. */
const FIRST_SLOTS = 64;

/**
 * A least-recently-used cache from an encoded record (a row of the model's input: its bytes are
 * the canonical form of the record, so "12", 12 and " 12 " share an entry and field order does
 * not matter) to its response body.
 *
 * Everything lives in typed arrays, off the JS heap: rows, bodies in fixed-size slots, the
 * recency links and an open-addressing index. With Map keys, strings and entry objects, each
 * miss on a full cache left an old-generation object graph for the garbage collector to trace
 * and free, which cost more than scoring the record and lengthened the pauses that set the
 * service's tail latency. Written by hand: no library keys a cache by typed-array contents.
 * Capacity 0 turns caching off.
 */
export class PredictionCache {
  /** Floats per row, fixed between clears (a model swap clears the cache); -1 before the first entry. */
  #width = -1;
  #allocated = 0;
  #count = 0;
  #rows = new Float64Array(0);
  #rowWords = new Int32Array(0);
  #bodies = Buffer.alloc(0);
  #lengths = new Int32Array(0);
  #labels = new Uint8Array(0);
  #hashes = new Int32Array(0);
  /** Neighbours of each slot towards the most (prev) and the least (next) recently used; -1 ends. */
  #prev = new Int32Array(0);
  #next = new Int32Array(0);
  #head = -1;
  #tail = -1;
  /** Linear-probing index: slot + 1, or 0 for an empty place. */
  #table = new Int32Array(0);
  #mask = 0;
  /** The row being looked up, as words for hashing and comparing. */
  #probe = new Float64Array(0);
  #probeWords = new Int32Array(0);
  #probeHash = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(readonly capacity: number) {}

  get(row: Float64Array): CachedPrediction | undefined {
    if (this.capacity === 0) return undefined;
    const slot = row.length === this.#width ? this.#find(row) : -1;
    if (slot < 0) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#toFront(slot);
    const at = slot * CACHE_SLOT_BYTES;
    // A copy: the slot may be reused while the socket still holds the bytes.
    return { body: Buffer.from(this.#bodies.subarray(at, at + this.#lengths[slot])), prediction: this.#labels[slot] as 0 | 1 };
  }

  set(row: Float64Array, body: Buffer, prediction: 0 | 1): void {
    if (this.capacity === 0 || body.length > CACHE_SLOT_BYTES) return;
    if (row.length !== this.#width) this.#reshape(row.length);
    let slot = this.#find(row);
    if (slot < 0) {
      if (this.#count === this.#allocated && this.#allocated < this.capacity) this.#grow();
      if (this.#count < this.#allocated) {
        slot = this.#count++;
      } else {
        slot = this.#tail;
        this.#remove(slot);
        this.#unlink(slot);
        this.#evictions++;
      }
      this.#rows.set(this.#probe, slot * this.#width);
      this.#hashes[slot] = this.#probeHash;
      this.#insert(slot);
      this.#linkFront(slot);
    } else {
      this.#toFront(slot);
    }
    body.copy(this.#bodies, slot * CACHE_SLOT_BYTES);
    this.#lengths[slot] = body.length;
    this.#labels[slot] = prediction;
  }

  /** Drops every entry (counters are kept); returns how many there were. */
  clear(): number {
    const n = this.#count;
    this.#count = 0;
    this.#table.fill(0);
    this.#head = -1;
    this.#tail = -1;
    return n;
  }

  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      size: this.#count,
      capacity: this.capacity,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      hit_rate: lookups === 0 ? 0 : this.#hits / lookups,
    };
  }

  /** Copies `row` into the probe, hashes it, and returns its slot, or -1. */
  #find(row: Float64Array): number {
    this.#probe.set(row);
    const h = (this.#probeHash = this.#hash());
    if (this.#count === 0) return -1;
    const words = this.#probeWords;
    const n = words.length;
    for (let i = h & this.#mask; ; i = (i + 1) & this.#mask) {
      const slot = this.#table[i] - 1;
      if (slot < 0) return -1;
      if (this.#hashes[slot] !== h) continue;
      const base = slot * n;
      let j = 0;
      while (j < n && this.#rowWords[base + j] === words[j]) j++;
      if (j === n) return slot;
    }
  }

  /** A 32-bit hash of the probe's words (multiply and xor-shift per word, then a final mix). */
  #hash(): number {
    const words = this.#probeWords;
    let h = 0x9e3779b9 ^ words.length;
    for (let i = 0; i < words.length; i++) {
      h = Math.imul(h ^ words[i], 0x5bd1e995);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  #insert(slot: number): void {
    let i = this.#hashes[slot] & this.#mask;
    while (this.#table[i] !== 0) i = (i + 1) & this.#mask;
    this.#table[i] = slot + 1;
  }

  /** Takes a slot out of the index, shifting later entries of its run back (no tombstones). */
  #remove(slot: number): void {
    const mask = this.#mask;
    let i = this.#hashes[slot] & mask;
    while (this.#table[i] !== slot + 1) i = (i + 1) & mask;
    this.#table[i] = 0;
    for (let j = (i + 1) & mask; this.#table[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashes[this.#table[j] - 1] & mask;
      // An entry whose home lies cyclically in (i, j] is still reachable; any other moves into the hole.
      const reachable = i <= j ? i < home && home <= j : i < home || home <= j;
      if (reachable) continue;
      this.#table[i] = this.#table[j];
      this.#table[j] = 0;
      i = j;
    }
  }

  /** A new row width (another model): starts over with storage for that width. */
  #reshape(width: number): void {
    this.clear();
    this.#width = width;
    this.#allocated = 0;
    this.#probe = new Float64Array(width);
    this.#probeWords = new Int32Array(this.#probe.buffer);
    this.#rows = new Float64Array(0);
    this.#rowWords = new Int32Array(0);
  }

  #grow(): void {
    const n = Math.min(this.capacity, Math.max(FIRST_SLOTS, this.#allocated * 2));
    const w = this.#width;
    const rows = new Float64Array(n * w);
    rows.set(this.#rows.subarray(0, this.#count * w));
    this.#rows = rows;
    this.#rowWords = new Int32Array(rows.buffer);
    const bodies = Buffer.alloc(n * CACHE_SLOT_BYTES);
    this.#bodies.copy(bodies, 0, 0, this.#count * CACHE_SLOT_BYTES);
    this.#bodies = bodies;
    this.#lengths = grown(this.#lengths, n);
    this.#labels = grown(this.#labels, n);
    this.#hashes = grown(this.#hashes, n);
    this.#prev = grown(this.#prev, n);
    this.#next = grown(this.#next, n);
    this.#allocated = n;
    // Load factor at most one half: short probe runs.
    let size = 1;
    while (size < 2 * n) size *= 2;
    this.#table = new Int32Array(size);
    this.#mask = size - 1;
    for (let slot = 0; slot < this.#count; slot++) this.#insert(slot);
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

function grown<T extends Int32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
