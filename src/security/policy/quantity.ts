const K8S_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/**
 * A Kubernetes resource quantity in base units (bytes, cores): `1Gi` -> 1073741824, `500m` -> 0.5.
 * null when it is not a quantity.
 */
export function k8sQuantity(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; the digit runs are separated by '.', an exponent letter or a suffix, none of which they match
  const m = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:([eE][-+]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(v.trim());
  if (!m) return null;
  return Number(m[1] + (m[2] ?? '')) * K8S_SUFFIX[m[3] ?? ''];
}

const DOCKER_UNIT: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** A Docker/Compose memory size in bytes; Docker's units are binary (`1g` = `1gb` = `1GiB` = 2^30). */
export function dockerBytes(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; digits, '.', blanks and unit letters are disjoint, so every run has one end
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp])?(?:i?b)?$/i.exec(v.trim());
  return m ? Number(m[1]) * DOCKER_UNIT[(m[2] ?? '').toLowerCase()] : null;
}

/** Compose `cpus` ("0.5", 1) in cores. */
export function dockerCpus(v: unknown): number | null {
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored; the fraction starts with a '.' that the digit run cannot match
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

export function sameQuantity(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
