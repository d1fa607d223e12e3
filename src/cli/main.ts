import { Command, CommanderError } from 'commander';
import type { Writable } from 'node:stream';
import { isChurnError } from '../errors.js';
import { registerDataCommands } from './data.js';
import { registerModelCommands } from './model.js';
import { registerPolicyCommands } from './policies.js';
import { registerSecurityCommands } from './security.js';
import { registerSecurityHistoryCommands } from './security-history.js';
import { registerStartCommand } from './start.js';
import { registerServiceCommands } from './service.js';
import { registerSignatureCommands } from './signature.js';
import { createProgress, type Progress } from './progress.js';

/** What commands use to talk to the user; tests can capture it. */
export interface Cli {
  out(text: string): void;
  info(text: string): void;
  error(text: string): void;
  progress(): Progress;
  stdout: Writable;
}

export const EXIT = { ok: 0, found: 1, input: 2, internal: 3 } as const;

export function buildProgram(cli: Cli): Command {
  const program = new Command('churn')
    .description('churn-predictor: train, evaluate, explain and serve customer churn models')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => cli.error(s.trimEnd()), writeOut: (s) => cli.out(s.trimEnd()) });
  registerDataCommands(program, cli);
  registerModelCommands(program, cli);
  registerStartCommand(program, cli);
  registerSecurityCommands(program, cli);
  registerPolicyCommands(program, cli);
  registerSecurityHistoryCommands(program, cli);
  registerServiceCommands(program, cli);
  registerSignatureCommands(program, cli);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}

const defaultCli: Cli = {
  out: (t) => process.stdout.write(`${t}\n`),
  info: (t) => process.stderr.write(`${t}\n`),
  error: (t) => process.stderr.write(`${t}\n`),
  progress: () => createProgress(),
  stdout: process.stdout,
};

/** Runs the CLI and returns the exit code: 0 ok, 1 found what it was told to fail on, 2 bad input, 3 internal. */
export async function main(argv: string[], cli: Cli = defaultCli): Promise<number> {
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.input;
    }
    if (isChurnError(e)) {
      cli.error(`churn: ${e.message}`);
      if (e.kind === 'finding') return EXIT.found;
      return e.kind === 'input' ? EXIT.input : EXIT.internal;
    }
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'EPIPE') return EXIT.ok;
    if (err?.code === 'EACCES' || err?.code === 'ENOENT' || err?.code === 'ENOSPC') {
      cli.error(`churn: ${err.message}`);
      return EXIT.internal;
    }
    cli.error(`churn: internal error: ${err?.stack ?? String(e)}`);
    return EXIT.internal;
  }
}
