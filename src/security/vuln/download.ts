import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { VulnDbError } from './errors.js';

export interface DownloadLimits {
  /** Largest body accepted. */
  maxBytes: number;
  /** Whole transfer. */
  timeoutMs: number;
  /** Longest wait for the response headers or the next chunk of the body. */
  idleTimeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  maxBytes: 4 * 1024 * 1024 * 1024,
  timeoutMs: 30 * 60_000,
  idleTimeoutMs: 60_000,
  maxRedirects: 5,
};

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Accepts https URLs, and plain http only to this machine (tests, a local mirror).
 *
 * @throws VulnDbError BAD_URL
 */
export function checkUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new VulnDbError('BAD_URL', `not a URL: ${text}`, { url: text });
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) return url;
  throw new VulnDbError('BAD_URL', `${text}: only https URLs are allowed (plain http only for localhost)`, { url: text });
}

/** A fetch whose redirects are followed by hand so each hop passes `checkUrl`, with an idle timer. */
async function get(url: URL, limits: DownloadLimits, signal: AbortSignal, idle: () => void): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    idle();
    const res = await fetch(current, { redirect: 'manual', signal, headers: { 'accept-encoding': 'identity' } });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return res;
    await res.body?.cancel();
    if (hop >= limits.maxRedirects) throw new VulnDbError('DOWNLOAD_FAILED', `${url.href}: too many redirects`, { url: url.href });
    current = checkUrl(new URL(location, current).href);
  }
}

interface Transfer<T> {
  run(res: Response, idle: () => void): Promise<T>;
}

async function transfer<T>(text: string, limits: DownloadLimits, t: Transfer<T>, accept: (status: number) => boolean): Promise<{ status: number; value: T | null }> {
  const url = checkUrl(text);
  const controller = new AbortController();
  const overall = setTimeout(() => controller.abort(new Error(`timed out after ${limits.timeoutMs} ms`)), limits.timeoutMs);
  let idleTimer: NodeJS.Timeout | undefined;
  const idle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => controller.abort(new Error(`no data for ${limits.idleTimeoutMs} ms`)), limits.idleTimeoutMs);
  };
  try {
    const res = await get(url, limits, controller.signal, idle);
    if (!accept(res.status)) {
      await res.body?.cancel();
      throw new VulnDbError('DOWNLOAD_FAILED', `${url.href}: HTTP ${res.status}`, { url: url.href, status: res.status });
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return { status: res.status, value: null };
    }
    return { status: 200, value: await t.run(res, idle) };
  } catch (e) {
    if (e instanceof VulnDbError) throw e;
    // undici reports a dropped connection as "terminated" with the socket error as its cause.
    const cause = (e as Error).cause instanceof Error ? `: ${((e as Error).cause as Error).message}` : '';
    const reason = controller.signal.aborted ? String((controller.signal.reason as Error)?.message ?? 'aborted') : `${(e as Error).message}${cause}`;
    throw new VulnDbError('DOWNLOAD_FAILED', `${url.href}: ${reason}`, { url: url.href }, e);
  } finally {
    clearTimeout(overall);
    clearTimeout(idleTimer);
    if (!controller.signal.aborted) controller.abort();
  }
}

/**
 * Streams a URL into `file`, hashing as it goes. The body must be complete: a Content-Length
 * that does not match what arrived is a failure, as is anything past `maxBytes`.
 *
 * @throws VulnDbError BAD_URL, DOWNLOAD_FAILED (HTTP status, network, timeout, truncation), DOWNLOAD_TOO_LARGE
 */
export async function downloadToFile(text: string, file: string, limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS): Promise<{ bytes: number; sha256: string }> {
  const result = await transfer(text, limits, {
    async run(res, idle) {
      const declared = res.headers.get('content-encoding') === null ? Number(res.headers.get('content-length') ?? NaN) : NaN;
      if (declared > limits.maxBytes) throw new VulnDbError('DOWNLOAD_TOO_LARGE', `${text}: ${declared} bytes is more than the limit of ${limits.maxBytes}`, { url: text, limit: limits.maxBytes });
      const hash = createHash('sha256');
      const fh = await open(file, 'w', 0o600);
      let bytes = 0;
      try {
        for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
          idle();
          bytes += chunk.length;
          if (bytes > limits.maxBytes) throw new VulnDbError('DOWNLOAD_TOO_LARGE', `${text}: more than the limit of ${limits.maxBytes} bytes`, { url: text, limit: limits.maxBytes });
          hash.update(chunk);
          await fh.write(chunk);
        }
      } finally {
        await fh.close();
      }
      if (Number.isFinite(declared) && bytes !== declared) {
        throw new VulnDbError('DOWNLOAD_FAILED', `${text}: truncated, ${bytes} of ${declared} bytes arrived`, { url: text, bytes, expected: declared });
      }
      return { bytes, sha256: hash.digest('hex') };
    },
  }, (s) => s === 200);
  return result.value!;
}

/**
 * A small text resource, or null when the server says it has none (403, 404, 410).
 *
 * @throws VulnDbError DOWNLOAD_FAILED for other statuses and network failures
 */
export async function fetchOptionalText(text: string, maxBytes: number, limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS): Promise<string | null> {
  const result = await transfer(text, limits, {
    async run(res, idle) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
        idle();
        size += chunk.length;
        if (size > maxBytes) throw new VulnDbError('DOWNLOAD_FAILED', `${text}: larger than ${maxBytes} bytes`, { url: text });
        chunks.push(chunk);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  }, (s) => s === 200 || s === 403 || s === 404 || s === 410);
  return result.value;
}
