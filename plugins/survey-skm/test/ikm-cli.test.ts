/**
 * `bina skm ikm` as an officer runs it, through the real `bina` entry point: the worked example
 * and every grade boundary with both weights print the same figures as the reports; bad rows give
 * their line numbers and exit code 2.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../src/kernel/core-version';
import { BOUNDARY_CASES, WORKED, WORKED_ROWS, rowsWithTotal } from './ikm-cases';

const HEADER = 'u1,u2,u3,u4,u5,u6,u7,u8,u9';

describe('survey-skm: bina skm ikm', function () {
  this.timeout(600_000); // waits for `bina` processes, slow to start on a busy machine; times nothing
  const dir = mkdtempSync(join(tmpdir(), 'bina-skm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, rows: number[][] | string) => {
    writeFileSync(join(dir, name), typeof rows === 'string' ? rows : [HEADER, ...rows.map((r) => r.join(','))].join('\n') + '\n');
    return join(dir, name);
  };
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'skm', 'ikm', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
    });

  it('prints the worked example with 1/9 by default and with --weight 0.11', () => {
    const f = file('worked.csv', WORKED_ROWS);
    const r = run(['--responses', f]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('{"element_averages":[3.30,3.00,2.70,3.90,3.10,3.40,3.60,3.00,2.60],"ikm":79.44,"grade":"B","label":"Baik"}');
    const w = run(['--responses', f, '--weight', '0.11']);
    expect(w.status, w.stderr).to.equal(0);
    expect(JSON.parse(w.stdout)).to.include({ ikm: WORKED['0.11'], grade: 'B', label: 'Baik' });
  });

  it('grades every boundary as the reports do, with both weights', () => {
    // One process per case would take minutes on a busy machine; the cases differ in data, so
    // each gets its file and the runs go one after another.
    for (const c of BOUNDARY_CASES) {
      const f = file(`b-${c.weight}-${c.total}-${c.n}.csv`, rowsWithTotal(c.n, c.total));
      const r = run(['--responses', f, ...(c.weight === '0.11' ? ['--weight', '0.11'] : [])]);
      expect(r.status, `${c.what}: ${r.stderr}`).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.ikm, c.what).to.equal(c.ikm);
      expect(out.grade, c.what).to.equal(c.grade);
      expect(r.stdout).to.contain(`"ikm":${c.ikm.toFixed(2)}`);
    }
  });

  it('reports bad rows with their line numbers and exits with 2', () => {
    const f = file('bad.csv', `${HEADER}\n4,4,4,4,4,4,4,4,4\n4,4,0,4,4,4,4,4,4\n4,4,4\n`);
    const r = run(['--responses', f]);
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain('bad.csv:3: u3 must be a whole number from 1 to 4 (found "0")');
    expect(r.stderr).to.contain('bad.csv:4: expected 9 values u1…u9, found 3');
  });

  it('refuses an unknown weight with exit code 2', () => {
    const r = run(['--responses', file('one.csv', [[4, 4, 4, 4, 4, 4, 4, 4, 4]]), '--weight', '0.1']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--weight must be 1/9 or 0.11');
  });
});
