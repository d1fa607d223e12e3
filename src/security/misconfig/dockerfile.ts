import { DockerfileParser } from 'dockerfile-ast';
import { Arg, Env } from 'dockerfile-ast';
import type { Instruction, Property } from 'dockerfile-ast';
import { DF } from './checks-dockerfile.js';
import { makeFinding } from './finding.js';
import type { CheckDef, Misconfiguration, MisconfigOptions, ResourceRef } from './finding.js';
import { imageTag } from './image-tag.js';
import { isLiteralSecret } from './secret-names.js';
import { findInstalls, pipesToShell, unpinnedPackages } from './shell.js';
import { applyLineSuppressions, collectLineSuppressions } from './suppress.js';

interface Stage {
  from: Instruction;
  /** The base image with global ARGs substituted; null when it cannot be resolved. */
  base: string | null;
  alias: string | null;
  instructions: Instruction[];
}

/**
 * Checks a Dockerfile. Only the final stage counts, together with the earlier stages it is built
 * `FROM` (their layers and settings are inherited); builder stages that are merely copied from are not checked.
 *
 * @example analyzeDockerfile('Dockerfile', 'FROM python:3.12\nCMD ["x"]')  // -> CP-DF-001, CP-DF-003, CP-DF-013
 */
export function analyzeDockerfile(file: string, content: string, _options: MisconfigOptions = {}): Misconfiguration[] {
  const df = DockerfileParser.parse(content);
  const stages = splitStages(df.getInstructions(), globalArgs(df));
  if (stages.length === 0) return [];
  const chain = finalChain(stages);
  const last = chain[chain.length - 1];
  const resource: ResourceRef = { kind: 'Dockerfile', name: last.alias ?? `stage ${stages.length - 1}` };
  const out: Misconfiguration[] = [];
  const add = (check: CheckDef, ins: Instruction, description: string) =>
    out.push(makeFinding(check, { file, line: lineOf(ins), resource, description }));

  checkBase(chain[0], add);
  const all = chain.flatMap((s) => s.instructions);
  const envNames = new Set<string>();
  let lastUser: Instruction | null = null;
  let healthcheck = false;
  for (const ins of all) {
    const kw = ins.getKeyword();
    const args = ins.getArgumentsContent() ?? '';
    if (kw === 'USER') lastUser = ins;
    else if (kw === 'HEALTHCHECK') healthcheck = !/^NONE\b/i.test(args.trim());
    else if (kw === 'ADD') checkAdd(ins, add);
    else if (kw === 'RUN') checkRun(ins, args, envNames, add);
    else if (kw === 'EXPOSE') {
      for (const a of ins.getArguments()) if (/^22(\/tcp)?$/i.test(a.getValue())) add(DF.sshPort, ins, 'EXPOSE 22 publishes an SSH port.');
    } else if (kw === 'ENV' || kw === 'ARG') checkVars(ins, kw, envNames, add);
  }
  if (lastUser === null) add(DF.rootUser, last.from, 'No USER instruction: the container runs as root.');
  else {
    const user = (lastUser.getArgumentsContent() ?? '').trim().split(':')[0];
    if (user === 'root' || user === '0') add(DF.rootUser, lastUser, `The last USER is ${user}.`);
  }
  if (!healthcheck) add(DF.noHealthcheck, last.from, 'The final stage defines no HEALTHCHECK.');

  const sup = collectLineSuppressions(content);
  applyLineSuppressions(out, sup, () => [lineOf(last.from)]);
  return out;
}

type Add = (check: CheckDef, ins: Instruction, description: string) => void;

function lineOf(ins: Instruction): number {
  return ins.getRange().start.line + 1;
}

function globalArgs(df: ReturnType<typeof DockerfileParser.parse>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const arg of df.getInitialARGs()) {
    const p = arg.getProperty();
    const v = p?.getValue();
    if (p && v !== null && v !== undefined) vars.set(p.getName(), substitute(v, vars) ?? v);
  }
  return vars;
}

/** The most text after an unclosed `${` that is still substituted. */
const MAX_UNCLOSED_TAIL = 1024;

/** Replaces `$X`, `${X}`, `${X:-default}`; null when a variable has no value. */
export function substitute(text: string, vars: ReadonlyMap<string, string>): string | null {
  // Past the last `}` no `${…}` can close, yet every `${X:-` there rescans to the end (quadratic on hostile files):
  // a long unclosed tail is left unresolved.
  const open = text.indexOf('${', text.lastIndexOf('}') + 1);
  if (open >= 0 && text.length - open > MAX_UNCLOSED_TAIL) return null;
  let unresolved = false;
  // eslint-disable-next-line security/detect-unsafe-regex -- [^}]* rescans only past the last `}`, which the check above bounds to MAX_UNCLOSED_TAIL
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const v = vars.get((a ?? b) as string) ?? def;
    if (v === undefined) unresolved = true;
    return v ?? '';
  });
  return unresolved ? null : out;
}

function splitStages(instructions: Instruction[], vars: Map<string, string>): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.getKeyword() === 'FROM') {
      const words = ins.getArguments().map((a) => a.getValue()).filter((w) => !w.startsWith('--'));
      const asAt = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        from: ins,
        base: words[0] === undefined ? null : substitute(words[0], vars),
        alias: asAt >= 0 && words[asAt + 1] ? words[asAt + 1] : null,
        instructions: [],
      });
    } else if (stages.length > 0) stages[stages.length - 1].instructions.push(ins);
  }
  return stages;
}

/** The final stage preceded by the stages it inherits from (FROM <earlier stage>), root first. */
function finalChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = [];
  let i = stages.length - 1;
  while (i >= 0 && chain.length <= stages.length) {
    const s = stages[i];
    chain.unshift(s);
    const base = s.base?.toLowerCase();
    const parent = stages.slice(0, i).findIndex((p, j) => p.alias?.toLowerCase() === base || String(j) === base);
    i = parent;
  }
  return chain;
}

function checkBase(stage: Stage, add: Add): void {
  if (stage.base === null) return;
  const image = stage.base;
  if (image === 'scratch') return;
  const digest = image.split('@')[1];
  const tag = imageTag(image);
  if (!digest && (tag === null || tag === 'latest')) {
    add(DF.latestTag, stage.from, tag === null ? `Base image ${image} has no tag (means latest).` : `Base image ${image} uses the latest tag.`);
  }
  if (!digest) add(DF.noDigest, stage.from, `Base image ${image} is not pinned by digest.`);
}

function checkAdd(ins: Instruction, add: Add): void {
  const args = ins.getArguments().map((a) => a.getValue());
  const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
  const hasChecksum = /--checksum=/.test(ins.getTextContent());
  for (const src of sources) {
    if (/^(https?|ftp):\/\//i.test(src) || src.startsWith('git@')) {
      if (!hasChecksum) add(DF.addUrl, ins, `ADD fetches ${src} without a checksum.`);
    } else if (!/\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i.test(src)) {
      add(DF.addInsteadOfCopy, ins, `ADD ${src} copies a local file; COPY does the same without ADD's extra behaviour.`);
    }
  }
}

function checkRun(ins: Instruction, line: string, envNames: Set<string>, add: Add): void {
  if (pipesToShell(line)) add(DF.pipeToShell, ins, 'A downloaded script is executed straight from curl/wget.');
  if (/(^|[\s;&|(])sudo\s/.test(line)) add(DF.sudo, ins, 'RUN calls sudo.');
  const installs = findInstalls(line);
  const unpinned = installs.flatMap(unpinnedPackages);
  if (unpinned.length > 0) add(DF.unpinnedPackages, ins, `Unpinned packages: ${unpinned.slice(0, 10).join(', ')}.`);
  const managers = new Set(installs.map((c) => c.manager));
  const cacheLeft: string[] = [];
  if (managers.has('apt') && !/rm\s+-[a-z]*\s+\/var\/lib\/apt\/lists/.test(line) && !/--mount=type=cache/.test(line)) cacheLeft.push('apt lists not removed');
  if (installs.some((c) => c.manager === 'apk' && !c.args.includes('--no-cache')) && !/rm\s+-[a-z]*\s+\/var\/cache\/apk/.test(line)) cacheLeft.push('apk add without --no-cache');
  if (installs.some((c) => c.manager === 'pip' && !c.args.includes('--no-cache-dir')) && !envNames.has('PIP_NO_CACHE_DIR')) cacheLeft.push('pip install without --no-cache-dir');
  if (cacheLeft.length > 0) add(DF.packageCache, ins, `Package cache kept: ${cacheLeft.join('; ')}.`);
  if (installs.some((c) => c.manager === 'apt' && !c.args.includes('--no-install-recommends'))) {
    add(DF.noInstallRecommends, ins, 'apt-get install pulls in recommended packages.');
  }
}

function checkVars(ins: Instruction, kw: 'ENV' | 'ARG', envNames: Set<string>, add: Add): void {
  const props: Property[] =
    ins instanceof Env ? ins.getProperties() : ins instanceof Arg ? [ins.getProperty()].filter((p): p is Property => p !== null) : [];
  for (const p of props) {
    const name = p.getName();
    envNames.add(name);
    if (isLiteralSecret(name, p.getValue())) add(DF.secretInEnv, ins, `${kw} ${name} holds a literal value.`);
  }
}
