import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { osReleaseAnalyzer, parseOsRelease } from '../../../src/security/inventory/os-release.js';
import { file } from './helpers.js';

const analyze = (text: string): ReturnType<typeof osReleaseAnalyzer.analyze> => osReleaseAnalyzer.analyze(file('/etc/os-release', text));

describe('os-release analyzer', () => {
  it('wants only the two os-release paths', () => {
    expect(['/etc/os-release', '/usr/lib/os-release', '/etc/lsb-release', '/x/etc/os-release'].map((p) => osReleaseAnalyzer.required(p, 10))).toEqual([true, true, false, false]);
  });

  it('reads this machine (Debian 12)', () => {
    expect(analyze(readFileSync('/etc/os-release', 'utf8')).os).toEqual({ family: 'debian', version: '12', name: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm' });
  });

  it('reads Ubuntu, Alpine, and Debian point releases', () => {
    expect(analyze('NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nVERSION_CODENAME=jammy\nPRETTY_NAME="Ubuntu 22.04.4 LTS"').os).toEqual({ family: 'ubuntu', version: '22.04', name: 'Ubuntu 22.04.4 LTS', codename: 'jammy' });
    expect(analyze('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"').os).toEqual({ family: 'alpine', version: '3.19', name: 'Alpine Linux v3.19', codename: null });
    expect(analyze('ID=debian\nVERSION_ID="11"\nVERSION="11 (bullseye)"').os).toMatchObject({ family: 'debian', version: '11', codename: 'bullseye' });
  });

  it('reports distroless with its Debian release as the base', () => {
    const text = 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n';
    expect(analyze(text).os).toEqual({ family: 'distroless', baseFamily: 'debian', version: '12', name: 'Distroless', codename: 'bookworm' });
  });

  it('reports an unknown OS without failing, and warns when there is no ID', () => {
    expect(analyze('ID=plan9\nVERSION_ID=4\nNAME=Plan9').os).toEqual({ family: 'unknown', version: '4', name: 'Plan9', codename: null });
    expect(analyze('ID=rocky\nVERSION_ID="9.3"').os).toMatchObject({ family: 'redhat', version: '9.3' });
    const none = analyze('garbage\n\0\0');
    expect(none.os).toMatchObject({ family: 'unknown' });
    expect(none.warnings).toEqual([{ path: '/etc/os-release', message: expect.stringContaining('no ID') }]);
  });

  it('unquotes like the shell', () => {
    const f = parseOsRelease(`A="x \\"q\\" y"\nB='single $x'\nC=plain\n# comment\nD=""`);
    expect(Object.fromEntries(f)).toEqual({ A: 'x "q" y', B: 'single $x', C: 'plain', D: '' });
  });
});
