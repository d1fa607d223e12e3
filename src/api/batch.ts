import { csvField } from '../data/csv-field.js';
import type { Readable } from 'node:stream';
import { openCsvStream } from '../data/csv-reader.js';
import { DataError } from '../errors.js';
import { checkRange, encodeRecord, unknownCategory, unknownCsvField } from './encode.js';
import { httpError } from './http-errors.js';
import type { ServedModel } from './model-holder.js';

export type BatchFormat = 'json' | 'csv';

/** A scored batch, already rendered: `body` is the whole response. */
export interface BatchResult {
  count: number;
  churn: number;
  body: Buffer;
}


/**
 * Renders scored rows straight into text, with no object per row. Each batch's text becomes
 * bytes as soon as it is complete, which happens while the rest of the upload is still
 * arriving, so the answer is ready moments after the last row.
 */
class Renderer {
  readonly #parts: Buffer[] = [];
  #text = '';
  count = 0;
  churn = 0;

  constructor(
    private readonly format: BatchFormat,
    private readonly threshold: number,
    idName: string,
  ) {
    this.#text = format === 'csv' ? `${csvField(idName)},probability,prediction\n` : '';
  }

  add(id: string, p: number): void {
    const label = p >= this.threshold ? 1 : 0;
    const rounded = Math.round(p * 1e6) / 1e6;
    this.churn += label;
    if (this.format === 'csv') this.#text += `${csvField(id)},${rounded},${label}\n`;
    else this.#text += `${this.count === 0 ? '' : ','}{"id":${JSON.stringify(id)},"probability":${rounded},"prediction":${label}}`;
    this.count++;
  }

  flush(): void {
    if (this.#text.length > 0) this.#parts.push(Buffer.from(this.#text));
    this.#text = '';
  }

  finish(): BatchResult {
    this.flush();
    const parts = this.format === 'csv' ? this.#parts : [Buffer.from(`{"count":${this.count},"predictions":[`), ...this.#parts, Buffer.from(']}')];
    return { count: this.count, churn: this.churn, body: Buffer.concat(parts) };
  }
}

/**
 * Scores a CSV upload as it arrives, a batch of rows at a time. The answer is rendered only
 * once every row has passed, so a bad row anywhere is a clean 4xx naming its line, never a
 * half-sent response. Columns the model does not use (the target, notes) are ignored.
 */
export async function scoreCsvStream(served: ServedModel, stream: Readable, options: { maxRows: number; format: BatchFormat; name?: string }): Promise<BatchResult> {
  const name = options.name ?? 'upload';
  const { model } = served;
  const reader = await openCsvStream(stream, name);
  const columns = model.encoder.columnsFor(reader.header, name);
  const idName = model.artifact.schema.id;
  const idPos = idName === null ? -1 : reader.header.indexOf(idName);
  const width = model.width;
  const out = new Renderer(options.format, model.threshold, idPos >= 0 && idName !== null ? idName : 'row');
  let rows = new Float64Array(0);
  let prob = new Float64Array(0);
  let line = 0;
  const where = (): string => `${name} line ${line}`;
  for await (const batch of reader.batches) {
    const n = batch.length;
    if (out.count + n > options.maxRows) throw httpError('TOO_MANY_ROWS', `${name}: more than ${options.maxRows} rows (the limit for one batch)`, { limit: options.maxRows });
    if (rows.length < n * width) {
      rows = new Float64Array(n * width);
      prob = new Float64Array(n);
    }
    for (let r = 0; r < n; r++) {
      line = batch.lines[r];
      if (model.encoder.encodeBatchRow(batch, r, columns, rows, r * width, where) > 0) {
        const bad = unknownCsvField(served, (j) => batch.field(r, j), columns, rows, r * width);
        throw unknownCategory(served, where(), bad.field, bad.value);
      }
      checkRange(served, rows, r * width, where);
    }
    model.predictProba(rows, n, prob);
    const first = out.count;
    for (let r = 0; r < n; r++) out.add(idPos >= 0 ? batch.field(r, idPos) : String(first + r + 1), prob[r]);
    out.flush();
  }
  if (out.count === 0) throw new DataError('EMPTY_FILE', `${name}: no rows after the header`, { file: name });
  return out.finish();
}

/** Scores a JSON array of records with the same strict checks as POST /predict. */
export function scoreRecords(served: ServedModel, records: Record<string, unknown>[], format: BatchFormat): BatchResult {
  const { model } = served;
  const n = records.length;
  if (n === 0) throw httpError('BAD_REQUEST', 'the batch is empty: send at least one customer');
  const width = model.width;
  const rows = new Float64Array(n * width);
  const prob = new Float64Array(n);
  const idName = model.artifact.schema.id;
  const ids: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const record = records[i];
    encodeRecord(served, record, rows, i * width, `customers[${i}]`);
    const id = idName === null ? undefined : record[idName];
    ids[i] = typeof id === 'string' || typeof id === 'number' ? String(id) : String(i + 1);
  }
  model.predictProba(rows, n, prob);
  const out = new Renderer(format, model.threshold, idName ?? 'row');
  for (let i = 0; i < n; i++) out.add(ids[i], prob[i]);
  return out.finish();
}
