/**
 * `bina competency jpm` as an officer runs it: two CSV files in, one JSON line out (JPM with 2
 * decimals, band, gaps), under the agency's setting or the flag; bad rows give their line numbers
 * and exit code 2.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';

describe('bina competency jpm', function () {
  this.timeout(180_000); // waits for `bina` processes, slow to start on a busy machine; times nothing
  const dir = mkdtempSync(join(tmpdir(), 'bina-jpm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'competency', 'jpm', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env },
    });

  const standard = file('standard.csv', 'competency,required\nINTEGRITAS,3\nKERJASAMA,3\nKOMUNIKASI,3\n');
  const profile = file('profile.csv', 'competency,level\nINTEGRITAS,5\nKERJASAMA,2\nKOMUNIKASI,2\n');

  it('prints the uncapped JPM by default, with 2 decimals, the band and the gaps', () => {
    const r = run(['--standard', standard, '--profile', profile]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\{"jpm":100\.00,/);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      jpm: 100,
      band: 'Optimal',
      gaps: [
        { competency: 'KERJASAMA', required: 3, current: 2, gap: 1 },
        { competency: 'KOMUNIKASI', required: 3, current: 2, gap: 1 },
      ],
    });
  });

  it('caps with --capped, or with the agency setting', () => {
    for (const r of [run(['--standard', standard, '--profile', profile, '--capped']), run(['--standard', standard, '--profile', profile], { BINA_JPM_CAPPED: 'true' })]) {
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.match(/^\{"jpm":77\.78,"band":"Kurang Optimal"/);
    }
  });

  it('reports bad rows with their line numbers and exits with 2', () => {
    const bad = file('bad-profile.csv', 'competency,level\nINTEGRITAS,6\nKERJASAMA\n');
    const r = run(['--standard', standard, '--profile', bad]);
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain('bad-profile.csv:2: level of INTEGRITAS must be a whole number from 0 to 5');
    expect(r.stderr).to.contain('bad-profile.csv:3: expected 2 fields, found 1');
  });
});
