import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PolicyFileError } from './errors.js';
import { SOURCE_KINDS } from './types.js';
import type { DeploySource, DeployTree, SourceFile, SourceKind } from './types.js';

const YAML_FILE = /\.ya?ml$/i;
/** Kinds that may be a folder of YAML files rather than one file. */
const FOLDER_KINDS: ReadonlySet<SourceKind> = new Set(['kubernetes', 'workflows']);

/** The project root for a deploy folder: its parent, where the Dockerfile and .github live. */
export function projectRoot(deployDir: string): string {
  return dirname(resolve(deployDir));
}

/** `path` relative to the root with `/` separators when inside it, else absolute. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** A candidate from `files:`: `{deploy}` is the deploy folder, other relative paths start at the root. */
export function candidatePath(candidate: string, root: string, deployDir: string): string {
  const expanded = candidate.replace(/^\{deploy\}/, resolve(deployDir));
  return isAbsolute(expanded) ? expanded : join(root, expanded);
}

async function yamlFilesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && YAML_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function readSource(kind: SourceKind, candidates: readonly string[], root: string, deployDir: string): Promise<DeploySource> {
  if (candidates.length === 0) return { kind, state: 'off' };
  const lookedFor: string[] = [];
  for (const c of candidates) {
    const abs = candidatePath(c, root, deployDir);
    lookedFor.push(displayPath(root, abs));
    if (!existsSync(abs)) continue;
    const isDir = statSync(abs).isDirectory();
    if (isDir && !FOLDER_KINDS.has(kind)) continue;
    const paths = isDir ? await yamlFilesBelow(abs) : [abs];
    const files: SourceFile[] = [];
    for (const p of paths) files.push({ path: displayPath(root, p), content: await readFile(p, 'utf8') });
    return { kind, state: 'found', where: displayPath(root, abs), files };
  }
  return { kind, state: 'missing', lookedFor };
}

/** The deploy folder, absolute; DEPLOY_DIR_NOT_FOUND when it is not a folder. */
export function assertDeployDir(deployDir: string): string {
  const dir = resolve(deployDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PolicyFileError('DEPLOY_DIR_NOT_FOUND', deployDir, [{ path: '', line: 0, message: 'the deploy folder does not exist (give one with --deploy DIR or DEPLOY_DIR)' }]);
  }
  return dir;
}

/**
 * Reads the deploy files a policy file names. All I/O of the evaluation happens here; what it
 * returns is plain data that `evaluatePolicies` decides on.
 */
export async function readDeployTree(deployDir: string, files: Record<SourceKind, string[]>, materialPaths: readonly string[] = []): Promise<DeployTree> {
  const dir = assertDeployDir(deployDir);
  const root = projectRoot(dir);
  const sources = {} as Record<SourceKind, DeploySource>;
  for (const kind of SOURCE_KINDS) sources[kind] = await readSource(kind, files[kind], root, dir);
  const material: Record<string, string | null> = {};
  for (const p of materialPaths) material[p] = await readFile(p, 'utf8').catch(() => null);
  return { root, deployDir: dir, sources, material };
}
