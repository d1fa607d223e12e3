/** A compiled `.gitignore`-style pattern list: later patterns win, `!` re-includes. */
export interface IgnoreMatcher {
  ignores(path: string): boolean;
}

interface Pattern {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** The regex source of one glob segment run: `**` crosses slashes, `*` and `?` do not. */
function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing or lone `**` matches everything below.
      if (glob[i + 2] === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else out += c.replace(/[.+^${}()|\]\\/]/g, '\\$&');
  }
  return out;
}

function compile(line: string): Pattern | null {
  let text = line.replace(/(?<!\\)\s+$/, '');
  if (text === '' || text.startsWith('#')) return null;
  const negate = text.startsWith('!');
  if (negate) text = text.slice(1);
  if (text.startsWith('\\#') || text.startsWith('\\!')) text = text.slice(1);
  const dirOnly = text.endsWith('/');
  if (dirOnly) text = text.slice(0, -1);
  // A pattern with a slash before its end is anchored at the root; otherwise it matches at any depth.
  const anchored = text.includes('/');
  if (text.startsWith('/')) text = text.slice(1);
  const body = globSource(text);
  // Matching a directory means matching everything below it too.
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${dirOnly ? '/.*' : '(?:/.*)?'}$`);
  return { negate, dirOnly, regex };
}

/**
 * Compiles ignore-file text (gitignore syntax: `#` comments, `!` negation, trailing `/` for
 * directories, leading `/` anchors, `*`, `?`, `[...]`, `**`). Paths are matched relative to the
 * scan root, with or without a leading slash.
 *
 * @example
 * compileIgnore('node_modules/\n*.min.js\n!keep.min.js').ignores('/app/node_modules/x.js') // true
 */
export function compileIgnore(text: string | readonly string[]): IgnoreMatcher {
  const lines = typeof text === 'string' ? text.split(/\r?\n/) : text;
  const patterns = lines.map(compile).filter((p): p is Pattern => p !== null);
  return {
    ignores(path: string): boolean {
      const rel = path.replace(/^\/+/, '');
      let ignored = false;
      for (const p of patterns) if (p.negate === ignored && p.regex.test(rel)) ignored = !p.negate;
      return ignored;
    },
  };
}
