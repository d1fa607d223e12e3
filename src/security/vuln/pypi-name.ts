/** PEP 503 normalization: lower case, runs of "-", "_" and "." become one "-". */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The package name as the index stores it: PyPI names normalized, others as given. */
export function indexName(osvEcosystem: string, name: string): string {
  return osvEcosystem === 'PyPI' || osvEcosystem.startsWith('PyPI:') ? normalizePypiName(name) : name;
}
