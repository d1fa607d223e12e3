import { ChurnModel } from '../model/churn-model.js';
import { ChurnError, ModelFileError } from '../errors.js';

/** A loaded model plus what serving it needs, prepared once so requests allocate nothing. */
export interface ServedModel {
  model: ChurnModel;
  path: string;
  loadedAt: Date;
  /** Fields a record may carry besides the features: the id and the target are ignored. */
  ignoredFields: ReadonlySet<string>;
  featureNames: ReadonlySet<string>;
  /** Indexes of numeric features, for the range check. */
  numeric: Int32Array;
  /** Scratch row and output for one-record predictions (requests run one at a time on the event loop). */
  row: Float64Array;
  out: Float64Array;
}

export function serve(model: ChurnModel, path: string): ServedModel {
  const { schema } = model.artifact;
  const numeric = model.encoder.features.flatMap((f, j) => (f.kind === 'numeric' ? [j] : []));
  return {
    model,
    path,
    loadedAt: new Date(),
    ignoredFields: new Set([schema.target, ...(schema.id === null ? [] : [schema.id])]),
    featureNames: new Set(model.encoder.features.map((f) => f.name)),
    numeric: Int32Array.from(numeric),
    row: new Float64Array(model.width),
    out: new Float64Array(1),
  };
}

/** Refuses a model that loads but cannot score: an all-missing record must give a probability. */
function smokeTest(model: ChurnModel, path: string): void {
  const row = new Float64Array(model.width).fill(Number.NaN);
  const out = new Float64Array(1);
  model.predictProba(row, 1, out);
  if (!(out[0] >= 0 && out[0] <= 1)) throw new ModelFileError('MODEL_CORRUPTED', `${path}: the model does not produce a probability for a record`, { file: path });
  model.explain(row, 1);
}

/** The file holds another model than the one asked for: it changed between two reads. */
export class ModelChangedError extends ChurnError {
  constructor(path: string, expected: string, found: string) {
    super('MODEL_CHANGED', `${path} now holds model ${found}, not ${expected}: the file changed in the meantime`, { kind: 'internal', details: { file: path, expected, found } });
  }
}

/**
 * The model being served, swapped whole: a reload reads and checks the new file completely
 * before anything changes, so a bad file leaves the current model serving.
 */
export class ModelHolder {
  #current: ServedModel | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: ((m: ServedModel) => void)[] = [];

  constructor(
    /** The file loaded when a reload names none. */
    readonly defaultPath: string,
    initial?: ChurnModel,
  ) {
    if (initial) this.#current = serve(initial, defaultPath);
  }

  get current(): ServedModel | null {
    return this.#current;
  }

  /** Called after every successful swap (the prediction cache clears itself this way). */
  onSwap(listener: (m: ServedModel) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Loads `path` (default: `defaultPath`), checks it and swaps it in; reloads run one at a time.
   * With `expectVersion` (other workers following one that has reloaded) a file holding any
   * other model is refused, so a file replaced again in between cannot split the service.
   */
  load(path: string = this.defaultPath, options: { expectVersion?: string } = {}): Promise<{ previous: ServedModel | null; current: ServedModel }> {
    const run = this.#queue.then(async () => {
      const model = await ChurnModel.load(path);
      if (options.expectVersion !== undefined && model.version !== options.expectVersion) throw new ModelChangedError(path, options.expectVersion, model.version);
      smokeTest(model, path);
      const previous = this.#current;
      const current = serve(model, path);
      this.#current = current;
      for (const l of this.#listeners) l(current);
      return { previous, current };
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
