import { ChurnError } from '../../src/errors.js';

/** The stable code of the ChurnError `f` throws ('no error' when it returns); other errors propagate. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ChurnError) return e.code;
    throw e;
  }
  return 'no error';
}

/** The same for a promise. */
export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChurnError) return e.code;
    throw e;
  }
  return 'no error';
}
