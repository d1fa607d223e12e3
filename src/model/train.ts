import { basename } from 'node:path';
import { hashFile } from '../data/hash-file.js';
import { idCandidates, inferSchema, type InferSchemaOptions } from '../data/schema.js';
import { applySplitFile, makeSplit, readSplitFile } from '../data/split.js';
import { readTable } from '../data/table.js';
import { DataError, UsageError } from '../errors.js';
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, sealArtifact, type ModelArtifact } from './artifact.js';
import { ChurnModel } from './churn-model.js';
import { tableToMatrix } from './dataset.js';
import { DEFAULT_GBDT_PARAMS, fitGbdt, type GbdtParams } from './gbdt/estimator.js';
import { DEFAULT_LOGISTIC_PARAMS, fitLogistic, type LogisticParams } from './logistic/estimator.js';
import { chooseThreshold, computeMetrics, type Metrics } from './metrics.js';
import { AUTO_CANDIDATES, selectModel, withOverrides, type Selection } from './select.js';
import { sigmoid, takeLabels, takeRows, toRowMajor, type FeatureMatrix, type FittedModel } from './types.js';

export type ModelChoice = 'auto' | 'logistic' | 'gbdt';
export type ThresholdCriterion = 'f1' | 'youden' | 'accuracy';

export interface TrainOptions extends InferSchemaOptions {
  data: string;
  model?: ModelChoice;
  splitFile?: string;
  /** Share of rows held out for testing when no split file is given; 0 trains on every row. */
  testFraction?: number;
  seed?: number;
  threshold?: ThresholdCriterion | number;
  logistic?: Partial<LogisticParams>;
  gbdt?: Partial<GbdtParams>;
  /** Progress by stage: reading, selecting, fitting. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface TrainResult {
  artifact: ModelArtifact;
  model: ChurnModel;
  notices: string[];
}

const MIN_ROWS_PER_CLASS = 5;

/**
 * The training pipeline: read and type the file, split it, fit (or select) the model on the
 * training rows only, choose the threshold on training data, measure on the test rows, and
 * package everything as one artifact.
 */
export async function trainFromFile(opts: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const seed = opts.seed ?? 42;
  const choice = opts.model ?? 'auto';
  if (!['auto', 'logistic', 'gbdt'].includes(choice)) throw new UsageError(`--model must be auto, logistic or gbdt, got "${choice}"`);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  const testFraction = opts.testFraction ?? 0.2;
  if (!(testFraction >= 0 && testFraction < 1)) throw new UsageError(`--test-fraction must be at least 0 and below 1, got ${testFraction}`);
  if (opts.splitFile !== undefined && opts.testFraction !== undefined) throw new UsageError('give either --split-file or --test-fraction, not both');

  const [dataSha256, table] = await Promise.all([
    hashFile(opts.data),
    readTable(opts.data, {
      keepStrings: (header) => idCandidates(header, opts.id),
      onProgress: (b, t) => opts.onProgress?.('reading', b, t),
    }),
  ]);
  const { schema, y, notices } = inferSchema(table, opts);
  const idCol = schema.id === null ? null : table.columns.find((c) => c.name === schema.id);
  const ids = idCol?.strings ?? Array.from({ length: table.nRows }, (_, i) => `row${i + 1}`);
  if (schema.id === null) notices.push('no id column found: rows are identified by their position (say which column is the id with --id)');

  let isTest: Uint8Array;
  let split: ModelArtifact['training']['split'];
  if (opts.splitFile !== undefined) {
    if (schema.id === null) throw new UsageError('--split-file joins on the id column: name it with --id');
    isTest = applySplitFile(await readSplitFile(opts.splitFile), ids, table.lines, opts.data, opts.splitFile);
    split = { method: 'file', seed, splitFile: basename(opts.splitFile) };
  } else if (testFraction > 0) {
    isTest = makeSplit(ids, y, testFraction, seed);
    split = { method: 'fraction', testFraction, seed };
  } else {
    isTest = new Uint8Array(table.nRows);
    split = { method: 'none', seed };
  }

  const X = tableToMatrix(table, schema);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < table.nRows; i++) (isTest[i] ? testIdx : trainIdx).push(i);
  const Xtrain = takeRows(X, trainIdx);
  const ytrain = takeLabels(y, trainIdx);
  checkClassCounts(ytrain, opts.data, 'training');

  const fitted = fitChosen(choice, Xtrain, ytrain, trainIdx.map((i) => ids[i]), seed, opts);
  const threshold = decideThreshold(opts.threshold ?? 'f1', ytrain, fitted.trainProbability, fitted.thresholdSource);

  let testMetrics: Metrics | undefined;
  if (testIdx.length > 0) {
    const Xtest = takeRows(X, testIdx);
    const ytest = takeLabels(y, testIdx);
    if (ytest.includes(0) && ytest.includes(1)) testMetrics = computeMetrics(ytest, predictProbability(fitted.model, Xtest), threshold.value);
    else notices.push('the test rows hold only one class: no test metrics');
  }

  const artifact = sealArtifact({
    format: ARTIFACT_FORMAT,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    schema,
    model: fitted.model.toState(),
    threshold,
    metrics: { ...(testMetrics ? { test: testMetrics } : {}), ...(fitted.validation ? { validation: fitted.validation } : {}) },
    hyperparameters: fitted.hyperparameters,
    ...(fitted.selection ? { selection: { folds: fitted.selection.folds, chosen: fitted.selection.chosen.name, candidates: fitted.selection.scores } } : {}),
    training: {
      dataFile: basename(opts.data),
      dataSha256,
      rows: table.nRows,
      trainRows: trainIdx.length,
      testRows: testIdx.length,
      split,
      seconds: (performance.now() - started) / 1000,
      tool: 'churn-predictor',
    },
  });
  return { artifact, model: new ChurnModel(artifact, fitted.model), notices };
}

interface Fitted {
  model: FittedModel;
  trainProbability: Float64Array;
  thresholdSource: string;
  hyperparameters: Record<string, unknown>;
  selection?: Selection;
  validation?: Record<string, number>;
}

function fitChosen(choice: ModelChoice, X: FeatureMatrix, y: Uint8Array, ids: string[], seed: number, opts: TrainOptions): Fitted {
  const progress = (done: number, total: number) => opts.onProgress?.('fitting', done, total);
  if (choice === 'auto') {
    const selection = selectModel(X, y, ids, { seed, onProgress: progress, candidates: withOverrides(AUTO_CANDIDATES, opts.logistic, opts.gbdt) });
    return {
      model: selection.model,
      trainProbability: selection.oofProbability,
      thresholdSource: `${selection.folds}-fold out-of-fold predictions on the training rows`,
      hyperparameters: { model: 'auto', chosen: selection.chosen.kind, ...selection.chosen.params, seed },
      selection,
      validation: { cv_log_loss: selection.chosen.cv_log_loss, cv_roc_auc: selection.chosen.cv_roc_auc },
    };
  }
  const model =
    choice === 'logistic' ? fitLogistic(X, y, opts.logistic ?? {}, { onProgress: progress }) : fitGbdt(X, y, { seed, ...(opts.gbdt ?? {}) }, { onProgress: progress });
  const params = choice === 'logistic' ? { ...DEFAULT_LOGISTIC_PARAMS, ...opts.logistic } : { ...DEFAULT_GBDT_PARAMS, seed, ...opts.gbdt };
  return {
    model,
    trainProbability: predictProbability(model, X),
    thresholdSource: 'predictions on the training rows',
    hyperparameters: { model: choice, ...params },
  };
}

export function predictProbability(model: FittedModel, X: FeatureMatrix): Float64Array {
  const out = new Float64Array(X.nRows);
  model.predictMargins(toRowMajor(X), X.nRows, out);
  for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
  return out;
}

function decideThreshold(spec: ThresholdCriterion | number, y: Uint8Array, p: Float64Array, source: string): ModelArtifact['threshold'] {
  if (typeof spec === 'number') {
    if (!(spec > 0 && spec < 1)) throw new UsageError(`--threshold must be a probability between 0 and 1 or one of f1, youden, accuracy; got ${spec}`);
    return { value: spec, criterion: 'fixed', source: 'given with --threshold' };
  }
  if (!['f1', 'youden', 'accuracy'].includes(spec)) throw new UsageError(`--threshold must be f1, youden, accuracy or a probability; got "${spec}"`);
  return { value: chooseThreshold(y, p, spec), criterion: `max ${spec}`, source };
}

function checkClassCounts(y: Uint8Array, file: string, what: string): void {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const neg = y.length - pos;
  if (pos < MIN_ROWS_PER_CLASS || neg < MIN_ROWS_PER_CLASS) {
    throw new DataError('TOO_FEW_ROWS', `${file}: the ${what} rows need at least ${MIN_ROWS_PER_CLASS} of each class (found ${pos} churned, ${neg} not)`, { file });
  }
}
