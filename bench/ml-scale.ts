/**
 * Child of bench/ml.ts: gbdt training at 10k / 100k / 1M resampled Telco rows, scoring speed on
 * pre-encoded and raw rows, and `churn predict` end to end on a 1M-row CSV. Prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { idCandidates, inferSchema } from '../src/data/schema.js';
import { readTable } from '../src/data/table.js';
import { saveArtifact } from '../src/model/artifact.js';
import { tableToMatrix } from '../src/model/dataset.js';
import { fitGbdt } from '../src/model/gbdt/estimator.js';
import { trainFromFile } from '../src/model/train.js';
import { takeLabels, takeRows, toRowMajor } from '../src/model/types.js';
import { ROOT, TELCO, TELCO_SPLIT, minOf, peakRssMiB, resampleIndex } from './common.js';

const work = join(tmpdir(), 'churn-bench');
mkdirSync(work, { recursive: true });
const log = (s: string) => process.stderr.write(`${s}\n`);

const table = await readTable(TELCO, { keepStrings: (h) => idCandidates(h, 'customerID') });
const { schema, y } = inferSchema(table, { target: 'Churn', id: 'customerID', positive: 'Yes' });
const X = tableToMatrix(table, schema);
const N = 1_000_000;
const index = Int32Array.from({ length: N }, (_, j) => resampleIndex(j, table.nRows));

const train: { rows: number; seconds: number; peak_rss_mib: number }[] = [];
for (const rows of [10_000, 100_000, N]) {
  const idx = index.subarray(0, rows);
  const Xs = takeRows(X, idx);
  const ys = takeLabels(y, idx);
  const fit = () => fitGbdt(Xs, ys, { maxRounds: 100, earlyStoppingRounds: 0, seed: 42 });
  const runs = rows === N ? 1 : 3;
  const { seconds } = minOf(runs, fit);
  train.push({ rows, seconds, peak_rss_mib: peakRssMiB() });
  log(`gbdt ${rows} rows: ${seconds.toFixed(2)} s, peak RSS ${peakRssMiB().toFixed(0)} MiB`);
}

// Scoring with the model fitted on the Telco train rows (the one a user would serve).
const trainedGbdt = await trainFromFile({ data: TELCO, target: 'Churn', id: 'customerID', positive: 'Yes', splitFile: TELCO_SPLIT, model: 'gbdt' });
const trainedAuto = await trainFromFile({ data: TELCO, target: 'Churn', id: 'customerID', positive: 'Yes', splitFile: TELCO_SPLIT });
const gbdt = trainedGbdt.model.fitted as ReturnType<typeof fitGbdt>;
const Xbig = takeRows(X, index);
const raw = toRowMajor(Xbig);
const p = X.features.length;
const bins = new Uint8Array(N * p);
const out = new Float64Array(N);
gbdt.binRows(raw, N, bins);
const binned = minOf(3, () => gbdt.predictBinned(bins, N, out));
const rawScore = minOf(3, () => gbdt.predictMargins(raw, N, out));
log(`scoring: ${(N / binned.seconds).toFixed(0)} rows/s pre-encoded, ${(N / rawScore.seconds).toFixed(0)} rows/s raw`);

// A 1M-row CSV in the Telco layout (ids made unique), scored by the CLI.
const csv = join(work, 'telco-1m.csv');
const ids = table.columns.find((c) => c.name === 'customerID')?.strings ?? [];
const lines: string[] = [];
const ws = createWriteStream(csv);
const src = (await import('node:fs')).readFileSync(TELCO, 'utf8').split(/\r?\n/);
ws.write(`${src[0]}\n`);
for (let j = 0; j < N; j++) {
  const s = index[j];
  lines.push(`${ids[s]}-${j}${src[s + 1].slice(ids[s].length)}`);
  if (lines.length === 10_000) {
    if (!ws.write(`${lines.join('\n')}\n`)) await once(ws, 'drain');
    lines.length = 0;
  }
}
ws.end(`${lines.join('\n')}\n`);
await once(ws, 'finish');
const cliRate = async (name: string, artifact: typeof trainedGbdt.artifact): Promise<number> => {
  const modelPath = join(work, `${name}.json`);
  await saveArtifact(modelPath, artifact);
  let best = Infinity;
  for (let r = 0; r < 2; r++) {
    const t = performance.now();
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'churn.js'), 'predict', '--model', modelPath, '--data', csv, '--out', join(work, `${name}-scores.csv`)], { stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`churn predict exited ${res.status}`);
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  log(`churn predict (${name}): ${best.toFixed(2)} s for ${N} rows`);
  return N / best;
};
const cliGbdt = await cliRate('gbdt', trainedGbdt.artifact);
const cliAuto = await cliRate('auto', trainedAuto.artifact);
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    train,
    score: {
      gbdt_binned_rows_per_s: N / binned.seconds,
      gbdt_raw_rows_per_s: N / rawScore.seconds,
      cli_gbdt_rows_per_s: cliGbdt,
      cli_auto_rows_per_s: cliAuto,
      auto_chosen: trainedAuto.artifact.hyperparameters.chosen,
    },
    peak_rss_mib: peakRssMiB(),
  })}\n`,
);
