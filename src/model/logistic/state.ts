import { ModelFileError } from '../../errors.js';
import type { ModelState } from '../types.js';
import type { EncoderState } from './encoder.js';
import type { LogisticParams } from './params.js';
import { paramProblems } from './params.js';

/** What a fitted logistic model saves besides its params (ModelState.state). */
export interface LogisticStateData {
  encoder: EncoderState;
  /** One per encoded column, in encoder column order. */
  coef: number[];
  intercept: number;
  /** Training mean of each encoded column: the baseline of the additive explanation. */
  columnMeans: number[];
  solver: 'newton' | 'lbfgs';
  iterations: number;
  converged: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Checks a saved logistic model field by field; every bad path is collected and reported in one
 * MODEL_CORRUPTED error, so a damaged file is diagnosed in one go.
 */
export function checkLogisticState(ms: ModelState): { params: LogisticParams; data: LogisticStateData } {
  const bad: string[] = [];
  const root = ms as unknown;
  if (!isObj(root)) throw corrupted(['(root): expected an object']);
  if (root.type !== 'logistic') bad.push("type: expected 'logistic'");
  if (!isObj(root.params)) bad.push('params: expected an object');
  else for (const [k, why] of paramProblems(root.params)) bad.push(`params.${k}: ${why}`);
  const st = root.state;
  if (!isObj(st)) bad.push('state: expected an object');
  else checkData(st, bad);
  if (bad.length > 0) throw corrupted(bad);
  const d = st as unknown as LogisticStateData;
  const p = root.params as unknown as LogisticParams;
  return {
    params: { C: p.C, classWeight: p.classWeight, maxIter: p.maxIter, tol: p.tol, maxCategories: p.maxCategories },
    data: { encoder: d.encoder, coef: d.coef, intercept: d.intercept, columnMeans: d.columnMeans, solver: d.solver, iterations: d.iterations, converged: d.converged },
  };
}

function checkData(st: Obj, bad: string[]): void {
  const width = checkEncoder(st.encoder, bad);
  for (const key of ['coef', 'columnMeans']) {
    const v = st[key];
    if (!Array.isArray(v)) bad.push(`state.${key}: expected an array of numbers`);
    else {
      if (width !== undefined && v.length !== width) bad.push(`state.${key}: expected ${width} values, found ${v.length}`);
      v.forEach((x, i) => isFinite(x) || bad.push(`state.${key}[${i}]: expected a finite number`));
    }
  }
  if (!isFinite(st.intercept)) bad.push('state.intercept: expected a finite number');
  if (st.solver !== 'newton' && st.solver !== 'lbfgs') bad.push("state.solver: expected 'newton' or 'lbfgs'");
  if (!isCount(st.iterations)) bad.push('state.iterations: expected an integer >= 0');
  if (typeof st.converged !== 'boolean') bad.push('state.converged: expected a boolean');
}

/** Returns the encoded width when the encoder is valid enough to know it. */
function checkEncoder(enc: unknown, bad: string[]): number | undefined {
  if (!isObj(enc) || !Array.isArray(enc.features)) {
    bad.push('state.encoder.features: expected an array');
    return undefined;
  }
  const before = bad.length;
  let width = 0;
  enc.features.forEach((f: unknown, j) => {
    const at = `state.encoder.features[${j}]`;
    if (!isObj(f)) return void bad.push(`${at}: expected an object`);
    if (typeof f.name !== 'string') bad.push(`${at}.name: expected a string`);
    if (f.kind === 'numeric') {
      for (const k of ['median', 'mean'] as const) if (!isFinite(f[k])) bad.push(`${at}.${k}: expected a finite number`);
      if (!isFinite(f.std) || f.std <= 0) bad.push(`${at}.std: expected a finite number > 0`);
      if (typeof f.missingIndicator !== 'boolean') bad.push(`${at}.missingIndicator: expected a boolean`);
      width += f.missingIndicator === true ? 2 : 1;
    } else if (f.kind === 'categorical') {
      width += checkCategorical(f, at, bad);
    } else bad.push(`${at}.kind: expected 'numeric' or 'categorical'`);
  });
  return bad.length === before ? width : undefined;
}

function checkCategorical(f: Obj, at: string, bad: string[]): number {
  const n = f.nLevels;
  if (!isCount(n)) bad.push(`${at}.nLevels: expected an integer >= 0`);
  if (!Array.isArray(f.levels)) {
    bad.push(`${at}.levels: expected an array`);
    return 0;
  }
  f.levels.forEach((l: unknown, i) => {
    const prev = i > 0 ? (f.levels as unknown[])[i - 1] : -1;
    if (!isCount(l) || (isCount(n) && l >= n) || (typeof prev === 'number' && l <= prev)) {
      bad.push(`${at}.levels[${i}]: expected an ascending level index below nLevels`);
    }
  });
  const labels = f.labels;
  if (!Array.isArray(labels) || labels.length !== f.levels.length || !labels.every((s) => typeof s === 'string')) {
    bad.push(`${at}.labels: expected ${f.levels.length} strings`);
  }
  return f.levels.length;
}

function corrupted(bad: string[]): ModelFileError {
  return new ModelFileError('MODEL_CORRUPTED', `logistic model state is invalid: ${bad.join('; ')}`, { problems: bad });
}
