import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const data = tmp.path('customers.csv');
const model = tmp.path('model.json');

beforeAll(async () => {
  const gen = await runCli('data', 'generate', '--rows', '3000', '--seed', '11', '--out', data);
  expect(gen.code).toBe(0);
  const train = await runCli('train', '--data', data, '--target', 'Churn', '--out', model, '--json');
  expect(train.stderr).toBe('');
  expect(train.code).toBe(0);
}, 120_000);

describe('churn train / evaluate / predict', () => {
  it('trains a model that ranks churners well and saves a verified artifact', async () => {
    const artifact = JSON.parse(readFileSync(model, 'utf8'));
    expect(artifact.format).toBe('churn-predictor/model');
    expect(artifact.schema.id).toBe('customerID');
    expect(artifact.schema.features.map((f: { name: string }) => f.name)).not.toContain('customerID');
    expect(artifact.training.trainRows + artifact.training.testRows).toBe(3000);
    expect(artifact.metrics.test.roc_auc).toBeGreaterThan(0.78);
    expect(artifact.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('evaluates on a file and prints the contract metrics as JSON', async () => {
    const r = await runCli('evaluate', '--model', model, '--data', data, '--json');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    for (const k of ['roc_auc', 'pr_auc', 'brier', 'log_loss', 'accuracy', 'precision', 'recall', 'f1', 'lift_at_10pct', 'n']) expect(typeof m[k]).toBe('number');
    expect(m.n).toBe(3000);
    expect(m.roc_auc).toBeGreaterThan(0.78);
  });

  it('predicts with explanations, streaming to a file', async () => {
    const out = tmp.path('scores.csv');
    const r = await runCli('predict', '--model', model, '--data', data, '--out', out, '--explain', '2');
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('customerID,probability,prediction,top_factors');
    expect(lines).toHaveLength(3001);
    const source = readFileSync(data, 'utf8').split('\n');
    for (const [i, line] of lines.slice(1).entries()) {
      const [id, p, label] = line.split(',');
      expect(id).toBe(source[i + 1].split(',')[0]);
      expect(Number(p)).toBeGreaterThanOrEqual(0);
      expect(Number(p)).toBeLessThanOrEqual(1);
      expect(['0', '1']).toContain(label);
    }
    expect(lines[1]).toMatch(/"?\w+=.* \([+-]\d\.\d{3}\); \w+=.* \([+-]\d\.\d{3}\)"?$/);
  });

  it('writes JSON lines to standard output', async () => {
    const r = await runCli('predict', '--model', model, '--data', data, '--format', 'jsonl', '--explain', '1');
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3000);
    expect(rows[0].top_factors).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual(['id', 'probability', 'prediction', 'top_factors']);
  });

  it('is deterministic for a seed', async () => {
    const again = tmp.path('again.json');
    expect((await runCli('train', '--data', data, '--target', 'Churn', '--model', 'gbdt', '--out', again)).code).toBe(0);
    const again2 = tmp.path('again2.json');
    expect((await runCli('train', '--data', data, '--target', 'Churn', '--model', 'gbdt', '--out', again2)).code).toBe(0);
    const a = JSON.parse(readFileSync(again, 'utf8'));
    const b = JSON.parse(readFileSync(again2, 'utf8'));
    expect(a.model).toEqual(b.model);
    expect(a.threshold).toEqual(b.threshold);
  });
});

describe('bad input', () => {
  it('names a misspelt target column and exits 2', async () => {
    const r = await runCli('train', '--data', data, '--target', 'churn', '--out', tmp.path('x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('customers.csv');
    expect(r.stderr).toContain('did you mean "Churn"');
    expect(existsSync(tmp.path('x.json'))).toBe(false);
  });

  it('rejects an empty file, a ragged row and a three-class target', async () => {
    const empty = await runCli('train', '--data', tmp.file('empty.csv', ''), '--target', 'Churn', '--out', tmp.path('e.json'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty\.csv: the file is empty/);
    const ragged = await runCli('train', '--data', tmp.file('ragged.csv', 'a,b,Churn\n1,2,Yes\n3,No\n'), '--target', 'Churn', '--out', tmp.path('r.json'));
    expect(ragged.code).toBe(2);
    expect(ragged.stderr).toMatch(/ragged\.csv line 3: expected 3 fields/);
    const three = await runCli('train', '--data', tmp.file('three.csv', 'a,Churn\n1,Yes\n2,No\n3,Maybe\n'), '--target', 'Churn', '--out', tmp.path('t.json'));
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/exactly two classes, found 3/);
  });

  it('refuses text in a numeric column at predict time and leaves no partial output', async () => {
    const lines = readFileSync(data, 'utf8').split('\n');
    const header = lines[0].split(',');
    const tenure = header.indexOf('tenure');
    const bad = lines.slice(0, 2000).map((l, i) => {
      if (i !== 1500) return l;
      const f = l.split(',');
      f[tenure] = 'twelve';
      return f.join(',');
    });
    const input = tmp.file('bad-tenure.csv', bad.join('\n') + '\n');
    const out = tmp.file('keep.csv', 'previous content\n');
    const r = await runCli('predict', '--model', model, '--data', input, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-tenure.csv line 1501: column "tenure" must be a number, found "twelve"');
    expect(readFileSync(out, 'utf8')).toBe('previous content\n');
  });

  it('names missing feature columns at predict time', async () => {
    const r = await runCli('predict', '--model', model, '--data', tmp.file('few.csv', 'customerID,tenure\nA,3\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/few\.csv line 1: the model needs columns .*"gender"/);
  });

  it('refuses a model file that is not ours or was changed', async () => {
    const foreign = await runCli('predict', '--model', tmp.file('foreign.json', '{"weights":[1,2]}'), '--data', data);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('not a churn-predictor model');
    const text = readFileSync(model, 'utf8');
    const changed = text.replace(/"threshold":\{"value":0\.(\d)/, (_m, d: string) => `"threshold":{"value":0.${d === '9' ? '8' : '9'}`);
    expect(changed).not.toBe(text);
    const tampered = tmp.file('tampered.json', changed);
    const r = await runCli('evaluate', '--model', tampered, '--data', data);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('checksum mismatch');
    const garbage = await runCli('evaluate', '--model', tmp.file('garbage.json', 'PK\u0003\u0004 not json'), '--data', data);
    expect(garbage.stderr).toContain('not JSON');
  });

  it('reports bad flags as usage errors', async () => {
    const r = await runCli('data', 'generate', '--rows', 'lots', '--out', tmp.path('g.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rows/);
    const m = await runCli('train', '--data', data, '--target', 'Churn', '--model', 'forest', '--out', tmp.path('f.json'));
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--model must be auto, logistic or gbdt/);
  });
});
