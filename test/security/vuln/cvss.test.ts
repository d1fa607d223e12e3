import { describe, expect, it } from 'vitest';
import { scoreCvss, severityFromScore } from '../../../src/security/vuln/cvss.js';

// Examples from FIRST's CVSS v3.1 specification "Examples" document, with their base scores.
const V31_EXAMPLES: [string, number][] = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8], // CVE-2014-6271 Shellshock
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1], // CVE-2013-1937 phpMyAdmin XSS
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4], // CVE-2013-0375 MySQL stored SQLi
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1], // CVE-2014-3566 POODLE
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9], // CVE-2012-1516 VMware guest to host
  ['CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2], // CVE-2009-0783 Tomcat XML parser
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160 Heartbleed
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', 6.8], // CVE-2008-1447 DNS Kaminsky
  ['CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8], // CVE-2014-2005 Sophos login bypass
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8], // CVE-2010-0467 Joomla traversal
  ['CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H', 9.3], // CVE-2013-6014 Juniper proxy ARP
  ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8], // CVE-2015-1098 iWork
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8], // CVE-2016-1645 Chrome PDFium
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
];

/** The CVSS v3.x base equations (specification section 7), written independently as an oracle. */
function reference(m: Record<string, string>, version: '3.0' | '3.1'): number {
  const changed = m.S === 'C';
  const W = {
    AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
    AC: { L: 0.77, H: 0.44 },
    PR: { N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 },
    UI: { N: 0.85, R: 0.62 },
    CIA: { H: 0.56, L: 0.22, N: 0 },
  } as const;
  const pick = <T extends Record<string, number>>(t: T, k: string): number => t[k as keyof T] as number;
  const iss = 1 - (1 - pick(W.CIA, m.C)) * (1 - pick(W.CIA, m.I)) * (1 - pick(W.CIA, m.A));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * pick(W.AV, m.AV) * pick(W.AC, m.AC) * pick(W.PR, m.PR) * pick(W.UI, m.UI);
  if (impact <= 0) return 0;
  const roundup =
    version === '3.1'
      ? (x: number): number => {
          const i = Math.round(x * 100000);
          return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
        }
      : (x: number): number => Math.ceil(x * 10) / 10;
  return roundup(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
}

function* allBaseVectors(): Generator<Record<string, string>> {
  for (const AV of 'NALP') for (const AC of 'LH') for (const PR of 'NLH') for (const UI of 'NR')
    for (const S of 'UC') for (const C of 'HLN') for (const I of 'HLN') for (const A of 'HLN') yield { AV, AC, PR, UI, S, C, I, A };
}

describe('CVSS scores', () => {
  it.each(V31_EXAMPLES)('%s = %d', (vector, score) => {
    expect(scoreCvss(vector)).toEqual({ version: '3.1', score });
  });

  it('matches the v3.1 and v3.0 base equations on every one of the 2,592 base vectors', () => {
    const wrong: string[] = [];
    for (const m of allBaseVectors()) {
      const tail = Object.entries(m).map(([k, v]) => `${k}:${v}`).join('/');
      for (const version of ['3.0', '3.1'] as const) {
        const want = reference(m, version);
        const got = scoreCvss(`CVSS:${version}/${tail}`)?.score;
        if (got !== want) wrong.push(`CVSS:${version}/${tail}: ${got} != ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('scores CVSS 4.0 vectors (CVSS-B) from the FIRST calculator', () => {
    expect(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toEqual({ version: '4.0', score: 9.3 });
    expect(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H')).toEqual({ version: '4.0', score: 10 });
    expect(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N')).toEqual({ version: '4.0', score: 0 });
    // threat metrics are ignored: the base score is what the severity bands apply to
    expect(scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')?.score).toBe(9.3);
  });

  it('uses only the base metrics of vectors carrying temporal or environmental ones', () => {
    expect(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/CR:L')?.score).toBe(9.8);
  });

  it('refuses incomplete, repeated, out-of-range and unsupported vectors', () => {
    for (const v of [
      'CVSS:3.1/AV:N',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H',
      'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/garbage',
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H',
      'AV:N/AC:L/Au:N/C:P/I:P/A:P', // CVSS 2
      'CVSS:5.0/AV:N',
      '',
    ]) {
      expect(scoreCvss(v), v).toBeNull();
    }
  });

  it('maps scores to the standard bands', () => {
    const cases: [number, string][] = [[0, 'LOW'], [0.1, 'LOW'], [3.9, 'LOW'], [4, 'MEDIUM'], [6.9, 'MEDIUM'], [7, 'HIGH'], [8.9, 'HIGH'], [9, 'CRITICAL'], [10, 'CRITICAL']];
    for (const [score, severity] of cases) expect(severityFromScore(score), String(score)).toBe(severity);
  });
});
