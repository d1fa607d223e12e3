import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeCustomersCsv } from '../data/generate.js';
import { createAtomicWriteStream } from '../io/atomic-file.js';
import { saveArtifact } from './artifact.js';
import { ChurnModel } from './churn-model.js';
import { trainFromFile, type TrainResult } from './train.js';

/**
 * A fresh checkout has no model: generate demo customers, train on them and save the model, so
 * the service can start with something real to serve.
 */
export async function ensureDemoModel(opts: { modelPath: string; dataDir: string; rows: number; seed: number; log?: (line: string) => void }): Promise<{ model: ChurnModel; trained: TrainResult | null }> {
  if (existsSync(opts.modelPath)) return { model: await ChurnModel.load(opts.modelPath), trained: null };
  const csv = join(opts.dataDir, 'demo-customers.csv');
  opts.log?.(`no model at ${opts.modelPath}: generating ${opts.rows} demo customers in ${csv} and training one`);
  const file = await createAtomicWriteStream(csv);
  try {
    await writeCustomersCsv(file.stream, opts.rows, opts.seed);
    await file.commit();
  } catch (e) {
    await file.abort();
    throw e;
  }
  const trained = await trainFromFile({ data: csv, target: 'Churn', id: 'customerID', positive: 'Yes', seed: opts.seed });
  await saveArtifact(opts.modelPath, trained.artifact);
  return { model: trained.model, trained };
}
