import { ModelFileError } from '../../errors.js';
import type { ModelState } from '../types.js';
import type { BinnerState, FeatureBins } from './binner.js';
import { MAX_FEATURES } from './forest.js';
import type { GbdtParams } from './params.js';
import { paramProblems } from './params.js';
import type { ValidationSummary } from './train.js';
import type { Tree } from './tree.js';

/** Everything a fitted gbdt is made of; `state` of its ModelState. */
export interface GbdtModelData {
  nFeatures: number;
  binner: BinnerState;
  baseScore: number;
  trees: Tree[];
  bestIteration: number;
  roundsTrained: number;
  validation: ValidationSummary | null;
}

const TREE_FIELDS = ['feature', 'threshold', 'missingRight', 'left', 'right', 'value', 'cover'] as const;
const MAX_TREE_DEPTH = 12;
/** Problems spelled out in the error message; the details carry up to MAX_LISTED. */
const SHOWN = 10;
const MAX_LISTED = 1000;

export function toModelState(params: GbdtParams, d: GbdtModelData): ModelState {
  return {
    type: 'gbdt',
    params: { ...params },
    state: {
      nFeatures: d.nFeatures,
      binner: {
        maxBins: d.binner.maxBins,
        features: d.binner.features.map((f) => (f.kind === 'numeric' ? { kind: f.kind, edges: [...f.edges] } : { kind: f.kind, binOfLevel: [...f.binOfLevel] })),
      },
      baseScore: d.baseScore,
      trees: d.trees.map(copyTree),
      bestIteration: d.bestIteration,
      roundsTrained: d.roundsTrained,
      validation: d.validation === null ? null : { ...d.validation, curve: d.validation.curve.map(([a, b]) => [a, b]) },
    },
  };
}

function copyTree(t: Tree): Tree {
  return {
    feature: [...t.feature],
    threshold: [...t.threshold],
    missingRight: [...t.missingRight],
    left: [...t.left],
    right: [...t.right],
    value: [...t.value],
    cover: [...t.cover],
  };
}

/**
 * Checks a stored gbdt state field by field and returns its parts (copied, so later edits to
 * `ms` cannot reach the model). Every bad field path is collected; one MODEL_CORRUPTED error lists them.
 */
export function parseModelState(ms: ModelState): { params: GbdtParams; data: GbdtModelData } {
  const bad: string[] = [];
  const root = ms as unknown;
  if (!isObject(root)) throw corrupted(['(root): not an object']);
  if (root.type !== 'gbdt') bad.push(`type: expected "gbdt", got ${show(root.type)}`);
  if (isObject(root.params)) for (const m of paramProblems(root.params, true)) bad.push(`params.${m}`);
  else bad.push('params: not an object');
  const st = root.state;
  if (!isObject(st)) {
    bad.push('state: not an object');
    throw corrupted(bad);
  }
  const nFeatures = st.nFeatures;
  const nf = isInt(nFeatures, 1, MAX_FEATURES) ? nFeatures : -1;
  if (nf < 0) bad.push(`state.nFeatures: expected an integer in [1, ${MAX_FEATURES}], got ${show(nFeatures)}`);
  if (!isFiniteNumber(st.baseScore)) bad.push(`state.baseScore: expected a finite number, got ${show(st.baseScore)}`);
  checkBinner(st.binner, nf, bad);
  const nTrees = checkTrees(st.trees, nf, bad);
  if (!isInt(st.bestIteration, 0, Number.MAX_SAFE_INTEGER) || (nTrees >= 0 && st.bestIteration !== nTrees)) {
    bad.push(`state.bestIteration: expected the number of trees (${nTrees}), got ${show(st.bestIteration)}`);
  }
  if (!isInt(st.roundsTrained, 0, Number.MAX_SAFE_INTEGER) || (nTrees >= 0 && st.roundsTrained < nTrees)) {
    bad.push(`state.roundsTrained: expected an integer >= the number of trees, got ${show(st.roundsTrained)}`);
  }
  checkValidation(st.validation, bad);
  if (bad.length > 0) throw corrupted(bad);

  const data = st as unknown as GbdtModelData;
  const copy = toModelState(root.params as unknown as GbdtParams, data);
  return { params: copy.params as unknown as GbdtParams, data: copy.state as unknown as GbdtModelData };
}

function corrupted(bad: string[]): ModelFileError {
  const shown = bad.slice(0, SHOWN).join('; ');
  const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : '';
  return new ModelFileError('MODEL_CORRUPTED', `gbdt model state is corrupted: ${shown}${more}`, {
    problems: bad.slice(0, MAX_LISTED),
    count: bad.length,
  });
}

function checkBinner(b: unknown, nf: number, bad: string[]): void {
  if (!isObject(b)) {
    bad.push('state.binner: not an object');
    return;
  }
  const maxBins = isInt(b.maxBins, 2, 255) ? b.maxBins : 255;
  if (maxBins !== b.maxBins) bad.push(`state.binner.maxBins: expected an integer in [2, 255], got ${show(b.maxBins)}`);
  if (!Array.isArray(b.features) || (nf >= 0 && b.features.length !== nf)) {
    bad.push(`state.binner.features: expected an array of ${nf >= 0 ? nf : 'nFeatures'} entries`);
    return;
  }
  (b.features as unknown[]).forEach((f, j) => checkFeatureBins(f, `state.binner.features[${j}]`, maxBins, bad));
}

function checkFeatureBins(f: unknown, at: string, maxBins: number, bad: string[]): void {
  if (!isObject(f)) {
    bad.push(`${at}: not an object`);
    return;
  }
  const kind = (f as Partial<FeatureBins>).kind;
  if (kind === 'numeric') {
    const edges = f.edges;
    if (!Array.isArray(edges) || edges.length > maxBins - 2) {
      bad.push(`${at}.edges: expected an array of at most ${maxBins - 2} numbers`);
      return;
    }
    edges.forEach((e: unknown, k) => {
      if (!isFiniteNumber(e)) bad.push(`${at}.edges[${k}]: expected a finite number, got ${show(e)}`);
      else if (k > 0 && !(e > (edges[k - 1] as number))) bad.push(`${at}.edges[${k}]: edges must increase`);
    });
  } else if (kind === 'categorical') {
    const lv = f.binOfLevel;
    if (!Array.isArray(lv)) {
      bad.push(`${at}.binOfLevel: expected an array`);
      return;
    }
    lv.forEach((v: unknown, k) => {
      if (!isInt(v, 0, maxBins - 1)) bad.push(`${at}.binOfLevel[${k}]: expected an integer in [0, ${maxBins - 1}], got ${show(v)}`);
    });
  } else bad.push(`${at}.kind: expected "numeric" or "categorical", got ${show(kind)}`);
}

/** Returns the number of trees, or -1 when `trees` is not an array. */
function checkTrees(trees: unknown, nf: number, bad: string[]): number {
  if (!Array.isArray(trees)) {
    bad.push('state.trees: not an array');
    return -1;
  }
  trees.forEach((t: unknown, k) => checkTree(t, `state.trees[${k}]`, nf, bad));
  return trees.length;
}

function checkTree(t: unknown, at: string, nf: number, bad: string[]): void {
  if (!isObject(t)) {
    bad.push(`${at}: not an object`);
    return;
  }
  let n = -1;
  for (const k of TREE_FIELDS) {
    const a = t[k];
    if (!Array.isArray(a) || a.length === 0) bad.push(`${at}.${k}: expected a non-empty array`);
    else if (n < 0) n = a.length;
    else if (a.length !== n) bad.push(`${at}.${k}: expected ${n} entries like the other node arrays, got ${a.length}`);
  }
  const before = bad.length;
  if (n < 0 || TREE_FIELDS.some((k) => !Array.isArray(t[k]) || (t[k] as unknown[]).length !== n)) return;
  const tr = t as unknown as Tree;
  const parents = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = tr.feature[i];
    if (!isInt(f, -1, nf >= 0 ? nf - 1 : MAX_FEATURES)) bad.push(`${at}.feature[${i}]: expected -1 or a feature index, got ${show(f)}`);
    if (!isInt(tr.missingRight[i], 0, 1)) bad.push(`${at}.missingRight[${i}]: expected 0 or 1, got ${show(tr.missingRight[i])}`);
    const lo = tr.missingRight[i] === 1 ? 1 : 0;
    if (!isInt(tr.threshold[i], lo, 254)) bad.push(`${at}.threshold[${i}]: expected an integer in [${lo}, 254], got ${show(tr.threshold[i])}`);
    if (!isFiniteNumber(tr.value[i])) bad.push(`${at}.value[${i}]: expected a finite number, got ${show(tr.value[i])}`);
    if (!isFiniteNumber(tr.cover[i]) || !(tr.cover[i] > 0)) bad.push(`${at}.cover[${i}]: expected a positive number, got ${show(tr.cover[i])}`);
    for (const side of ['left', 'right'] as const) {
      const c = tr[side][i];
      if (f === -1) {
        if (c !== -1) bad.push(`${at}.${side}[${i}]: a leaf has no children, expected -1, got ${show(c)}`);
      } else if (!isInt(c, i + 1, n - 1)) bad.push(`${at}.${side}[${i}]: expected a node id after ${i} and below ${n}, got ${show(c)}`);
      else parents[c]++;
    }
  }
  for (let i = 1; i < n; i++) if (parents[i] !== 1) bad.push(`${at}: node ${i} has ${parents[i]} parents, expected 1`);
  if (bad.length > before) return;
  // Children come after their parent, so one forward pass finds every depth (no recursion on untrusted input).
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (tr.feature[i] < 0) continue;
    depth[tr.left[i]] = depth[i] + 1;
    depth[tr.right[i]] = depth[i] + 1;
    if (depth[i] + 1 > MAX_TREE_DEPTH) {
      bad.push(`${at}: deeper than ${MAX_TREE_DEPTH}`);
      return;
    }
  }
}

function checkValidation(v: unknown, bad: string[]): void {
  if (v === null) return;
  const at = 'state.validation';
  if (!isObject(v)) {
    bad.push(`${at}: expected null or an object`);
    return;
  }
  if (v.metric !== 'log_loss') bad.push(`${at}.metric: expected "log_loss", got ${show(v.metric)}`);
  if (!isInt(v.nRows, 1, Number.MAX_SAFE_INTEGER)) bad.push(`${at}.nRows: expected a positive integer, got ${show(v.nRows)}`);
  for (const k of ['baseline', 'best'] as const) if (!isFiniteNumber(v[k])) bad.push(`${at}.${k}: expected a finite number, got ${show(v[k])}`);
  const c = v.curve;
  const okPair = (e: unknown): boolean => Array.isArray(e) && e.length === 2 && isInt(e[0], 1, Number.MAX_SAFE_INTEGER) && isFiniteNumber(e[1]);
  if (!Array.isArray(c) || !c.every(okPair)) bad.push(`${at}.curve: expected an array of [trees, loss] pairs`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
