/*
 * The keyword filter, in one pass over the bytes: every keyword is indexed by its first two
 * (lower-cased) bytes, so each position costs one table lookup and only positions starting a
 * known pair compare further. Calling `includes` once per keyword read the file ~90 times and
 * was most of the scan's time.
 */

const LOWER = new Uint8Array(256).map((_, b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));

/** Which rules a content's keywords unlock. */
export class KeywordIndex {
  /** Pair (first two bytes) -> 1 + index into `lists`; 0 when no keyword starts so. */
  private readonly pairs = new Uint16Array(65536);
  /** Per pair: the ids of the keywords starting with it. */
  private readonly lists: number[][] = [];
  /** Per pair, 256 flags: the third bytes its keywords continue with (256 = a two-byte keyword). */
  private third = new Uint8Array(0);
  private readonly bytes: Uint8Array[] = [];
  private readonly rules: number[][] = [];
  /** Rules with a one-byte keyword run whenever content is scanned. */
  private readonly always: number[] = [];

  constructor(keywords: ReadonlyMap<string, readonly number[]>) {
    for (const [keyword, rules] of keywords) {
      const bytes = Uint8Array.from(Buffer.from(keyword, 'latin1'), (b) => LOWER[b]);
      if (bytes.length < 2) {
        this.always.push(...rules);
        continue;
      }
      const pair = (bytes[0] << 8) | bytes[1];
      if (this.pairs[pair] === 0) {
        this.lists.push([]);
        this.pairs[pair] = this.lists.length;
      }
      this.lists[this.pairs[pair] - 1].push(this.bytes.length);
      this.bytes.push(bytes);
      this.rules.push([...rules]);
    }
    // The third byte rules out most positions that merely start a common pair ("to", "se", "as").
    this.third = new Uint8Array(this.lists.length * 257);
    this.lists.forEach((ids, slot) => {
      for (const id of ids) this.third[slot * 257 + (this.bytes[id].length > 2 ? this.bytes[id][2] : 256)] = 1;
    });
  }

  /** The rules (indexes) at least one of whose keywords occurs in `content`, case-insensitively. */
  match(content: Uint8Array): Set<number> {
    const found = new Set<number>(this.always);
    const { pairs, lists, bytes, third } = this;
    // Per call: a pair slot is done once all its keywords were seen; a keyword once it was.
    const slotOpen = new Uint16Array(lists.length);
    for (let s = 0; s < lists.length; s++) slotOpen[s] = lists[s].length;
    const seen = new Uint8Array(bytes.length);
    let remaining = bytes.length;
    const n = content.length;
    let prev = n > 0 ? LOWER[content[0]] : 0;
    for (let i = 1; i < n; i++) {
      const cur = LOWER[content[i]];
      const slot = pairs[(prev << 8) | cur];
      prev = cur;
      if (slot === 0 || slotOpen[slot - 1] === 0) continue;
      const base = (slot - 1) * 257;
      if (third[base + 256] === 0 && (i + 1 >= n || third[base + LOWER[content[i + 1]]] === 0)) continue;
      const start = i - 1;
      const list = lists[slot - 1];
      for (let e = 0; e < list.length; e++) {
        const id = list[e];
        if (seen[id] === 1) continue;
        const kw = bytes[id];
        const len = kw.length;
        if (start + len > n) continue;
        let k = 2;
        while (k < len && LOWER[content[start + k]] === kw[k]) k++;
        if (k < len) continue;
        seen[id] = 1;
        slotOpen[slot - 1]--;
        for (const r of this.rules[id]) found.add(r);
        if (--remaining === 0) return found;
      }
    }
    return found;
  }
}
