import type { Metrics } from '../model/metrics.js';

/** A two-column table for people; machine readers use --json instead. */
export function keyValueTable(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

const METRIC_ORDER = ['roc_auc', 'pr_auc', 'brier', 'log_loss', 'accuracy', 'precision', 'recall', 'f1', 'lift_at_10pct', 'threshold', 'n', 'positives'] as const;

export function metricsTable(m: Metrics): string {
  const rows: [string, string][] = METRIC_ORDER.map((k) => {
    const v = m[k];
    return [k, Number.isInteger(v) ? String(v) : v.toFixed(4)];
  });
  const c = m.confusion;
  rows.push(['confusion', `tp ${c.tp}  fp ${c.fp}  tn ${c.tn}  fn ${c.fn}`]);
  return keyValueTable(rows);
}
