/** Small, regex-free-of-backtracking helpers that read package-manager calls out of a RUN line. */

export interface InstallCall {
  manager: 'apt' | 'apk' | 'pip';
  /** Arguments after the install verb, flags included. */
  args: string[];
}

/** Splits a shell line into simple commands at `&&`, `||`, `;` and `|`. Quotes are not honoured: good enough for checks. */
export function splitCommands(line: string): string[][] {
  return line
    .split(/&&|\|\||;|\|/)
    .map((c) => c.trim().split(/\s+/).filter((t) => t !== '' && t !== '\\'))
    .filter((c) => c.length > 0);
}

/** Finds apt-get/apt, apk and pip install calls, skipping a leading `sudo` or env assignments. */
export function findInstalls(line: string): InstallCall[] {
  const out: InstallCall[] = [];
  for (let words of splitCommands(line)) {
    while (words.length > 0 && (words[0] === 'sudo' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) words = words.slice(1);
    const [cmd] = words;
    if (cmd === 'apt-get' || cmd === 'apt') {
      const i = words.indexOf('install');
      if (i > 0) out.push({ manager: 'apt', args: words.slice(i + 1) });
    } else if (cmd === 'apk') {
      const i = words.indexOf('add');
      if (i > 0) out.push({ manager: 'apk', args: words.slice(i + 1) });
    } else if (cmd === 'pip' || cmd === 'pip3' || (/^python[0-9.]*$/.test(cmd) && words[1] === '-m' && /^pip3?$/.test(words[2] ?? ''))) {
      const i = words.indexOf('install');
      if (i > 0) out.push({ manager: 'pip', args: words.slice(i + 1) });
    }
  }
  return out;
}

/** Package arguments (not flags, not requirement files or local paths) that carry no version. */
export function unpinnedPackages(call: InstallCall): string[] {
  const out: string[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const a = call.args[i];
    if (a.startsWith('-')) {
      // pip options that take a value: skip the value too.
      if (call.manager === 'pip' && /^(-r|--requirement|-c|--constraint|-e|--editable|-i|--index-url|--extra-index-url|-t|--target)$/.test(a)) i++;
      continue;
    }
    if (a.startsWith('#')) break;
    if (call.manager === 'pip') {
      if (/[=<>~]=|[<>]/.test(a) || a.startsWith('.') || a.startsWith('/') || a.includes('://') || /\.(whl|tar\.gz|zip)$/.test(a)) continue;
    } else if (a.includes('=')) continue;
    if (a.startsWith('$')) continue;
    out.push(a);
  }
  return out;
}

// Each run stops at the next curl/wget (or shell) word, which matches wherever an earlier one would, and the path before
// the shell name stops at a `|` after curl/wget, which is tried from its own word. Without these stops every such word
// rescanned the rest of the line: quadratic on hostile lines (`curl curl …`, `curl|curl|…`, `sh sh …`).
// eslint-disable-next-line security/detect-unsafe-regex -- nested only through the stops above, so each stretch of the line is read a bounded number of times
const PIPE_TO_SHELL = /\b(curl|wget)\b(?:(?!\b(?:curl|wget)\b)[^|;&])*\|\s*(sudo\s+)?((?:(?!\b(?:curl|wget)\b)\S|\b(?:curl|wget)\b[^\s|;&]*[;&])*(?:\b(?:curl|wget)\b[^\s|;&]*)?\/)?(ba|da|z|k)?sh\b/;
// eslint-disable-next-line security/detect-unsafe-regex -- the nested `?` is inside the stop-at-next-shell-word lookahead, which reads at most 4 characters
const SUBST_TO_SHELL = /\b(ba|da|z|k)?sh\b(?:(?!\b(?:ba|da|z|k)?sh\b)[^|;&])*(<\(|\$\(|`)\s*(curl|wget)\b/;

export function pipesToShell(line: string): boolean {
  return PIPE_TO_SHELL.test(line) || SUBST_TO_SHELL.test(line);
}
