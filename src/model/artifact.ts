import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { DatasetSchema } from '../data/schema.js';
import { ModelFileError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import type { Metrics } from './metrics.js';
import type { ModelState } from './types.js';

export const ARTIFACT_FORMAT = 'churn-predictor/model';
export const ARTIFACT_FORMAT_VERSION = 1;
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/**
 * Everything needed to serve, explain and reproduce a model, in one JSON file: the schema the
 * inputs must match, the fitted state, the decision threshold, how it was trained and how well
 * it did. `checksum` covers every other field.
 */
export interface ModelArtifact {
  format: typeof ARTIFACT_FORMAT;
  formatVersion: number;
  createdAt: string;
  schema: DatasetSchema;
  model: ModelState;
  threshold: { value: number; criterion: string; source: string };
  metrics: { test?: Metrics; validation?: Record<string, number> };
  hyperparameters: Record<string, unknown>;
  selection?: unknown;
  training: {
    dataFile: string;
    dataSha256: string;
    rows: number;
    trainRows: number;
    testRows: number;
    split: { method: 'file' | 'fraction' | 'none'; testFraction?: number; seed: number; splitFile?: string };
    seconds: number;
    tool: string;
  };
  checksum: string;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

export function artifactChecksum(a: Omit<ModelArtifact, 'checksum'> & { checksum?: string }): string {
  const { checksum: _ignored, ...rest } = a;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** The short version string shown in predictions: the start of the checksum. */
export function modelVersion(a: ModelArtifact): string {
  return a.checksum.slice('sha256:'.length, 'sha256:'.length + 12);
}

export function sealArtifact(a: Omit<ModelArtifact, 'checksum'>): ModelArtifact {
  return { ...a, checksum: artifactChecksum(a) };
}

export async function saveArtifact(path: string, artifact: ModelArtifact): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(artifact)}\n`);
}

/** Reads and checks a model file; anything but an intact artifact of ours is refused. */
export async function loadArtifact(path: string): Promise<ModelArtifact> {
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ModelFileError('MODEL_NOT_FOUND', `${path}: not a regular file`, { file: path });
    if (st.size > MAX_ARTIFACT_BYTES) throw new ModelFileError('MODEL_NOT_OURS', `${path}: ${st.size} bytes is too large for a model file`, { file: path });
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError('MODEL_NOT_FOUND', `${path}: model file not found or not readable`, { file: path });
  }
  return parseArtifact(text, path);
}

export function parseArtifact(text: string, path: string): ModelArtifact {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ModelFileError('MODEL_NOT_OURS', `${path}: not a churn-predictor model (not JSON)`, { file: path });
  }
  if (!doc || typeof doc !== 'object' || (doc as { format?: unknown }).format !== ARTIFACT_FORMAT) {
    throw new ModelFileError('MODEL_NOT_OURS', `${path}: not a churn-predictor model (no "format": "${ARTIFACT_FORMAT}")`, { file: path });
  }
  const a = doc as ModelArtifact;
  if (a.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new ModelFileError('MODEL_VERSION', `${path}: model format version ${String(a.formatVersion)} is not supported (this build reads ${ARTIFACT_FORMAT_VERSION})`, { file: path });
  }
  if (typeof a.checksum !== 'string' || artifactChecksum(a) !== a.checksum) {
    throw new ModelFileError('MODEL_CORRUPTED', `${path}: checksum mismatch: the file was changed or damaged after it was written`, { file: path });
  }
  const problems = checkArtifactShape(a);
  if (problems.length > 0) throw new ModelFileError('MODEL_CORRUPTED', `${path}: ${problems.join('; ')}`, { file: path, problems });
  return a;
}

function checkArtifactShape(a: ModelArtifact): string[] {
  const p: string[] = [];
  const s = a.schema as Partial<DatasetSchema> | undefined;
  if (!s || typeof s !== 'object') return ['schema: missing'];
  if (typeof s.target !== 'string') p.push('schema.target: expected a string');
  if (typeof s.positive !== 'string') p.push('schema.positive: expected a string');
  if (!Array.isArray(s.features) || s.features.length === 0) p.push('schema.features: expected a non-empty array');
  else
    s.features.forEach((f, i) => {
      if (!f || typeof f.name !== 'string') p.push(`schema.features[${i}].name: expected a string`);
      if (f?.kind !== 'numeric' && f?.kind !== 'categorical') p.push(`schema.features[${i}].kind: expected "numeric" or "categorical"`);
      if (f?.kind === 'categorical' && (!Array.isArray(f.levels) || !f.levels.every((l) => typeof l === 'string'))) p.push(`schema.features[${i}].levels: expected strings`);
    });
  const t = a.threshold as Partial<ModelArtifact['threshold']> | undefined;
  if (!t || typeof t.value !== 'number' || !(t.value >= 0 && t.value <= 1)) p.push('threshold.value: expected a number in [0, 1]');
  if (!a.model || typeof a.model !== 'object') p.push('model: missing');
  return p;
}
