/**
 * Modelling benchmarks on the reference Telco data and split (../shared/data), compared with
 * the scikit-learn / XGBoost figures measured on these machines (../shared/bench).
 * Run: npm run bench:ml   (add --quick to skip the 1M-row parts)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idCandidates, inferSchema } from '../src/data/schema.js';
import { applySplitFile, makeSplit, readSplitFile } from '../src/data/split.js';
import { readTable } from '../src/data/table.js';
import { tableToMatrix } from '../src/model/dataset.js';
import { fitGbdt } from '../src/model/gbdt/estimator.js';
import { fitLogistic } from '../src/model/logistic/estimator.js';
import { computeMetrics } from '../src/model/metrics.js';
import { selectModel } from '../src/model/select.js';
import { predictProbability, trainFromFile } from '../src/model/train.js';
import { takeLabels, takeRows, type FittedModel } from '../src/model/types.js';
import { ROOT, SHARED, TELCO, TELCO_SPLIT, minOf, printTable, readJsonl, writeResult } from './common.js';

interface Anchor {
  model: string;
  roc_auc?: number;
  brier?: number;
  pr_auc?: number;
  log_loss?: number;
  train_seconds: number;
  n_rows?: number;
  predict_rows_per_second_model_only?: number;
}

if (!existsSync(TELCO)) {
  console.error(`bench:ml needs the reference data at ${TELCO}`);
  process.exit(3);
}
const quick = process.argv.includes('--quick');
const anchors = readJsonl<Anchor>(join(SHARED, 'bench', 'ml-anchors-telco.jsonl'));
const scaleAnchors = readJsonl<Anchor>(join(SHARED, 'bench', 'ml-anchors-scale.jsonl'));
const anchor = (m: string) => anchors.find((a) => a.model === m);

// 1. The split reproduces the reference file byte for byte.
const table = await readTable(TELCO, { keepStrings: (h) => idCandidates(h, 'customerID') });
const { schema, y } = inferSchema(table, { target: 'Churn', id: 'customerID', positive: 'Yes' });
const ids = table.columns.find((c) => c.name === 'customerID')?.strings ?? [];
const made = makeSplit(ids, y, 0.2, 42);
const madeText = `customerID,split\n${ids.map((id, i) => `${id},${made[i] ? 'test' : 'train'}`).join('\n')}\n`;
const splitIdentical = madeText === readFileSync(TELCO_SPLIT, 'utf8');
const isTest = applySplitFile(await readSplitFile(TELCO_SPLIT), ids, table.lines, TELCO, TELCO_SPLIT);

const X = tableToMatrix(table, schema);
const trainIdx: number[] = [];
const testIdx: number[] = [];
isTest.forEach((t, i) => (t ? testIdx : trainIdx).push(i));
const Xtr = takeRows(X, trainIdx);
const ytr = takeLabels(y, trainIdx);
const Xte = takeRows(X, testIdx);
const yte = takeLabels(y, testIdx);
const trainIds = trainIdx.map((i) => ids[i]);

// 2. Quality and training time on the Telco split (fit time: min of 3 runs, after a warm-up).
const quality: Record<string, string | number>[] = [];
const results: Record<string, unknown> = { split_identical_to_reference: splitIdentical };
const fits: [string, () => FittedModel, string][] = [
  ['logistic', () => fitLogistic(Xtr, ytr), 'logistic_regression'],
  ['gbdt', () => fitGbdt(Xtr, ytr, { seed: 42 }), 'xgboost'],
  ['auto', () => selectModel(Xtr, ytr, trainIds, { seed: 42 }).model, 'logistic_regression'],
];
for (const [name, fit, ref] of fits) {
  fit();
  const { seconds, result: model } = minOf(3, fit);
  const m = computeMetrics(yte, predictProbability(model, Xte), 0.5);
  const a = anchor(ref);
  results[name] = { ...m, fit_seconds: seconds, chosen: model.type };
  quality.push({ model: name, kind: model.type, roc_auc: m.roc_auc, pr_auc: m.pr_auc, brier: m.brier, log_loss: m.log_loss, fit_s: seconds, ref: ref, ref_auc: a?.roc_auc ?? '', ref_brier: a?.brier ?? '', ref_fit_s: a?.train_seconds ?? '' });
}
const hgb = anchor('hist_gradient_boosting');
quality.push({ model: 'sklearn HGB', kind: 'reference', roc_auc: hgb?.roc_auc ?? '', pr_auc: hgb?.pr_auc ?? '', brier: hgb?.brier ?? '', log_loss: hgb?.log_loss ?? '', fit_s: hgb?.train_seconds ?? '' });

// The whole `train` pipeline as a user runs it (read, hash, split, select, threshold, metrics).
const t0 = performance.now();
const trained = await trainFromFile({ data: TELCO, target: 'Churn', id: 'customerID', positive: 'Yes', splitFile: TELCO_SPLIT });
const pipeline = { seconds: (performance.now() - t0) / 1000 };
results.train_pipeline_auto = { seconds: pipeline.seconds, chosen: trained.artifact.selection, test: trained.artifact.metrics.test };

console.log(`\nTelco split (${trainIdx.length} train / ${testIdx.length} test); split identical to reference: ${splitIdentical}\n`);
printTable(quality);
console.log(`\nchurn train --model auto, whole pipeline: ${pipeline.seconds.toFixed(2)} s (chosen: ${String(trained.artifact.hyperparameters.chosen)})`);

// 3. Scale and scoring run in a child process so its peak memory is its own.
if (!quick) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'ml-scale.ts')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', cwd: ROOT });
  if (child.status !== 0) {
    console.error('scale benchmark failed');
    process.exit(3);
  }
  const scale = JSON.parse(child.stdout.split('\n').filter((l) => l.startsWith('{')).pop() ?? '{}');
  results.scale = scale;
  const rows: Record<string, string | number>[] = scale.train.map((r: { rows: number; seconds: number; peak_rss_mib: number }) => ({
    rows: r.rows,
    gbdt_100_rounds_s: r.seconds,
    peak_rss_mib: r.peak_rss_mib,
    ref_hgb_s: scaleAnchors.find((a) => a.model === 'hist_gradient_boosting' && a.n_rows === r.rows)?.train_seconds ?? '',
    ref_xgb_s: scaleAnchors.find((a) => a.model === 'xgboost' && a.n_rows === r.rows)?.train_seconds ?? '',
  }));
  console.log('\nScale: gbdt training, Telco rows resampled (100 rounds, early stopping off)\n');
  printTable(rows);
  console.log('\nScoring\n');
  printTable([
    { what: 'gbdt, pre-encoded rows (model only)', rows_per_s: scale.score.gbdt_binned_rows_per_s, reference: `xgboost ${anchor('xgboost')?.predict_rows_per_second_model_only?.toFixed(0)}` },
    { what: 'gbdt, raw rows incl. binning', rows_per_s: scale.score.gbdt_raw_rows_per_s, reference: '' },
    { what: 'churn predict CSV->CSV, gbdt model', rows_per_s: scale.score.cli_gbdt_rows_per_s, reference: '' },
    { what: 'churn predict CSV->CSV, auto model', rows_per_s: scale.score.cli_auto_rows_per_s, reference: '' },
  ]);
}
console.log(`\nwritten: ${writeResult('ml', { measured_at: new Date().toISOString(), node: process.version, ...results })}`);
