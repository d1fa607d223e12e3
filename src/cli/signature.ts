import { InvalidArgumentError, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import {
  SignatureError,
  buildEntityPolicy,
  fetchImageSignatures,
  generateKeyPair,
  loadPrivateKey,
  needsPassword,
  parseBundle,
  signImage,
  verifyBundle,
  verifyImageSignatures,
  writeKeyPair,
  type IdentityPolicy,
  type SignatureScanOptions,
  type TlogPolicy,
  type TrustedKey,
  type VerificationResult,
} from '../security/signature/index.js';
import { keyValueTable } from './format.js';
import type { Cli } from './main.js';

/** `-a key=value`, repeatable, into one object. */
export function annotationOption(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${raw}".`);
  return { ...previous, [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

/** A repeatable flag's values, in order. */
export function collect(raw: string, previous: string[] = []): string[] {
  return [...previous, raw];
}

async function readText(path: string, flag: string, code: 'BAD_KEY' | 'BAD_BUNDLE' | 'BAD_TRUSTED_ROOT'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new SignatureError(code, `${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { path });
  }
}

async function readJson(path: string, flag: string, code: 'BAD_BUNDLE' | 'BAD_TRUSTED_ROOT'): Promise<unknown> {
  const text = await readText(path, flag, code);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SignatureError(code, `${flag}: ${path} is not JSON`, { path });
  }
}

/**
 * The password for a private key: COSIGN_PASSWORD (empty allowed, as cosign allows it), else a
 * prompt on the terminal that does not echo. Never printed, never logged.
 */
async function readPassword(prompt: string, confirm: boolean): Promise<string> {
  const env = process.env.COSIGN_PASSWORD;
  if (env !== undefined) return env;
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new SignatureError('NO_PASSWORD', 'no password: set COSIGN_PASSWORD or run on a terminal to be asked');
  const first = await promptHidden(prompt);
  if (confirm && (await promptHidden('Enter password for private key again: ')) !== first) throw new SignatureError('BAD_PASSWORD', 'the passwords do not match');
  return first;
}

/** Keystrokes that arrived after the Enter that ended a prompt (a pasted "pw<Enter>pw<Enter>"): the next prompt's input. */
let typedAhead = '';

/** Reads a line from the terminal in raw mode, so nothing typed is echoed. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    let done = false;
    const wasRaw = stdin.isRaw;
    // Raw before the prompt shows: whatever is typed after it must never be echoed.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    const finish = (err: Error | null): void => {
      done = true;
      stdin.removeListener('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      if (err !== null) reject(err);
      else resolve(value);
    };
    const feed = (text: string): void => {
      for (const [i, ch] of [...text].entries()) {
        if (done) {
          typedAhead += [...text].slice(i).join('');
          return;
        }
        if (ch === '\r' || ch === '\n') finish(null);
        else if (ch === '\u0003' || ch === '\u0004') finish(new UsageError('password prompt cancelled'));
        else if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const onData = (chunk: Buffer): void => feed(chunk.toString('utf8'));
    stdin.on('data', onData);
    stdin.resume();
    const pending = typedAhead.replace(/^\n/, '');
    typedAhead = '';
    if (pending !== '') feed(pending);
  });
}

/** The security-scan flags the signature scanner reads. */
export interface SignatureScanFlags {
  key?: string[];
  annotation?: Record<string, string>;
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
}

/** security-scan's explicit signature flags as scanner options (policy requirements are added by the caller). */
export function signatureScanOptions(o: SignatureScanFlags): SignatureScanOptions {
  const identity = { subject: o.certificateIdentity, subjectRegExp: o.certificateIdentityRegexp, issuer: o.certificateOidcIssuer };
  return {
    keys: o.key ?? [],
    annotations: o.annotation ?? {},
    trustedRoot: o.trustedRoot,
    ...(identity.subject !== undefined || identity.subjectRegExp !== undefined || identity.issuer !== undefined ? { identity } : {}),
  };
}

interface VerifyFlags extends SignatureScanFlags {
  requireTlog?: boolean;
  insecureIgnoreTlog?: boolean;
  insecureIgnoreSct?: boolean;
  json?: boolean;
}

function verifyOptions(cmd: Command): Command {
  return cmd
    .option('--key <pem>', 'public key (PEM) that must have signed; repeatable, any one of them may have', collect)
    .option('--trusted-root <file>', 'Sigstore trusted_root.json: certificate authorities, transparency and CT logs (needed for keyless and tlog checks)')
    .option('--certificate-identity <id>', 'keyless: the exact certificate subject (e-mail or URI)')
    .option('--certificate-identity-regexp <re>', 'keyless: a regular expression the certificate subject must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer recorded in the certificate')
    .option('--require-tlog', 'fail unless a verified transparency-log entry is present (always required for keyless)')
    .option('--insecure-ignore-tlog', 'do not require or verify transparency-log entries (keyless certificates are then checked at the current time)')
    .option('--insecure-ignore-sct', 'do not require a certificate-transparency timestamp in keyless certificates')
    .option('--json', 'print the result as JSON');
}

async function policyFrom(o: VerifyFlags) {
  if (o.requireTlog === true && o.insecureIgnoreTlog === true) throw new UsageError('--require-tlog and --insecure-ignore-tlog contradict each other');
  const keys: TrustedKey[] = await Promise.all((o.key ?? []).map(async (path) => ({ pem: await readText(path, '--key', 'BAD_KEY'), source: path })));
  const identities: IdentityPolicy[] = [];
  if (o.certificateIdentity !== undefined || o.certificateIdentityRegexp !== undefined || o.certificateOidcIssuer !== undefined) {
    identities.push({ subject: o.certificateIdentity, subjectRegExp: o.certificateIdentityRegexp, issuer: o.certificateOidcIssuer });
  }
  const trustedRoot = o.trustedRoot === undefined ? null : { json: await readJson(o.trustedRoot, '--trusted-root', 'BAD_TRUSTED_ROOT'), source: o.trustedRoot };
  const tlog: TlogPolicy | undefined = o.requireTlog ? 'required' : o.insecureIgnoreTlog ? 'ignore' : undefined;
  return buildEntityPolicy({ keys, identities, trustedRoot, tlog, sct: o.insecureIgnoreSct !== true, now: new Date() });
}

/** What was checked, for a person: a summary, then one line per check. */
export function renderVerification(r: VerificationResult): string {
  const signer = r.signer === null ? '-' : r.signer.keyId !== undefined ? `key ${r.signer.keyId} (${r.signer.keyPath ?? ''})` : `${r.signer.subject ?? '?'} (issuer ${r.signer.issuer ?? '?'})`;
  const head = keyValueTable([
    ['subject', r.subject],
    ['digest', r.digest ?? '-'],
    ['result', r.verified ? 'VERIFIED' : `FAILED ${r.code ?? ''}: ${r.reason ?? ''}`],
    ['signer', signer],
    ['signatures', String(r.signatures)],
  ]);
  const w = Math.max(5, ...r.checks.map((c) => c.name.length));
  const rows = r.checks.map((c) => `${c.name.padEnd(w)}  ${c.status.padEnd(4)}  ${c.detail}`);
  return [head, '', `${'check'.padEnd(w)}  stat  detail`, ...rows].join('\n');
}

function report(cli: Cli, r: VerificationResult, json: boolean | undefined): void {
  cli.out(json === true ? JSON.stringify(r, null, 2) : renderVerification(r));
  if (!r.verified && r.code !== null) throw new SignatureError(r.code, `${r.subject}: signature verification failed (${r.code}): ${r.reason ?? ''}`, { checks: r.checks });
}

/** cosign-compatible key generation, image signing and verification, and Sigstore bundle verification. */
export function registerSignatureCommands(program: Command, cli: Cli): void {
  program
    .command('generate-key-pair')
    .description('write an ECDSA P-256 key pair as cosign does: <prefix>.key (encrypted with COSIGN_PASSWORD or a prompted password) and <prefix>.pub')
    .option('--output-key-prefix <prefix>', 'file name prefix', 'cosign')
    .option('--dir <dir>', 'folder to write into', '.')
    .option('--force', 'overwrite existing key files')
    .action(async (o: { outputKeyPrefix: string; dir: string; force?: boolean }) => {
      const password = await readPassword('Enter password for private key: ', true);
      const pair = await generateKeyPair(password);
      const written = await writeKeyPair(o.dir, o.outputKeyPrefix, pair, o.force === true);
      cli.info(`Private key written to ${written.privateKey}`);
      cli.info(`Public key written to ${written.publicKey} (${pair.keyId})`);
    });

  program
    .command('sign')
    .description('sign an image (registry or oci:DIR[:tag]) with a private key: a cosign signature under the sha256-<digest>.sig tag')
    .argument('<target>', 'host:port/name:tag, docker://REF or oci:DIR[:tag]')
    .requiredOption('--key <file>', 'private key: cosign.key (encrypted), or a PKCS#8 / EC PEM key')
    .option('-a, --annotation <key=value>', 'annotation signed into the payload; repeatable', annotationOption)
    .option('--repository <name>', 'repository to name in the payload (default: the registry repository; localhost/<folder> for a layout)')
    .option('--insecure', 'allow plain-HTTP registries other than localhost')
    .option('--json', 'print the result as JSON')
    .action(async (target: string, o: { key: string; annotation?: Record<string, string>; repository?: string; insecure?: boolean; json?: boolean }) => {
      const pem = await readText(o.key, '--key', 'BAD_KEY');
      const password = needsPassword(pem, o.key) ? await readPassword(`Enter password for ${o.key}: `, false) : undefined;
      const key = await loadPrivateKey(pem, password, o.key);
      const r = await signImage(target, key, { annotations: o.annotation, repository: o.repository, insecure: o.insecure });
      if (o.json === true) return cli.out(JSON.stringify(r, null, 2));
      cli.out(
        keyValueTable([
          ['signed', `${target} (${r.digest})`],
          ['repository', r.repository],
          ['key', r.keyId],
          ['stored at', `${r.tag} (${r.manifestDigest}, ${r.signatures} signature${r.signatures === 1 ? '' : 's'})`],
        ]),
      );
    });

  verifyOptions(
    program
      .command('verify')
      .description('verify the cosign signatures of an image; prints what was checked; exit 1 unless one signature passes every check')
      .argument('<target>', 'host:port/name:tag, docker://REF, oci:DIR[:tag] or oci-archive:PATH[:tag]')
      .option('-a, --annotation <key=value>', 'annotation the signed payload must carry; repeatable', annotationOption)
      .option('--repository <name>', 'repository the payload must name (layouts and archives have none of their own)')
      .option('--insecure', 'allow plain-HTTP registries other than localhost'),
  ).action(async (target: string, o: VerifyFlags & { repository?: string; insecure?: boolean }) => {
    const policy = await policyFrom(o);
    const material = await fetchImageSignatures(target, { insecure: o.insecure });
    report(cli, verifyImageSignatures(material, policy, { annotations: o.annotation, repository: o.repository }), o.json);
  });

  verifyOptions(
    program
      .command('verify-blob')
      .description('verify a file against a Sigstore bundle (v0.1-v0.3, key-based or keyless); exit 1 unless it verifies')
      .argument('<file>', 'the signed file')
      .requiredOption('--bundle <file>', 'Sigstore bundle JSON (cosign --bundle with --new-bundle-format, or sigstore-js)'),
  ).action(async (file: string, o: VerifyFlags & { bundle: string }) => {
    const policy = await policyFrom(o);
    const bundle = parseBundle(await readJson(o.bundle, '--bundle', 'BAD_BUNDLE'), o.bundle);
    let artifact: Buffer;
    try {
      artifact = await readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    report(cli, verifyBundle(bundle, artifact, policy, file), o.json);
  });
}
