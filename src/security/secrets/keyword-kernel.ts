/*
 * The keyword index's byte loop in WebAssembly. In V8 the JavaScript loop costs ~3.5 ns a byte
 * (bounds checks, tagged locals) and was two thirds of a secret scan; compiled, the same loop
 * runs several times faster. Hand-assembled here (no build step, no binary in the repository):
 * the function below is the whole module, and the JavaScript loop in keywords.ts stays the
 * reference it is tested against.
 *
 * Memory layout (one linear memory, grown for large contents):
 *   [0, 65536)           pair table: byte pair -> 1 + slot, 0 for none
 *   [65536, 131072)      third-byte table: 257 flags per slot (256 = a two-byte keyword)
 *   [131072, 131328)     lower-case table
 *   [OUT, OUT + 4*CAP)   candidate positions (i32), filled by scan()
 *   [SRC, ...)           the content
 *
 * scan(src, n, from, out, cap) -> count: the positions i in [from, n) where the pair
 * (src[i-1], src[i]) starts a keyword and the third byte fits, as the JavaScript loop decides,
 * at most `cap` of them; the caller resumes after the last one when the buffer was full.
 */

export const PAIRS = 0;
export const THIRD = 65536;
export const LOWER_AT = 131072;
export const OUT = 131584;
export const CAP = 65536;
export const SRC = OUT + 4 * CAP;
const PAGE = 65536;

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Opcodes used below.
const I32 = 0x7f;
const [LOOP, IF, ELSE, END, BR, RETURN] = [0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0f];
const [GET, SET, TEE] = [0x20, 0x21, 0x22];
const CONST = (v: number): number[] => [0x41, ...sleb(v)];
const LOAD8 = (offset: number): number[] => [0x2d, 0, ...uleb(offset)];
const STORE32 = [0x36, 2, 0];
const [LT_U, GE_U, ADD, SUB, MUL, OR, SHL] = [0x49, 0x4f, 0x6a, 0x6b, 0x6c, 0x72, 0x74];
const VOID = 0x40;

// Parameters 0..4, then locals.
const [src, n, from, out, cap, i, count, slot] = [0, 1, 2, 3, 4, 5, 6, 7];

const code = [
  GET, from, SET, i,
  LOOP, VOID,
  // if (i >= n) return count
  GET, i, GET, n, GE_U, IF, VOID, GET, count, RETURN, END,
  // slot = pairs[src[i-1] << 8 | src[i]]
  GET, src, GET, i, ADD, CONST(1), SUB, ...LOAD8(0), ...CONST(8), SHL,
  GET, src, GET, i, ADD, ...LOAD8(0), OR,
  ...LOAD8(PAIRS), TEE, slot,
  IF, VOID,
  // slot -> the start of its 257 flags: THIRD + (slot - 1) * 257
  GET, slot, ...CONST(257), MUL, ...CONST(THIRD - 257), ADD, SET, slot,
  // candidate = flags[256] || (i + 1 < n && flags[lower[src[i+1]]])
  GET, slot, ...LOAD8(256),
  IF, I32,
  ...CONST(1),
  ELSE,
  GET, i, ...CONST(1), ADD, GET, n, LT_U,
  IF, I32,
  GET, slot, GET, src, GET, i, ADD, ...LOAD8(1), ...LOAD8(LOWER_AT), ADD, ...LOAD8(0),
  ELSE,
  ...CONST(0),
  END,
  END,
  IF, VOID,
  // out[count++] = i; a full buffer returns
  GET, out, GET, count, ...CONST(2), SHL, ADD, GET, i, ...STORE32,
  GET, count, ...CONST(1), ADD, TEE, count, GET, cap, GE_U, IF, VOID, GET, count, RETURN, END,
  END,
  END,
  GET, i, ...CONST(1), ADD, SET, i,
  BR, 0,
  END,
  GET, count,
  END,
].flat();

const body = [...uleb(1), ...uleb(3), I32, ...code];
const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 1, I32]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0, ...uleb(Math.ceil((SRC + 1024 * 1024) / PAGE))]),
  ...section(7, [2, ...str('memory'), 2, 0, ...str('scan'), 0, 0]),
  ...section(10, [1, ...uleb(body.length), ...body]),
]);

export interface KeywordKernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(src: number, n: number, from: number, out: number, cap: number): number;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs carry no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

let kernel: KeywordKernel | null | undefined;

/** The compiled kernel, or null where WebAssembly is not available (the JavaScript loop runs then). */
export function keywordKernel(): KeywordKernel | null {
  if (kernel === undefined) {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      kernel = wasm === undefined ? null : (new wasm.Instance(new wasm.Module(MODULE)).exports as KeywordKernel);
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/** Makes room for `bytes` of content at SRC. */
export function ensureCapacity(k: KeywordKernel, bytes: number): void {
  const need = SRC + bytes;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
}
