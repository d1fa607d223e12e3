import { TargetError } from './errors.js';

export interface Credentials {
  username: string;
  password: string;
}

/** `Bearer realm="…",service="…",scope="…"` as a scheme and its parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of header.slice(space + 1).matchAll(re)) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return { scheme, params };
}

// eslint-disable-next-line security/detect-unsafe-regex -- anchored; \d{1,3} is bounded and the port's \d+ is the last run before $
export const isLoopback = (host: string): boolean => /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/.test(host);

/**
 * Answers a 401 challenge with the header to retry with: a bearer token fetched from the realm
 * (anonymously, or with Basic credentials), or Basic auth itself. Null when there is no way in.
 */
export async function answerChallenge(header: string | null, scope: string, credentials: Credentials | undefined, insecure: boolean): Promise<string | null> {
  if (header === null) return null;
  const { scheme, params } = parseChallenge(header);
  const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : null;
  if (scheme === 'basic') return basic;
  if (scheme !== 'bearer' || params.realm === undefined) return null;
  let realm: URL;
  try {
    realm = new URL(params.realm);
  } catch (e) {
    throw new TargetError('REGISTRY_ERROR', `registry sent an invalid token realm "${params.realm}"`, undefined, e);
  }
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && (insecure || isLoopback(realm.host)))) {
    throw new TargetError('UNAUTHORIZED', `refusing token realm ${realm.origin}: not HTTPS`, { realm: realm.origin });
  }
  if (params.service !== undefined) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', params.scope ?? scope);
  let res: Response;
  try {
    res = await fetch(realm, { headers: basic !== null ? { authorization: basic } : {} });
  } catch (e) {
    throw new TargetError('REGISTRY_ERROR', `token service ${realm.origin} unreachable: ${(e as Error).message}`, undefined, e);
  }
  if (res.status === 401 || res.status === 403) throw new TargetError('UNAUTHORIZED', `token service ${realm.origin} refused the credentials (HTTP ${res.status})`);
  if (!res.ok) throw new TargetError('REGISTRY_ERROR', `token service ${realm.origin} answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
  const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : null;
  if (token === null) throw new TargetError('REGISTRY_ERROR', `token service ${realm.origin} returned no token`);
  return `Bearer ${token}`;
}
