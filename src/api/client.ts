import { ChurnError } from '../errors.js';

/**
 * GET a JSON document from a running service (for the CLI's health-detailed, cache-stats and
 * rate-limit-stats). An unreachable server is an environment failure; an error answer is
 * reported with the service's own detail.
 */
export async function getJson(baseUrl: string, path: string, options: { apiKey?: string; timeoutMs?: number } = {}): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(path, baseUrl);
  } catch {
    throw new ChurnError('BAD_USAGE', `--url must be an http(s) URL, got "${baseUrl}"`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (e) {
    throw new ChurnError('SERVER_UNREACHABLE', `no answer from ${url.origin}: ${(e as Error).message}`, { kind: 'internal' });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ChurnError('BAD_ANSWER', `${url.href} answered ${res.status} with something that is not JSON`, { kind: 'internal' });
  }
  if (!res.ok) {
    const detail = (body as { detail?: unknown }).detail;
    throw new ChurnError('SERVER_REFUSED', `${url.href} answered ${res.status}: ${typeof detail === 'string' ? detail : text.slice(0, 200)}`, { kind: res.status < 500 ? 'input' : 'internal' });
  }
  return body;
}
