import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCustomersCsv } from '../../src/data/generate.js';
import { artifactChecksum, loadArtifact, saveArtifact, type ModelArtifact } from '../../src/model/artifact.js';
import { ChurnModel } from '../../src/model/churn-model.js';
import { evaluateCsv } from '../../src/model/score-csv.js';
import { trainFromFile, type TrainResult } from '../../src/model/train.js';
import { codeOfAsync } from '../support/errors.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const data = tmp.path('customers.csv');
let auto: TrainResult;


beforeAll(async () => {
  const out = createWriteStream(data);
  await writeCustomersCsv(out, 2500, 5);
  out.end();
  await once(out, 'finish');
  auto = await trainFromFile({ data, target: 'Churn', seed: 3 });
}, 120_000);

describe('training pipeline', () => {
  it('selects a model by cross-validation on training rows and records how', () => {
    const a = auto.artifact;
    expect(a.training).toMatchObject({ rows: 2500, trainRows: 2000, testRows: 500, split: { method: 'fraction', testFraction: 0.2, seed: 3 } });
    const sel = a.selection as { folds: number; chosen: string; candidates: { name: string; cv_log_loss: number }[] };
    expect(sel.folds).toBe(3);
    const best = Math.min(...sel.candidates.map((c) => c.cv_log_loss));
    expect(sel.candidates.find((c) => c.name === sel.chosen)?.cv_log_loss).toBe(best);
    expect(a.training.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.threshold.source).toMatch(/out-of-fold/);
    expect(a.metrics.test?.roc_auc).toBeGreaterThan(0.78);
  });

  it('explains each prediction additively: bias + contributions = log-odds', () => {
    const model = auto.model;
    const rows = new Float64Array(model.width * 3);
    const lines = readFileSync(data, 'utf8').split('\n');
    const header = lines[0].split(',');
    const cols = model.encoder.columnsFor(header, 'x');
    for (let r = 0; r < 3; r++) model.encoder.encodeFields(lines[r + 1].split(','), cols, rows, r * model.width, () => '');
    const margins = new Float64Array(3);
    model.fitted.predictMargins(rows, 3, margins);
    for (let r = 0; r < 3; r++) {
      const row = rows.subarray(r * model.width, (r + 1) * model.width);
      const { bias, values } = model.fitted.contributions(row);
      const sum = values.reduce((s, v) => s + v, bias);
      expect(sum).toBeCloseTo(margins[r], 9);
      // Into a caller's buffer (stale values in it are overwritten), the same explanation.
      const out = new Float64Array(model.width).fill(7);
      const into = model.fitted.contributions(row, out);
      expect(into.values).toBe(out);
      expect(into.bias).toBe(bias);
      expect(Array.from(out)).toEqual(Array.from(values));
      const top = model.explain(row, 3);
      expect(top).toHaveLength(3);
      expect(Math.abs(top[0].contribution)).toBeGreaterThanOrEqual(Math.abs(top[2].contribution));
    }
  });

  it('saves and reloads a model that predicts identically', async () => {
    const path = tmp.path('model.json');
    await saveArtifact(path, auto.artifact);
    const loaded = await ChurnModel.load(path);
    expect(loaded.version).toBe(auto.model.version);
    const r1 = await evaluateCsv(auto.model, data);
    const r2 = await evaluateCsv(loaded, data);
    expect(r2.metrics).toEqual(r1.metrics);
  });

  it('refuses altered, foreign, newer and structurally broken model files', async () => {
    const good = JSON.parse(readFileSync(tmp.path('model.json'), 'utf8')) as ModelArtifact;
    const write = (name: string, doc: unknown) => {
      const p = tmp.path(name);
      writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return p;
    };
    expect(await codeOfAsync(loadArtifact(write('altered.json', { ...good, threshold: { ...good.threshold, value: 0.99 } })))).toBe('MODEL_CORRUPTED');
    expect(await codeOfAsync(loadArtifact(write('foreign.json', { format: 'something-else' })))).toBe('MODEL_NOT_OURS');
    expect(await codeOfAsync(loadArtifact(write('text.json', 'hello')))).toBe('MODEL_NOT_OURS');
    expect(await codeOfAsync(loadArtifact(tmp.path('missing.json')))).toBe('MODEL_NOT_FOUND');
    const newer = { ...good, formatVersion: 99 };
    expect(await codeOfAsync(loadArtifact(write('newer.json', { ...newer, checksum: artifactChecksum(newer) })))).toBe('MODEL_VERSION');
    // Resealed with a valid checksum but an impossible model inside: caught by validation.
    const broken = { ...good, model: { ...good.model, state: { nonsense: true } } };
    const path = write('broken.json', { ...broken, checksum: artifactChecksum(broken) });
    expect(await codeOfAsync(ChurnModel.load(path))).toBe('MODEL_CORRUPTED');
  });

  it('trains on every row with --test-fraction 0 and honours a fixed threshold', async () => {
    const r = await trainFromFile({ data, target: 'Churn', model: 'logistic', testFraction: 0, threshold: 0.35 });
    expect(r.artifact.training.testRows).toBe(0);
    expect(r.artifact.metrics.test).toBeUndefined();
    expect(r.artifact.threshold).toMatchObject({ value: 0.35, criterion: 'fixed' });
  });

  it('uses a split file and evaluates only its test rows', async () => {
    const lines = readFileSync(data, 'utf8').trimEnd().split('\n').slice(1);
    const split = tmp.file('split.csv', `customerID,split\n${lines.map((l, i) => `${l.split(',')[0]},${i % 4 === 0 ? 'test' : 'train'}`).join('\n')}\n`);
    const r = await trainFromFile({ data, target: 'Churn', model: 'gbdt', splitFile: split });
    expect(r.artifact.training).toMatchObject({ trainRows: 1875, testRows: 625, split: { method: 'file' } });
    const ev = await evaluateCsv(r.model, data, { splitFile: split });
    expect(ev.rows).toBe(625);
    expect(ev.metrics.roc_auc).toBeCloseTo(r.artifact.metrics.test?.roc_auc ?? 0, 12);
  });
});
