/*
 * The keyword filter, in one pass over the bytes: every keyword is indexed by its first two
 * bytes, so each position costs one table lookup and only positions starting a known pair compare
 * further. Calling `includes` once per keyword read the file ~90 times and was most of the scan's
 * time. Hand-written because it is the hot loop of the secret scanner: the pair table holds every
 * case variant of each pair, so the loop reads raw bytes and lower-cases only at candidates.
 */

import { CAP, ensureCapacity, keywordKernel, LOWER_AT, OUT, PAIRS, SRC, THIRD, type KeywordKernel } from './keyword-kernel.js';

const LOWER = new Uint8Array(256).map((_, b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));
const UPPER = new Uint8Array(256).map((_, b) => (b >= 0x61 && b <= 0x7a ? b & 0xdf : b));

export interface KeywordHits {
  /** The rules at least one of whose keywords occurs. */
  rules: Set<number>;
  /** For each located rule that occurs: where its keywords start, ascending. */
  at: Map<number, number[]>;
}

/** Which rules a content's keywords unlock, and where the keywords of anchored rules are. */
export class KeywordIndex {
  readonly #id = ++lastId;
  /** Raw byte pair -> 1 + slot; 0 when no keyword starts so. A byte each: 255 slots are plenty. */
  private readonly pairs = new Uint8Array(65536);
  /** Per slot: the ids of the keywords starting with its (lower-cased) pair. */
  private readonly lists: number[][] = [];
  /** Per slot, 257 flags: the lower-cased third bytes its keywords continue with (256 = a two-byte keyword). */
  private third = new Uint8Array(0);
  private readonly bytes: Uint8Array[] = [];
  /** Per keyword: the rules it unlocks by being present. */
  private readonly rules: number[][] = [];
  /** Per keyword: 1 when it anchors a located rule, so every occurrence is recorded. */
  private readonly anchoring: Uint8Array;
  /** Located rule -> its keywords. */
  private readonly anchorsOf = new Map<number, number[]>();
  /** Rules with a one-byte keyword run whenever content is scanned. */
  private readonly always: number[] = [];

  /**
   * @param keywords lower-case keyword -> the rules it unlocks
   * @param located rules whose every match starts where one of their keywords does: their
   *   keyword positions are collected, so their regex runs only there
   */
  constructor(keywords: ReadonlyMap<string, readonly number[]>, located: ReadonlySet<number> = new Set()) {
    const slotOf = new Map<number, number>();
    const anchoring: number[] = [];
    for (const [keyword, rules] of keywords) {
      const bytes = Uint8Array.from(Buffer.from(keyword, 'latin1'), (b) => LOWER[b]);
      if (bytes.length < 2) {
        this.always.push(...rules);
        continue;
      }
      const pair = (bytes[0] << 8) | bytes[1];
      let slot = slotOf.get(pair);
      if (slot === undefined) {
        slot = this.lists.length;
        if (slot >= 255) throw new Error('too many distinct keyword beginnings for the keyword index (at most 255)');
        slotOf.set(pair, slot);
        this.lists.push([]);
        for (const a of new Set([bytes[0], UPPER[bytes[0]]])) for (const b of new Set([bytes[1], UPPER[bytes[1]]])) this.pairs[(a << 8) | b] = slot + 1;
      }
      const id = this.bytes.length;
      this.lists[slot].push(id);
      this.bytes.push(bytes);
      this.rules.push(rules.filter((r) => !located.has(r)));
      const anchors = rules.filter((r) => located.has(r));
      anchoring.push(anchors.length > 0 ? 1 : 0);
      for (const r of anchors) this.anchorsOf.set(r, [...(this.anchorsOf.get(r) ?? []), id]);
    }
    this.anchoring = Uint8Array.from(anchoring);
    // The third byte rules out most positions that merely start a common pair ("to", "se", "as").
    this.third = new Uint8Array(this.lists.length * 257);
    this.lists.forEach((ids, slot) => {
      for (const id of ids) this.third[slot * 257 + (this.bytes[id].length > 2 ? this.bytes[id][2] : 256)] = 1;
    });
  }

  /** The rules (indexes) at least one of whose keywords occurs in `content`, case-insensitively. */
  match(content: Uint8Array): Set<number> {
    return this.scan(content).rules;
  }

  /** @param useKernel false: the JavaScript loop only (the reference the kernel is tested against). */
  scan(content: Uint8Array, useKernel = true): KeywordHits {
    const found = new Set<number>(this.always);
    // Per call: a slot is done once all its keywords were seen; a keyword once it was. Anchoring
    // keywords are never done: every occurrence is recorded, in a plain array per keyword.
    const slotOpen = new Uint16Array(this.lists.length);
    for (let s = 0; s < this.lists.length; s++) slotOpen[s] = this.lists[s].length;
    const state: ScanState = { content, found, slotOpen, seen: new Uint8Array(this.bytes.length), positions: this.bytes.map(() => []) };
    const n = content.length;
    const kernel = useKernel && n >= KERNEL_MIN_BYTES ? keywordKernel() : null;
    if (kernel !== null) this.#scanWithKernel(kernel, state);
    else this.scanInJs(state);
    const { positions } = state;
    const { bytes, anchoring } = this;
    const at = new Map<number, number[]>();
    for (let id = 0; id < bytes.length; id++) if (anchoring[id] === 1 && positions[id].length > 0) for (const r of this.rules[id]) found.add(r);
    for (const [rule, ids] of this.anchorsOf) {
      // Usually one of a rule's keywords occurs (password, not passwd): no merge needed then.
      let starts: number[] = [];
      let lists = 0;
      for (const id of ids) {
        if (positions[id].length === 0) continue;
        starts = lists === 0 ? positions[id] : starts.concat(positions[id]);
        lists++;
      }
      if (lists === 0) continue;
      if (lists > 1) starts.sort((a, b) => a - b);
      found.add(rule);
      at.set(rule, starts);
    }
    return { rules: found, at };
  }

  /** The reference loop, and the fallback where WebAssembly is unavailable. */
  private scanInJs(state: ScanState): void {
    const { content, slotOpen } = state;
    const { pairs, third } = this;
    const n = content.length;
    let prev = n > 0 ? content[0] : 0;
    for (let i = 1; i < n; i++) {
      const cur = content[i];
      const slot = pairs[(prev << 8) | cur];
      prev = cur;
      if (slot === 0 || slotOpen[slot - 1] === 0) continue;
      const base = (slot - 1) * 257;
      if (third[base + 256] === 0 && (i + 1 >= n || third[base + LOWER[content[i + 1]]] === 0)) continue;
      this.#candidate(state, i, slot);
    }
  }

  #scanWithKernel(kernel: KeywordKernel, state: ScanState): void {
    const { content, slotOpen } = state;
    const n = content.length;
    ensureCapacity(kernel, n);
    const heap = new Uint8Array(kernel.memory.buffer);
    // The tables are this index's: copied in when another index used the kernel last.
    if (tablesOf !== this.#id) {
      heap.set(this.pairs, PAIRS);
      heap.fill(0, THIRD, LOWER_AT);
      heap.set(this.third, THIRD);
      heap.set(LOWER, LOWER_AT);
      tablesOf = this.#id;
    }
    heap.set(content, SRC);
    const found = new Int32Array(kernel.memory.buffer, OUT, CAP);
    const { pairs } = this;
    for (let from = 1; ; ) {
      const count = kernel.scan(SRC, n, from, OUT, CAP);
      for (let c = 0; c < count; c++) {
        const i = found[c];
        const slot = pairs[(content[i - 1] << 8) | content[i]];
        if (slotOpen[slot - 1] !== 0) this.#candidate(state, i, slot);
      }
      if (count < CAP) return;
      from = found[count - 1] + 1;
    }
  }

  /** A position where a keyword of `slot` may start one byte back: compare its keywords. */
  #candidate(state: ScanState, i: number, slot: number): void {
    const { content, slotOpen, seen, positions, found } = state;
    const { bytes, anchoring, rules } = this;
    const n = content.length;
    const start = i - 1;
    const list = this.lists[slot - 1];
    for (let e = 0; e < list.length; e++) {
      const id = list[e];
      if (seen[id] === 1) continue;
      const kw = bytes[id];
      const len = kw.length;
      if (start + len > n) continue;
      let k = 2;
      while (k < len && LOWER[content[start + k]] === kw[k]) k++;
      if (k < len) continue;
      if (anchoring[id] === 1) {
        positions[id].push(start);
        continue;
      }
      seen[id] = 1;
      slotOpen[slot - 1]--;
      for (const r of rules[id]) found.add(r);
    }
  }
}

interface ScanState {
  content: Uint8Array;
  found: Set<number>;
  slotOpen: Uint16Array;
  seen: Uint8Array;
  positions: number[][];
}

/** Below this the kernel's copy-in costs more than the loop it replaces. */
const KERNEL_MIN_BYTES = 512;
/** The index whose tables are in the kernel's memory (by id), and the last id handed out. */
let tablesOf = 0;
let lastId = 0;
