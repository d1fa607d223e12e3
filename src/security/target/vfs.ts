import type { LayerEntry, LayerRecord, Warning } from './layer-reader.js';
import { basename, dirname, splitPath } from './paths.js';

export interface FileNode {
  kind: 'file';
  layer: number;
  size: number;
  mode: number;
  content: Buffer | null;
  /** Where the bytes are: a hard link shares its target's. */
  src: { layer: number; path: string };
}
export interface DirNode {
  kind: 'dir';
  layer: number;
  children: Map<string, Node>;
}
export interface LinkNode {
  kind: 'symlink';
  layer: number;
  target: string;
}
export type Node = FileNode | DirNode | LinkNode;

/** The merged filesystem of an image: layers applied in order, whiteouts and opaque directories honoured. */
export class Vfs {
  readonly root: DirNode = { kind: 'dir', layer: 0, children: new Map() };

  /** The node at `path`, following no symlinks. */
  lookup(path: string): Node | undefined {
    let node: Node = this.root;
    for (const part of splitPath(path)) {
      if (node.kind !== 'dir') return undefined;
      const next = node.children.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  /**
   * Applies one layer: its deletions against the layers below, then its entries. Returns the node
   * each entry became (undefined when skipped), so callers can tell later which versions stayed visible.
   */
  apply(record: LayerRecord, layer: number, warnings: Warning[]): (Node | undefined)[] {
    for (const path of record.whiteouts) {
      const parent = this.lookup(dirname(path));
      if (parent?.kind === 'dir') parent.children.delete(basename(path));
    }
    for (const path of record.opaques) {
      const dir = this.lookup(path);
      if (dir?.kind === 'dir') dir.children.clear();
    }
    return record.entries.map((entry) => this.add(entry, layer, warnings));
  }

  private add(entry: LayerEntry, layer: number, warnings: Warning[]): Node | undefined {
    const parent = this.mkdirs(dirname(entry.path), layer);
    const name = basename(entry.path);
    const existing = parent.children.get(name);
    let node: Node;
    if (entry.type === 'dir') {
      if (existing?.kind === 'dir') return existing;
      node = { kind: 'dir', layer, children: new Map() };
    } else if (entry.type === 'symlink') {
      node = { kind: 'symlink', layer, target: entry.linkname ?? '' };
    } else if (entry.type === 'hardlink') {
      const target = this.lookup(entry.linkname ?? '');
      if (target?.kind !== 'file') {
        warnings.push({ path: entry.path, message: `layer ${layer}: hard link to missing file ${entry.linkname ?? ''}; skipped` });
        return undefined;
      }
      node = { ...target, layer, mode: entry.mode };
    } else {
      node = { kind: 'file', layer, size: entry.size, mode: entry.mode, content: entry.content, src: { layer, path: entry.path } };
    }
    parent.children.set(name, node);
    return node;
  }

  /** Creates missing directories; like overlayfs, a directory in an upper layer hides a lower non-directory. */
  private mkdirs(path: string, layer: number): DirNode {
    let dir = this.root;
    for (const part of splitPath(path)) {
      let next = dir.children.get(part);
      if (next?.kind !== 'dir') {
        next = { kind: 'dir', layer, children: new Map() };
        dir.children.set(part, next);
      }
      dir = next;
    }
    return dir;
  }

  /**
   * Follows symlinks inside the image only: absolute targets start again at the image root, ".."
   * stops at the root, and more than `maxHops` links gives null (loops).
   */
  resolve(path: string, maxHops: number): FileNode | DirNode | null {
    const pending = splitPath(path);
    const stack: DirNode[] = [this.root];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      const dir = stack[stack.length - 1];
      if (part === '.') continue;
      if (part === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const node = dir.children.get(part);
      if (node === undefined) return null;
      if (node.kind === 'symlink') {
        if (++hops > maxHops) return null;
        if (node.target.startsWith('/')) stack.length = 1;
        pending.unshift(...splitPath(node.target));
        continue;
      }
      if (pending.length === 0) return node;
      if (node.kind !== 'dir') return null;
      stack.push(node);
    }
    return stack[stack.length - 1];
  }

  /** Every node with its path, depth first, names sorted. */
  *walk(dir: DirNode = this.root, prefix = ''): Generator<[string, Node]> {
    for (const name of [...dir.children.keys()].sort()) {
      const node = dir.children.get(name) as Node;
      const path = `${prefix}/${name}`;
      yield [path, node];
      if (node.kind === 'dir') yield* this.walk(node, path);
    }
  }
}
