import type { ScanResult } from '../scan.js';
import { buildCycloneDx } from './cyclonedx.js';
import { renderMarkdown } from './markdown.js';
import { buildSarif } from './sarif.js';
import { renderTable } from './table.js';
import { buildTrivyReport } from './trivy-json.js';

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(f: string): f is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(f);
}

export interface RenderContext {
  now: Date;
  toolVersion: string;
}

/** One scan result in the format asked for; every writer reads the same result. */
export function renderReport(format: ReportFormat, result: ScanResult, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(buildTrivyReport(result.target, result.inventory, result.shown, ctx.now, result.shownMisconfigurations, result.shownSecrets, result.signatures), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(buildSarif(result, ctx), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(result, ctx);
    case 'cyclonedx':
      return `${buildCycloneDx(result.target, result.inventory, ctx.now, ctx.toolVersion)}\n`;
    case 'table':
      return `${renderTable(result.target, result.inventory, result.shown, result.gate, result.shownMisconfigurations, result.shownSecrets, result.signatures)}\n`;
  }
}
