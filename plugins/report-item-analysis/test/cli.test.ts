/**
 * Tests of the item-analysis CLI entry: exact JSON shape and key order on good files, exit code
 * 2 with `file:line:column` messages on bad ones.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItemAnalysisCli } from '../cli';

describe('report-item-analysis: cli', () => {
  let dir = '';
  const path = (name: string): string => join(dir, name);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bina-item-analysis-cli-'));
    await writeFile(path('items.csv'), 'slot,maxmark\n1,1\n2,2\n3,1\n4,3\n');
    // The 6 × 4 data set of statistics.test.ts (hand-worked values there).
    await writeFile(
      path('marks.csv'),
      [
        'attempt_id,user_id,1,2,3,4',
        'a1,u1,1,2,1,3',
        'a2,u2,1,1.5,0,2',
        'a3,u3,0,1,1,1.5',
        'a4,u4,1,0.5,0,0',
        'a5,u5,0,,1,1',
        'a6,u6,1,2,0,2.5',
        '',
      ].join('\n'),
    );
    await writeFile(path('bad-marks.csv'), 'attempt_id,user_id,1,2,3,4\na1,u1,1,2,1,3\na1,u2,1,5,0,2\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the JSON with keys in the documented order and returns 0', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runItemAnalysisCli(
      { marks: path('marks.csv'), items: path('items.csv') },
      (s) => (stdout += s),
      (s) => (stderr += s),
    );
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).to.deep.equal(['quiz', 'items']);
    expect(Object.keys(json.quiz)).to.deep.equal([
      'attempts', 'mean', 'median', 'sd', 'skewness', 'kurtosis', 'cic', 'errorRatio', 'standardError',
    ]);
    expect(json.items).to.have.length(4);
    for (const item of json.items) {
      expect(Object.keys(item)).to.deep.equal([
        'slot', 'attempts', 'facility', 'sd', 'discriminationIndex', 'discriminativeEfficiency', 'effectiveWeight', 'randomGuessScore', 'intendedWeight',
      ]);
    }
    expect(json.quiz.attempts).to.equal(6);
    expect(json.quiz.mean).to.be.closeTo(4, 1e-12);
    expect(json.quiz.cic).to.be.closeTo(60.606061, 1e-6);
    expect(json.items[0].slot).to.equal('1');
    expect(json.items[0].discriminativeEfficiency).to.be.closeTo(28, 1e-9);
  });

  it('prints null (not NaN, not missing) for undefined statistics', async () => {
    await writeFile(path('one.csv'), 'attempt_id,user_id,1,2,3,4\na1,u1,1,2,1,3\n');
    let stdout = '';
    const code = await runItemAnalysisCli({ marks: path('one.csv'), items: path('items.csv') }, (s) => (stdout += s), () => {});
    expect(code).to.equal(0);
    expect(stdout).to.not.match(/NaN/);
    const json = JSON.parse(stdout);
    expect(json.quiz.sd).to.equal(null);
    expect(json.quiz).to.have.property('standardError', null);
    expect(json.items[0]).to.have.property('effectiveWeight', null);
  });

  it('reports a slot worth 0 marks (a description) with null statistics instead of refusing the files', async () => {
    await writeFile(path('items-desc.csv'), 'slot,maxmark\n1,1\ndesc,0\n2,2\n');
    await writeFile(path('marks-desc.csv'), 'attempt_id,user_id,1,desc,2\na1,u1,1,0,2\na2,u2,0,0,1\na3,u3,1,0,0\n');
    let stdout = '';
    let stderr = '';
    const code = await runItemAnalysisCli({ marks: path('marks-desc.csv'), items: path('items-desc.csv') }, (s) => (stdout += s), (s) => (stderr += s));
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const json = JSON.parse(stdout);
    expect(json.items[1]).to.deep.equal({ slot: 'desc', attempts: 3, facility: null, sd: null, discriminationIndex: null, discriminativeEfficiency: null, effectiveWeight: null, randomGuessScore: null, intendedWeight: null });
    expect(json.items[0].intendedWeight).to.be.closeTo(100 / 3, 1e-9);
    expect(json.items[0].facility).to.be.closeTo(200 / 3, 1e-9);
  });

  it('prints line-numbered errors and returns 2 on bad input', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runItemAnalysisCli(
      { marks: path('bad-marks.csv'), items: path('items.csv') },
      (s) => (stdout += s),
      (s) => (stderr += s),
    );
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr.trimEnd().split('\n')).to.deep.equal([
      `${path('bad-marks.csv')}:3:1: duplicate attempt_id "a1" (first on line 2)`,
      `${path('bad-marks.csv')}:3:4: mark 5 for slot "2" is above its maxmark 2`,
    ]);
  });

  it('returns 2 for a missing file', async () => {
    let stderr = '';
    const code = await runItemAnalysisCli({ marks: path('none.csv'), items: path('items.csv') }, () => {}, (s) => (stderr += s));
    expect(code).to.equal(2);
    expect(stderr).to.equal(`${path('none.csv')}:0: file not found\n`);
  });
});
