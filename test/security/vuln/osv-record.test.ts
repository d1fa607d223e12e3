import { describe, expect, it } from 'vitest';
import { checkOsvRecord, parseOsvRecord } from '../../../src/security/vuln/osv-record.js';
import { VulnDbError } from '../../../src/security/vuln/errors.js';
import { record } from './support/records.js';

describe('OSV record validation', () => {
  it('accepts a well-formed record', () => {
    const r = record('GHSA-1', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { aliases: ['CVE-2021-23337'], severity: [{ type: 'CVSS_V3', score: 'x' }] });
    expect(parseOsvRecord(r).id).toBe('GHSA-1');
  });

  it('collects every bad field path into one error', () => {
    const bad = {
      id: '',
      modified: 'yesterday',
      aliases: ['CVE-1', 2],
      severity: [{ type: 'CVSS_V3' }],
      affected: [
        {
          package: { ecosystem: 'npm' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }, { fixed: 3 }, {}] }, { type: 'ECOSYSTEM', events: [] }],
          versions: 'all',
        },
        'nope',
      ],
      references: [{ url: 5 }],
    };
    let error: unknown;
    try {
      parseOsvRecord(bad, 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VulnDbError);
    const e = error as VulnDbError;
    expect(e.code).toBe('BAD_RECORD');
    expect(e.details?.problems).toEqual([
      'id: must be a non-empty string',
      'modified: must be an RFC 3339 timestamp',
      'aliases[1]: must be a string',
      'severity[0].score: is required',
      'affected[0].package.name: is required',
      'affected[0].ranges[0].events[0]: must have exactly one of introduced, fixed, last_affected, limit',
      'affected[0].ranges[0].events[1].fixed: must be a non-empty string',
      'affected[0].ranges[0].events[2]: must have exactly one of introduced, fixed, last_affected, limit',
      'affected[0].ranges[1].events: must be a non-empty array',
      'affected[0].versions: must be an array of strings',
      'affected[1]: must be an object',
      'references[0].url: must be a non-empty string',
    ]);
    expect(e.message).toContain('bad.json');
  });

  it('reports a missing id and modified, and non-objects', () => {
    expect(checkOsvRecord({})).toEqual({ ok: false, problems: ['id: is required', 'modified: is required'] });
    expect(checkOsvRecord([1])).toEqual({ ok: false, problems: ['(record): must be a JSON object'] });
  });
});
