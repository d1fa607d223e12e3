import type { Command } from 'commander';
import { saveArtifact } from '../model/artifact.js';
import { ChurnModel } from '../model/churn-model.js';
import { evaluateCsv, scoreCsv } from '../model/score-csv.js';
import { trainFromFile, type ModelChoice, type ThresholdCriterion } from '../model/train.js';
import { createAtomicWriteStream } from '../io/atomic-file.js';
import { UsageError } from '../errors.js';
import { keyValueTable, metricsTable } from './format.js';
import { floatOption, intOption, listOption } from './options.js';
import type { Cli } from './main.js';

interface TrainFlags {
  data: string;
  target: string;
  id?: string;
  positive?: string;
  model: ModelChoice;
  splitFile?: string;
  testFraction?: number;
  seed: number;
  out: string;
  json?: boolean;
  threshold: string;
  categorical?: string[];
  numeric?: string[];
  drop?: string[];
  classWeight: 'none' | 'balanced';
}

export function registerModelCommands(program: Command, cli: Cli): void {
  program
    .command('train')
    .description('train a churn model on a CSV file and save it')
    .requiredOption('--data <file>', 'training CSV (header row required)')
    .requiredOption('--target <column>', 'the column saying whether the customer churned')
    .option('--id <column>', 'the customer id column (guessed from the header when absent)')
    .option('--positive <value>', 'the target value that means churned (guessed for Yes/No, 1/0, true/false)')
    .option('--model <kind>', 'auto, logistic or gbdt', 'auto')
    .option('--split-file <file>', 'CSV <id>,split with train/test per customer')
    .option('--test-fraction <f>', 'held-out share when no split file is given (0 = none)', floatOption(0, 0.9))
    .option('--seed <s>', 'seed for the split and the model', intOption(0, 2 ** 31 - 1), 42)
    .option('--threshold <t>', 'decision threshold: f1, youden, accuracy (chosen on training data) or a probability', 'f1')
    .option('--categorical <cols>', 'treat these columns as categorical (comma-separated)', listOption)
    .option('--numeric <cols>', 'treat these columns as numeric', listOption)
    .option('--drop <cols>', 'leave these columns out', listOption)
    .option('--class-weight <w>', 'logistic regression class weights: none or balanced', 'none')
    .requiredOption('--out <file>', 'where to write the model (JSON)')
    .option('--json', 'print a machine-readable summary')
    .action(async (o: TrainFlags) => {
      if (o.classWeight !== 'none' && o.classWeight !== 'balanced') throw new UsageError(`--class-weight must be none or balanced, got "${o.classWeight}"`);
      const progress = cli.progress();
      const threshold = /^[0-9.]+$/.test(o.threshold) ? Number(o.threshold) : (o.threshold as ThresholdCriterion);
      let result;
      try {
        result = await trainFromFile({
          data: o.data,
          target: o.target,
          id: o.id,
          positive: o.positive,
          model: o.model,
          splitFile: o.splitFile,
          testFraction: o.testFraction,
          seed: o.seed,
          threshold,
          categorical: o.categorical,
          numeric: o.numeric,
          drop: o.drop,
          logistic: o.classWeight === 'balanced' ? { classWeight: 'balanced' } : undefined,
          onProgress: (stage, d, t) => progress.update(stage, d, t),
        });
      } finally {
        progress.done();
      }
      await saveArtifact(o.out, result.artifact);
      const a = result.artifact;
      if (o.json) {
        cli.out(
          JSON.stringify(
            {
              model: o.out,
              model_version: result.model.version,
              chosen: a.hyperparameters.chosen ?? a.hyperparameters.model,
              threshold: a.threshold.value,
              metrics: a.metrics.test ?? null,
              training: a.training,
              selection: a.selection ?? null,
              notices: result.notices,
            },
            null,
            2,
          ),
        );
        return;
      }
      for (const n of result.notices) cli.info(`note: ${n}`);
      cli.out(
        keyValueTable([
          ['model', `${o.out} (version ${result.model.version})`],
          ['kind', String(a.hyperparameters.chosen ?? a.hyperparameters.model)],
          ['features', String(a.schema.features.length)],
          ['rows', `${a.training.trainRows} train, ${a.training.testRows} test`],
          ['threshold', `${a.threshold.value.toFixed(4)} (${a.threshold.criterion})`],
          ['seconds', a.training.seconds.toFixed(2)],
        ]),
      );
      if (a.metrics.test) cli.out(`\ntest metrics\n${metricsTable(a.metrics.test)}`);
    });

  program
    .command('evaluate')
    .description('measure a saved model on a labelled CSV file')
    .requiredOption('--model <file>', 'model file written by churn train')
    .requiredOption('--data <file>', 'labelled CSV')
    .option('--split-file <file>', 'evaluate only the rows marked test in this split file')
    .option('--json', 'print metrics as JSON')
    .action(async (o: { model: string; data: string; splitFile?: string; json?: boolean }) => {
      const model = await ChurnModel.load(o.model);
      const progress = cli.progress();
      let r;
      try {
        r = await evaluateCsv(model, o.data, { splitFile: o.splitFile, onProgress: (b, t) => progress.update('scoring', b, t) });
      } finally {
        progress.done();
      }
      if (o.json) cli.out(JSON.stringify({ ...r.metrics, rows_with_unknown_categories: r.rowsWithUnknownCategories }, null, 2));
      else {
        cli.out(metricsTable(r.metrics));
        if (r.rowsWithUnknownCategories > 0) cli.info(`note: ${r.rowsWithUnknownCategories} rows had categories the model never saw (scored as missing)`);
      }
    });

  program
    .command('predict')
    .description('score customers in a CSV file (streams; any size)')
    .requiredOption('--model <file>', 'model file written by churn train')
    .requiredOption('--data <file>', 'CSV with the model’s feature columns')
    .option('--out <file>', 'write here instead of standard output (written whole or not at all)')
    .option('--format <f>', 'csv or jsonl', 'csv')
    .option('--explain <k>', 'add the top K factors of each prediction', intOption(0, 1000), 0)
    .action(async (o: { model: string; data: string; out?: string; format: string; explain: number }) => {
      if (o.format !== 'csv' && o.format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got "${o.format}"`);
      const model = await ChurnModel.load(o.model);
      const progress = cli.progress();
      const sink = o.out === undefined ? null : await createAtomicWriteStream(o.out);
      try {
        const summary = await scoreCsv(model, o.data, sink ? sink.stream : cli.stdout, {
          format: o.format,
          explain: o.explain,
          onProgress: (b, t) => progress.update('scoring', b, t),
        });
        progress.done();
        if (sink) {
          await sink.commit();
          cli.info(`scored ${summary.rows} customers into ${o.out} (${summary.predictedChurn} predicted to churn)`);
        }
        if (summary.rowsWithUnknownCategories > 0) cli.info(`note: ${summary.rowsWithUnknownCategories} rows had categories the model never saw (scored as missing)`);
      } catch (e) {
        progress.done();
        await sink?.abort();
        throw e;
      }
    });
}
