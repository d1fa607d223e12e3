import type { DatasetSchema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import { DataError } from '../errors.js';
import type { FeatureMatrix, FeatureSpec } from './types.js';

/** The model's view of the schema's feature columns. */
export function featureSpecs(schema: DatasetSchema): FeatureSpec[] {
  return schema.features.map((f) => (f.kind === 'categorical' ? { name: f.name, kind: 'categorical', levels: f.levels ?? [] } : { name: f.name, kind: 'numeric' }));
}

/**
 * Builds the feature matrix of a table read for training, in the schema's feature order.
 * Categorical values become level indexes of the schema's levels; blanks become NaN.
 */
export function tableToMatrix(table: Table, schema: DatasetSchema): FeatureMatrix {
  const features = featureSpecs(schema);
  const columns = schema.features.map((f) => {
    const col = table.columns.find((c) => c.name === f.name);
    if (!col) throw new DataError('MISSING_COLUMN', `${table.file}: column "${f.name}" is missing`, { file: table.file, column: f.name });
    const out = new Float64Array(table.nRows);
    if (f.kind === 'numeric') {
      out.set(col.numbers);
      return out;
    }
    // The training table's dictionary order is the schema's level order (both first-seen).
    const codes = col.codes;
    for (let i = 0; i < table.nRows; i++) out[i] = codes[i] < 0 ? Number.NaN : codes[i];
    return out;
  });
  return { nRows: table.nRows, features, columns };
}
