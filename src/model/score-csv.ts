import { csvField } from '../data/csv-field.js';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { openCsv } from '../data/csv-reader.js';
import { readSplitFile } from '../data/split.js';
import { DataError, UsageError } from '../errors.js';
import type { ChurnModel, TopFactor } from './churn-model.js';
import { computeMetrics, type Metrics } from './metrics.js';

export interface ScoreOptions {
  format?: 'csv' | 'jsonl';
  /** Number of top factors to add to each row (0 = none). */
  explain?: number;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ScoreSummary {
  rows: number;
  predictedChurn: number;
  /** Rows holding at least one category the model never saw (scored as missing). */
  rowsWithUnknownCategories: number;
}


/** Six decimals, as toFixed(6) would write them, without its cost on the hot path. */
function formatProbability(p: number): string {
  const k = Math.round(p * 1e6);
  if (k >= 1e6) return '1.000000';
  if (k <= 0) return '0.000000';
  const digits = String(k);
  return `0.${'000000'.slice(digits.length)}${digits}`;
}

function factorsText(factors: TopFactor[]): string {
  return factors.map((f) => `${f.feature}=${f.value ?? ''} (${f.contribution >= 0 ? '+' : ''}${f.contribution.toFixed(3)})`).join('; ');
}

/**
 * Scores a CSV file into `out`, streaming: memory stays bounded by one batch however large the
 * input. Any bad row aborts with an error naming its line and column; the caller decides what to
 * do with what was written so far (the CLI writes to a temporary file and discards it).
 */
export async function scoreCsv(model: ChurnModel, file: string, out: Writable, options: ScoreOptions = {}): Promise<ScoreSummary> {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got "${String(format)}"`);
  const explain = options.explain ?? 0;
  if (!Number.isInteger(explain) || explain < 0 || explain > model.width) throw new UsageError(`--explain must be a whole number from 0 to ${model.width}, got ${explain}`);
  const reader = await openCsv(file, { onProgress: options.onProgress });
  const columns = model.encoder.columnsFor(reader.header, file);
  const idName = model.artifact.schema.id;
  const idPos = idName === null ? -1 : reader.header.indexOf(idName);
  const width = model.width;
  const threshold = model.threshold;
  let rows = new Float64Array(0);
  let prob = new Float64Array(0);
  const summary: ScoreSummary = { rows: 0, predictedChurn: 0, rowsWithUnknownCategories: 0 };
  if (format === 'csv') out.write(`${idName === null || idPos < 0 ? 'row' : csvField(idName)},probability,prediction${explain > 0 ? ',top_factors' : ''}\n`);
  for await (const batch of reader.batches) {
    const n = batch.length;
    if (rows.length < n * width) {
      rows = new Float64Array(n * width);
      prob = new Float64Array(n);
    }
    for (let r = 0; r < n; r++) {
      const unknown = model.encoder.encodeBatchRow(batch, r, columns, rows, r * width, () => `${file} line ${batch.lines[r]}`);
      if (unknown > 0) summary.rowsWithUnknownCategories++;
    }
    model.predictProba(rows, n, prob);
    let text = '';
    for (let r = 0; r < n; r++) {
      const id = idPos >= 0 ? batch.field(r, idPos) : String(summary.rows + r + 1);
      const p = prob[r];
      const label = p >= threshold ? 1 : 0;
      summary.predictedChurn += label;
      const factors = explain > 0 ? model.explain(rows.subarray(r * width, (r + 1) * width), explain) : null;
      if (format === 'csv') {
        text += `${csvField(id)},${formatProbability(p)},${label}${factors ? `,${csvField(factorsText(factors))}` : ''}\n`;
      } else {
        text += `${JSON.stringify({ id, probability: Number(formatProbability(p)), prediction: label, ...(factors ? { top_factors: factors } : {}) })}\n`;
      }
    }
    summary.rows += n;
    if (!out.write(text)) await once(out, 'drain');
  }
  return summary;
}

export interface EvaluateResult {
  metrics: Metrics;
  rows: number;
  rowsWithUnknownCategories: number;
}

/** Scores a labelled file (or only its test rows, given a split file) and measures the model. */
export async function evaluateCsv(model: ChurnModel, file: string, options: { splitFile?: string; onProgress?: ScoreOptions['onProgress'] } = {}): Promise<EvaluateResult> {
  const { schema } = model.artifact;
  const split = options.splitFile === undefined ? null : await readSplitFile(options.splitFile);
  const reader = await openCsv(file, { onProgress: options.onProgress });
  const columns = model.encoder.columnsFor(reader.header, file);
  const targetPos = reader.header.indexOf(schema.target);
  if (targetPos < 0) throw new DataError('MISSING_COLUMN', `${file} line 1: the target column "${schema.target}" is needed to evaluate, and the file does not have it`, { file, column: schema.target });
  const idPos = schema.id === null ? -1 : reader.header.indexOf(schema.id);
  if (split && idPos < 0) throw new DataError('MISSING_COLUMN', `${file} line 1: --split-file joins on the id column "${schema.id ?? '(none)'}", which the file does not have`, { file });
  const width = model.width;
  const ys: number[] = [];
  const ps: number[] = [];
  let unknownRows = 0;
  let rows = new Float64Array(0);
  let prob = new Float64Array(0);
  for await (const batch of reader.batches) {
    const n = batch.length;
    if (rows.length < n * width) {
      rows = new Float64Array(n * width);
      prob = new Float64Array(n);
    }
    let m = 0;
    for (let r = 0; r < n; r++) {
      if (split) {
        const id = batch.field(r, idPos).trim();
        const s = split.get(id);
        if (s === undefined) throw new DataError('BAD_SPLIT', `${file} line ${batch.lines[r]}: id "${id}" is not in the split file ${options.splitFile ?? ''}`, { file, line: batch.lines[r] });
        if (s !== 'test') continue;
      }
      const t = batch.field(r, targetPos).trim();
      if (t === schema.positive) ys.push(1);
      else if (t === schema.negative) ys.push(0);
      else {
        throw new DataError('BAD_TARGET', `${file} line ${batch.lines[r]}: target "${schema.target}" is "${t}", expected "${schema.positive}" or "${schema.negative}"`, {
          file,
          line: batch.lines[r],
          column: schema.target,
        });
      }
      if (model.encoder.encodeBatchRow(batch, r, columns, rows, m * width, () => `${file} line ${batch.lines[r]}`) > 0) unknownRows++;
      m++;
    }
    model.predictProba(rows, m, prob);
    for (let r = 0; r < m; r++) ps.push(prob[r]);
  }
  if (ys.length === 0) throw new DataError('EMPTY_FILE', `${file}: no rows to evaluate${split ? ' (no test rows in the split file)' : ''}`, { file });
  const y = Uint8Array.from(ys);
  if (!y.includes(0) || !y.includes(1)) throw new DataError('BAD_TARGET', `${file}: evaluation needs rows of both classes`, { file });
  return { metrics: computeMetrics(y, Float64Array.from(ps), model.threshold), rows: ys.length, rowsWithUnknownCategories: unknownRows };
}
