import { DataError } from '../errors.js';

const textDecoder = new TextDecoder('utf-8');
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Complete records cut out of one piece of the input, as byte offsets rather than strings:
 * scoring reads numbers and categories straight from the bytes, and only pays for a string
 * where one is asked for. Working on bytes (not decoded text) is also what keeps the scanner
 * fast: delimiters are ASCII, which never occurs inside a multi-byte UTF-8 sequence, and
 * indexing a Uint8Array is cheaper than charCodeAt, whose speed V8 can lose process-wide
 * (a library that subclasses String is enough).
 */
export class CsvBatch {
  private cached: string[][] | null = null;

  constructor(
    /** The UTF-8 bytes the offsets point into. */
    readonly bytes: Uint8Array,
    readonly nFields: number,
    /** Number of records. */
    readonly length: number,
    /** starts[r * nFields + j] .. ends[...] is field j of record r (quotes excluded). */
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** 1 where a quoted field holds "" pairs that stand for one quote. */
    readonly escaped: Uint8Array,
    /** Physical line (1-based, header = line 1) where each record starts. */
    readonly lines: Int32Array,
  ) {}

  field(r: number, j: number): string {
    const k = r * this.nFields + j;
    const s = textDecoder.decode(this.bytes.subarray(this.starts[k], this.ends[k]));
    return this.escaped[k] ? s.replace(/""/g, '"') : s;
  }

  record(r: number): string[] {
    const out = new Array<string>(this.nFields);
    for (let j = 0; j < this.nFields; j++) out[j] = this.field(r, j);
    return out;
  }

  /** All records as string arrays (built on first use; the offset accessors are cheaper). */
  get records(): string[][] {
    if (!this.cached) this.cached = Array.from({ length: this.length }, (_, r) => this.record(r));
    return this.cached;
  }
}

/**
 * The CSV state machine. It keeps the line count across calls; each call scans as many complete
 * records as `text` holds and reports where the unfinished tail starts, so the caller can carry
 * that tail into the next chunk.
 */
export class CsvScanner {
  line = 1;
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private escaped = new Uint8Array(1024);
  private lines = new Int32Array(64);

  constructor(private readonly file: string) {}

  /**
   * Scans records of `nFields` fields (0: the header, one record of any width) from `text`.
   * Returns the batch and the position where unscanned bytes start. When `final` is false a
   * record that runs into the end of the bytes is left for the next call.
   */
  scan(text: Uint8Array, nFields: number, final: boolean): { batch: CsvBatch; consumed: number } {
    const headerMode = nFields === 0;
    const n = text.length;
    let k = 0; // fields stored
    // Locals rather than fields in the hot loop; refreshed after growing.
    let starts = this.starts;
    let ends = this.ends;
    let escaped = this.escaped;
    let nRec = 0;
    let pos = 0;
    records: while (pos < n) {
      const recStart = k;
      const startLine = this.line;
      let breaks = 0;
      let p = pos;
      let f = 0;
      for (;;) {
        if (k >= starts.length) {
          this.grow();
          starts = this.starts;
          ends = this.ends;
          escaped = this.escaped;
        }
        let c = p < n ? text[p] : -1;
        let start: number;
        let end: number;
        let esc = 0;
        if (c === QUOTE) {
          let q = p + 1;
          for (;;) {
            q = text.indexOf(QUOTE, q);
            if (q < 0) {
              if (!final) break records;
              throw new DataError('BAD_QUOTE', `${this.file} line ${startLine}: a quoted field is never closed`, { file: this.file, line: startLine });
            }
            if (q + 1 < n && text[q + 1] === QUOTE) {
              esc = 1;
              q += 2;
              continue;
            }
            if (q + 1 >= n && !final) break records; // "" may continue in the next chunk
            break;
          }
          for (let i = text.indexOf(LF, p + 1); i >= 0 && i < q; i = text.indexOf(LF, i + 1)) breaks++;
          start = p + 1;
          end = q;
          p = q + 1;
          c = p < n ? text[p] : -1;
          if (c !== COMMA && c !== LF && c !== CR && c !== -1) {
            throw new DataError('BAD_QUOTE', `${this.file} line ${startLine + breaks}: unexpected text after a closing quote in field ${f + 1}`, {
              file: this.file,
              line: startLine + breaks,
            });
          }
        } else {
          start = p;
          while (c !== COMMA && c !== LF && c !== CR && c !== -1) c = ++p < n ? text[p] : -1;
          if (c === -1 && !final) break records;
          end = p;
        }
        if (headerMode || f < nFields) {
          starts[k] = start;
          ends[k] = end;
          escaped[k] = esc;
          k++;
        }
        f++;
        if (c === COMMA) {
          p++;
          continue;
        }
        // End of record: CR, LF, CRLF or end of text.
        if (c === CR) {
          if (p + 1 >= n && !final) break records;
          p += p + 1 < n && text[p + 1] === LF ? 2 : 1;
        } else if (c === LF) p++;
        if (f === 1 && end === start && esc === 0 && (start === 0 || text[start - 1] !== QUOTE)) {
          // A blank line is not a record.
          k = recStart;
        } else {
          if (!headerMode && f !== nFields) {
            throw new DataError('RAGGED_ROW', `${this.file} line ${startLine}: expected ${nFields} fields as in the header, found ${f}`, {
              file: this.file,
              line: startLine,
              expected: nFields,
              found: f,
            });
          }
          if (nRec >= this.lines.length) {
            const l = new Int32Array(this.lines.length * 2);
            l.set(this.lines);
            this.lines = l;
          }
          this.lines[nRec++] = startLine;
        }
        this.line += breaks + 1;
        pos = p;
        if (headerMode && nRec === 1) break records;
        break;
      }
    }
    const width = headerMode ? k : nFields;
    const batch = new CsvBatch(text, width, nRec, starts.slice(0, k), ends.slice(0, k), escaped.slice(0, k), this.lines.slice(0, nRec));
    return { batch, consumed: pos };
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const s = new Int32Array(size);
    s.set(this.starts);
    const e = new Int32Array(size);
    e.set(this.ends);
    const x = new Uint8Array(size);
    x.set(this.escaped);
    this.starts = s;
    this.ends = e;
    this.escaped = x;
  }
}
