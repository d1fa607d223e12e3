import { Arg, DockerfileParser } from 'dockerfile-ast';
import type { Instruction } from 'dockerfile-ast';
import { substitute } from '../misconfig/dockerfile.js';

export interface DockerStage {
  /** The FROM argument as written. */
  rawBase: string;
  /** With ARG defaults substituted; null when a variable has no default. */
  base: string | null;
  alias: string | null;
  line: number;
  /** FROM names an earlier stage rather than an image. */
  fromStage: boolean;
  instructions: Instruction[];
}

/** What the policies read from a Dockerfile: its stages, and the user and ports of the final one. */
export interface DockerfileFacts {
  file: string;
  stages: DockerStage[];
  /** The final stage and the stages it is built FROM, root first. */
  finalChain: DockerStage[];
  /** The last USER of the final chain (variables substituted where possible). */
  user: { value: string; line: number } | null;
  exposes: { value: string; line: number }[];
}

function lineOf(ins: Instruction): number {
  return ins.getRange().start.line + 1;
}

function argDefaults(args: Arg[], into: Map<string, string>): void {
  for (const arg of args) {
    const p = arg.getProperty();
    const v = p?.getValue();
    if (p && v !== null && v !== undefined) into.set(p.getName(), substitute(v, into) ?? v);
  }
}

/**
 * Reads a Dockerfile. Base images are resolved with the ARG defaults, as a build without
 * `--build-arg` would see them: the default is what the repository promises.
 *
 * @example readDockerfile('Dockerfile', 'ARG BASE=node:20-slim\nFROM ${BASE}\nUSER 1000\n').user // { value: '1000', line: 3 }
 */
export function readDockerfile(file: string, content: string): DockerfileFacts {
  const df = DockerfileParser.parse(content);
  const globals = new Map<string, string>();
  argDefaults(df.getInitialARGs(), globals);
  const stages: DockerStage[] = [];
  for (const ins of df.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const words = ins.getArguments().map((a) => a.getValue()).filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toUpperCase() === 'AS');
      const rawBase = words[0] ?? '';
      const base = substitute(rawBase, globals);
      const lower = base?.toLowerCase();
      const fromStage = stages.some((s, i) => s.alias?.toLowerCase() === lower || String(i) === lower);
      stages.push({ rawBase, base, alias: asAt >= 0 ? (words[asAt + 1] ?? null) : null, line: lineOf(ins), fromStage, instructions: [] });
    } else if (stages.length > 0) stages[stages.length - 1].instructions.push(ins);
  }
  const finalChain: DockerStage[] = [];
  for (let s = stages.at(-1); s && finalChain.length < stages.length; ) {
    finalChain.unshift(s);
    const base = s.base?.toLowerCase();
    s = s.fromStage ? stages.find((p, j) => p.alias?.toLowerCase() === base || String(j) === base) : undefined;
  }
  const vars = new Map(globals);
  let user: DockerfileFacts['user'] = null;
  const exposes: DockerfileFacts['exposes'] = [];
  for (const ins of finalChain.flatMap((s) => s.instructions)) {
    const kw = ins.getKeyword();
    if (kw === 'ARG' && ins instanceof Arg) argDefaults([ins], vars);
    else if (kw === 'USER') {
      const raw = (ins.getArgumentsContent() ?? '').trim();
      user = { value: substitute(raw, vars) ?? raw, line: lineOf(ins) };
    } else if (kw === 'EXPOSE') {
      for (const a of ins.getArguments()) exposes.push({ value: substitute(a.getValue(), vars) ?? a.getValue(), line: lineOf(ins) });
    }
  }
  return { file, stages, finalChain, user, exposes };
}
