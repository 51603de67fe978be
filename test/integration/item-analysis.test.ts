/**
 * The item analysis plugin wired to exams: the report of real graded attempts equals the pure
 * module's analysis of the same marks (whose own tests check hand-computed values), large exams
 * are computed on the worker (pending → done), the CSV is ASCII, and only the exam's trainers see it.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { analyse } from '../../plugins/report-item-analysis/statistics';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 3, mark: 2 }, { key: 'tkp', kind: 'tkp', pool: 1, mark: 5 }];
// Per learner: which of the 3 TWK questions (by name) are right, and the TKP answer.
const PLAN = [
  { right: ['twk-mc-1', 'twk-mc-2', 'twk-mc-3'], tkp: 'right' },
  { right: ['twk-mc-1', 'twk-mc-2'], tkp: 'right' },
  { right: ['twk-mc-1'], tkp: 'wrong' },
  { right: [], tkp: 'wrong' },
  { right: ['twk-mc-2'], tkp: 'right' },
] as const;

describe('report-item-analysis on exams', function () {
  // Five learners take the exam and the worker grades them before the tests: slow under load.
  this.timeout(120_000);
  let env: TestEnv;
  let trainer: TestUser;
  let examId: string;

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'report-item-analysis': { inlineMaxAttempts: 3 } }) } });
    trainer = await createUser(env, 'trainer');
    const courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
    examId = (await createExam(trainer, courseId, SECTIONS)).exam.id;
    for (const plan of PLAN) {
      const l = await createUser(env, 'learner');
      await enrol(l, courseId);
      const s = (await l.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
      let seq = 0;
      for (const q of s.questions) {
        const how = kindOf(q.name) === 'tkp' ? plan.tkp : (plan.right as readonly string[]).includes(q.name) ? 'right' : 'wrong';
        await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), how) });
      }
      await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
    }
    const svc = (env.kernel.services.providers.require('activity-exam').impl as { service: { models: { Attempt: any } } }).service;
    // Graded and announced: a grade's event marks the stored analysis stale, so one still on its way
    // would turn a finished analysis back into a pending one in the middle of a test.
    await waitFor(async () => (await svc.models.Attempt.countDocuments({ examId, state: 'graded', announcedAt: { $exists: true } })) === PLAN.length, 'all attempts graded and announced', 90_000);
  });
  after(() => env?.stop());

  it('computes on the worker for a large exam and equals the pure analysis of the same marks', async () => {
    const first = await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}`);
    expect(first.status).to.equal(200);
    expect(first.body.state).to.equal('pending');
    const done = await waitFor(async () => {
      const r = await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}`);
      return r.body.state === 'done' ? r.body : null;
    }, 'the worker to compute the analysis', 90_000);
    // The same marks by blueprint slot: s1..s3 are TWK (names 1..3 in some order per attempt), s4 TKP.
    const svc = (env.kernel.services.providers.require('activity-exam').impl as { service: { models: { Attempt: any } } }).service;
    const attempts = await svc.models.Attempt.find({ examId, state: 'graded' }).sort({ _id: 1 }).lean();
    // A slot that drew one question for everyone carries that question's random guess score
    // (TWK: 1 right of 3 options; TKP: mean points 3 of 5); one that drew several carries none.
    const drew = (slot: string) => new Set(attempts.map((a: any) => String(a.slots.find((s: any) => s.slot === slot).questionId)));
    const guess = (slot: string) => (drew(slot).size > 1 ? null : slot === 's4' ? 0.6 : 1 / 3);
    const expected = analyse({
      items: ['s1', 's2', 's3', 's4'].map((slot) => ({ slot, maxMark: slot === 's4' ? 5 : 2, randomGuessScore: guess(slot) })),
      attempts: attempts.map((a: any) => ({ attemptId: String(a._id), userId: String(a.userId), marks: ['s1', 's2', 's3', 's4'].map((s) => a.results.find((r: any) => r.slot === s).score) })),
    });
    expect(done.analysis).to.deep.equal(JSON.parse(JSON.stringify(expected)));
    expect(done.analysis.quiz.attempts).to.equal(5);
    expect(done.analysis.quiz.mean).to.be.closeTo((6 + 5 + 4 + 2 + 1 + 1 + 5 + 2 + 5) / 5, 1e-9);
    const tkp = done.frequencies.find((f: any) => f.slot === 's4');
    // Options by their text, not their ids.
    expect(tkp.responses.map((r: any) => [r.response, r.count])).to.deep.include.members([['Sikap 5', 3], ['Sikap 1', 2]]);
    expect(done.analysis.items.map((i: any) => i.intendedWeight)).to.deep.equal([100 * 2 / 11, 100 * 2 / 11, 100 * 2 / 11, 100 * 5 / 11]);
    // Rows named by number and question; a slot that drew several questions has each one's own figures.
    const s4 = done.details.find((d: any) => d.slot === 's4');
    expect(s4).to.deep.include({ number: 4, name: 'tkp-tkp-1', questionCount: 1 });
    for (const slot of ['s1', 's2', 's3']) {
      const d = done.details.find((x: any) => x.slot === slot);
      expect(d.questionCount).to.equal(drew(slot).size);
      if (d.questionCount > 1) {
        expect(d.name).to.equal(null);
        expect(d.sub.map((q: any) => q.name).every((n: string) => /^twk-mc-\d$/.test(n))).to.equal(true);
        expect(d.sub.reduce((n: number, q: any) => n + q.stats.attempts, 0)).to.equal(5);
        // Each question's facility over the attempts that drew it in this slot.
        for (const q of d.sub) {
          const marks = attempts.filter((a: any) => String(a.slots.find((x: any) => x.slot === slot).questionId) === q.questionId).map((a: any) => a.results.find((r: any) => r.slot === slot).score as number);
          expect(q.stats.attempts).to.equal(marks.length);
          expect(q.stats.facility).to.be.closeTo((100 * marks.reduce((x: number, y: number) => x + y, 0)) / marks.length / 2, 1e-9);
        }
      } else {
        expect(d.name).to.match(/^twk-mc-\d$/);
      }
    }
  });

  /** The analysis refreshes itself after grading (a job): tests read it once it is done again. */
  const analysisDone = () => waitFor(async () => ((await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}`)).body.state === 'done' ? true : undefined), 'the analysis to be done', 90_000);

  it('exports ASCII CSV and renders the report page with the chart', async () => {
    await analysisDone();
    const csv = await fetch(`${env.url}/api/v1/report-item-analysis/exams/${examId}/csv?table=items`, { headers: { authorization: `Bearer ${trainer.token}` } });
    expect(csv.status).to.equal(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).to.equal('slot,attempts,facility_percent,sd_percent,discrimination_index_percent,discriminative_efficiency_percent,effective_weight_percent,random_guess_score_percent,intended_weight_percent');
    expect(/^[\x20-\x7e\r\n]*$/.test(text)).to.equal(true);
    // The "all attempts" scope is its own analysis: it answers 409 while it computes.
    const quizCsv = await waitFor(async () => {
      const r = await fetch(`${env.url}/api/v1/report-item-analysis/exams/${examId}/csv?table=quiz&scope=all`, { headers: { authorization: `Bearer ${trainer.token}` } });
      const body = await r.text();
      if (r.status === 409) return undefined;
      expect(r.status, body).to.equal(200);
      return body;
    }, 'the all-attempts analysis to be done', 90_000);
    expect(quizCsv).to.match(/^statistic,value\r\nattempts,5\r\n/);
    const page = await fetch(`${env.url}/report-item-analysis/exams/${examId}`, { headers: { authorization: `Bearer ${trainer.token}`, accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.contain('/assets/vendor/chart.js/chart.umd.js');
    expect(html).to.contain('id="ia-chart"');
    expect(html).to.contain('Soal 4</span> tkp-tkp-1');
    expect(html).not.to.contain('Hitung ulang');
  });

  it('refreshes by itself after a new final grade (no recount asked for)', async () => {
    await analysisDone();
    const before = (await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}`)).body;
    expect(before.state).to.equal('done');
    const svc = (env.kernel.services.providers.require('activity-exam').impl as { service: { models: { Attempt: any } } }).service;
    const courseId = String((await svc.models.Attempt.findOne({ examId }).lean()).courseId);
    const l = await createUser(env, 'learner');
    await enrol(l, courseId);
    const s = (await l.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
    let seq = 0;
    for (const q of s.questions) await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), 'right') });
    await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
    const after = await waitFor(async () => {
      const r = (await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}`)).body;
      return r.state === 'done' && r.analysis.quiz.attempts === PLAN.length + 1 ? r : null;
    }, 'the analysis to include the new attempt by itself', 90_000);
    expect(after.analysis.quiz.attempts).to.equal(PLAN.length + 1);
  });

  it('refuses learners, other trainers and bad input', async () => {
    const l = await createUser(env, 'learner');
    expect((await l.api.get(`/api/v1/report-item-analysis/exams/${examId}`)).status).to.equal(403);
    const other = await createUser(env, 'trainer');
    expect((await other.api.get(`/api/v1/report-item-analysis/exams/${examId}`)).status).to.equal(403);
    expect((await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}?scope=last`)).status).to.equal(400);
    expect((await trainer.api.get(`/api/v1/report-item-analysis/exams/${examId}/csv?table=x`)).status).to.equal(400);
    expect((await trainer.api.get('/api/v1/report-item-analysis/exams/nope')).status).to.equal(400);
    expect((await trainer.api.get(`/api/v1/report-item-analysis/exams/${'0'.repeat(24)}`)).status).to.equal(404);
  });
});
