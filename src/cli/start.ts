import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { ensureDemoModel } from '../model/demo.js';
import { keyValueTable, metricsTable } from './format.js';
import type { Cli } from './main.js';

/**
 * `npm start`: make sure a model exists (training one on generated demo data if needed), show
 * what it is, then serve it on HOST:PORT until SIGTERM/SIGINT.
 */
export function registerStartCommand(program: Command, cli: Cli): void {
  program
    .command('start', { hidden: true })
    .description('prepare the model (training a demo one if none exists) and serve it')
    .action(async () => {
      // Loaded here, not at the top: every other command would pay for the HTTP stack at start-up.
      const { runServer } = await import('../api/server.js');
      const config = loadConfig();
      // A cluster worker (WORKERS > 1) runs this command again: the primary has prepared and shown the model already.
      if (cluster.isWorker) return runServer({ config });
      const { model, trained } = await ensureDemoModel({ modelPath: config.modelPath, dataDir: config.dataDir, rows: config.demoRows, seed: config.demoSeed, log: cli.info });
      const a = model.artifact;
      cli.out(
        keyValueTable([
          ['model', `${config.modelPath} (version ${model.version})`],
          ['kind', String(a.hyperparameters.chosen ?? a.hyperparameters.model)],
          ['trained on', `${a.training.dataFile}, ${a.training.trainRows} rows${trained ? ' (just now)' : ''}`],
          ['threshold', a.threshold.value.toFixed(4)],
        ]),
      );
      if (a.metrics.test) cli.out(`\ntest metrics\n${metricsTable(a.metrics.test)}`);
      await runServer({ config, model });
    });
}
