import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';

/**
 * A read-only view of a YAML node that resolves aliases and `<<` merge keys and knows its
 * 1-based line: reads go through the real node tree so every finding can point at a line.
 */
export class YNode {
  constructor(
    readonly node: Node,
    private readonly doc: Document,
    private readonly lc: LineCounter,
    /** Offset of the key this value was read under, so block values report the key's line. */
    private readonly keyOffset?: number,
  ) {}

  get line(): number {
    const offset = this.keyOffset ?? this.node.range?.[0] ?? 0;
    return this.lc.linePos(offset).line;
  }

  get(key: string): YNode | undefined {
    const map = this.node;
    if (!isMap(map)) return undefined;
    const merges: Node[] = [];
    for (const pair of map.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key && pair.value) {
        const keyNode = pair.key as Node | null;
        return new YNode(this.deref(pair.value as Node), this.doc, this.lc, keyNode?.range?.[0]);
      }
      if ((k === '<<' || (typeof k === 'symbol' && k.description === '<<')) && pair.value) merges.push(this.deref(pair.value as Node));
    }
    for (const m of merges) {
      const sources = isSeq(m) ? m.items.map((i) => this.deref(i as Node)) : [m];
      for (const s of sources) {
        const hit = new YNode(s, this.doc, this.lc).get(key);
        if (hit) return hit;
      }
    }
    return undefined;
  }

  /** Follows a dotted path of map keys. */
  at(path: string): YNode | undefined {
    const keys = path.split('.');
    let cur = this.get(keys[0]);
    for (let i = 1; i < keys.length && cur; i++) cur = cur.get(keys[i]);
    return cur;
  }

  items(): YNode[] {
    return isSeq(this.node) ? this.node.items.map((i) => new YNode(this.deref(i as Node), this.doc, this.lc)) : [];
  }

  keys(): string[] {
    if (!isMap(this.node)) return [];
    return this.node.items.filter(isPair).map((p) => String(isScalar(p.key) ? p.key.value : p.key));
  }

  isMap(): boolean {
    return isMap(this.node);
  }

  scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  str(): string | undefined {
    const v = this.scalar();
    return v === undefined || v === null ? undefined : String(v);
  }

  /** Plain JS value (aliases and merges resolved). */
  js(): unknown {
    return this.node.toJS(this.doc, { maxAliasCount: 1000 });
  }

  private deref(n: Node): Node {
    return isAlias(n) ? ((n.resolve(this.doc) as Node | undefined) ?? n) : n;
  }
}

/** Parses every document of a YAML stream; documents with syntax errors are skipped and counted. */
export function parseYamlDocuments(content: string): { roots: YNode[]; errors: string[] } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(content, { lineCounter: lc, merge: true, uniqueKeys: false, prettyErrors: false });
  const roots: YNode[] = [];
  const errors: string[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) {
      errors.push(doc.errors[0].message);
      continue;
    }
    if (doc.contents) roots.push(new YNode(doc.contents as Node, doc as Document, lc));
  }
  return { roots, errors };
}
