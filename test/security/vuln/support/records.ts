import type { OsvRecord } from '../../../../src/security/vuln/osv-record.js';

/** An OSV record with one affected package and the given ranges; other fields optional. */
export function record(
  id: string,
  ecosystem: string,
  name: string,
  events: Record<string, string>[],
  extra: Partial<OsvRecord> & { versions?: string[]; rangeType?: string; entry?: Record<string, unknown> } = {},
): OsvRecord {
  const { versions, rangeType, entry, ...rest } = extra;
  return {
    id,
    modified: '2024-05-01T00:00:00Z',
    published: '2024-04-01T00:00:00Z',
    summary: `${name} issue ${id}`,
    details: `Details of ${id}.`,
    affected: [
      {
        package: { ecosystem, name },
        ranges: events.length > 0 ? [{ type: rangeType ?? 'ECOSYSTEM', events }] : undefined,
        versions,
        ...entry,
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://example.org/${id}` }],
    ...rest,
  };
}
