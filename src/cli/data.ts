import type { Command } from 'commander';
import { writeCustomersCsv } from '../data/generate.js';
import { createAtomicWriteStream } from '../io/atomic-file.js';
import { intOption } from './options.js';
import type { Cli } from './main.js';

export function registerDataCommands(program: Command, cli: Cli): void {
  const data = program.command('data').description('work with customer data files');
  data
    .command('generate')
    .description('write demo customers in the Telco churn layout, with a learnable churn mechanism')
    .requiredOption('--rows <n>', 'number of customers', intOption(1, 100_000_000))
    .option('--seed <s>', 'random seed (same seed, same file)', intOption(0, 2 ** 32 - 1), 42)
    .requiredOption('--out <file>', 'CSV file to write')
    .action(async (o: { rows: number; seed: number; out: string }) => {
      const file = await createAtomicWriteStream(o.out);
      const progress = cli.progress();
      try {
        await writeCustomersCsv(file.stream, o.rows, o.seed, (d, t) => progress.update('generating', d, t));
        await file.commit();
      } catch (e) {
        await file.abort();
        throw e;
      } finally {
        progress.done();
      }
      cli.info(`wrote ${o.rows} customers to ${o.out}`);
    });
}
