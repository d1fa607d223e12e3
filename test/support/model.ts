import { mkdtempSync, rmSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { TELCO_COLUMNS, generateCustomerRows, writeCustomersCsv } from '../../src/data/generate.js';
import { saveArtifact } from '../../src/model/artifact.js';
import type { ChurnModel } from '../../src/model/churn-model.js';
import { trainFromFile } from '../../src/model/train.js';

export interface TestModel {
  dir: string;
  /** The saved model file. */
  path: string;
  /** The training data (demo customers, Telco layout). */
  data: string;
  model: ChurnModel;
}

const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);
let shared: Promise<TestModel> | undefined;

/**
 * A small model trained once per test file (each file runs in its own process): 2000 demo
 * customers, logistic unless asked otherwise. The folder is removed after the file.
 */
export function testModel(kind: 'logistic' | 'gbdt' = 'logistic'): Promise<TestModel> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'churn-api-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const data = join(dir, 'customers.csv');
    const out = createWriteStream(data);
    await writeCustomersCsv(out, 2000, 7);
    out.end();
    await finished(out);
    const trained = await trainFromFile({ data, target: 'Churn', id: 'customerID', positive: 'Yes', model: kind, seed: 7 });
    const path = join(dir, 'model.json');
    await saveArtifact(path, trained.artifact);
    return { dir, path, data, model: trained.model };
  })();
  return shared;
}

/** Demo customers as JSON records (numbers as numbers), with their ids; different seed from the training data. */
export function sampleCustomers(n: number, seed = 99): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  for (const row of generateCustomerRows(n, seed)) {
    const rec: Record<string, string | number> = {};
    TELCO_COLUMNS.forEach((c, i) => {
      if (c === 'Churn') return;
      rec[c] = NUMERIC.has(c) && row[i].trim() !== '' ? Number(row[i]) : row[i];
    });
    out.push(rec);
  }
  return out;
}

/** The same customers as CSV text (header + rows, Telco layout, no target). */
export function customersCsv(records: Record<string, string | number>[]): string {
  const cols = TELCO_COLUMNS.filter((c) => c !== 'Churn');
  return `${cols.join(',')}\n${records.map((r) => cols.map((c) => String(r[c])).join(',')).join('\n')}\n`;
}
