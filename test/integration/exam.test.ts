/**
 * The exam engine over HTTP against the real servers: blueprint draws, the server-owned deadline
 * (min(limit, close) with a warning), accommodations (audited), autosave ordering and refusals,
 * the delayed auto-submit, resume, sequential navigation, timed sections, CAT scoring with pass
 * rules per section and overall, result events, and bad input on each endpoint.
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const CAT: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 6, draw: 3, mark: 5, pass: { mode: 'points', value: 10 } },
  { key: 'tkp', kind: 'tkp', pool: 3, draw: 2, mark: 5, pass: { mode: 'points', value: 8 } },
];

describe('activity-exam', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;
  const events: Array<{ name: string; payload: any }> = [];

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-exam': { graceSeconds: 0 } }) } });
    trainer = await createUser(env, 'trainer', 'Widyaiswara');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, CAT);
    for (const name of ['activity-exam.attempt.graded', 'activity-exam.attempt.passed', 'activity-exam.attempt.submitted']) {
      env.kernel.services.events.on('test', name, (payload) => void events.push({ name, payload }));
    }
  });
  after(() => env?.stop());

  async function learnerIn(course = courseId, name?: string) {
    const l = await createUser(env, 'learner', name);
    await enrol(l, course);
    return l;
  }
  const attemptDoc = (id: string) => examApi(env).service.models.Attempt.findById(id).lean().then((a) => (a ? examApi(env).service.withAnswers(a) : a)); // answers attached: they live in their own documents (ADR 0053)
  const start = (l: TestUser, examId: string, body: object = {}, headers: Record<string, string> = {}) => l.api.request('POST', `/api/v1/activity-exam/exams/${examId}/attempts`, body, headers);

  async function answerAll(l: TestUser, start: any, how: (section: string, i: number) => 'right' | 'wrong') {
    let seq = 0;
    for (const [i, q] of start.questions.entries()) {
      const r = await l.api.put(`/api/v1/activity-exam/attempts/${start.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), how(q.section, i)) });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
  }
  async function graded(id: string) {
    return waitFor(async () => {
      const d = await attemptDoc(id);
      return d && (d.state === 'graded' || d.state === 'needs_grading') ? d : null;
    }, 'grading');
  }

  describe('authoring', () => {
    it('creates an exam with sections and reports each pool', async () => {
      const r = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 100 });
      expect(r.pools).to.deep.include({ section: 'twk', fixed: 0, draw: 3, available: 6, enough: true });
      const learner = await learnerIn();
      const seen = await learner.api.get(`/api/v1/activity-exam/exams/${r.exam.id}`);
      expect(seen.status).to.equal(200);
      expect(seen.body.exam.sections[0]).not.to.have.property('draw');
      expect(seen.body.exam).not.to.have.property('board');
    });

    it('rejects bad blueprints and settings with 400', async () => {
      const base = { courseId, title: 'X', sections: [{ key: 'twk', title: 'TWK', draw: { count: 1, tags: ['twk'] } }] };
      const bad = [
        { ...base, sections: [] },
        { ...base, sections: [base.sections[0], base.sections[0]] },
        { ...base, sections: [{ key: 'TWK!', title: 'x', draw: { count: 1 } }] },
        { ...base, sections: [{ key: 'twk', title: 'x' }] },
        { ...base, sections: [{ key: 'twk', title: 'x', fixed: [{ questionId: 'f'.repeat(24) }] }] },
        { ...base, opensAt: '2030-01-02T00:00:00Z', closesAt: '2030-01-01T00:00:00Z' },
        { ...base, access: [{ rule: 'access-nosuch', settings: {} }] },
        { ...base, access: [{ rule: 'access-code', settings: { code: 'x' } }] },
        { ...base, access: [{ rule: 'access-iprange', settings: { ranges: ['300.1.1.1/8'] } }] },
        { ...base, attemptsAllowed: 0 },
        { ...base, unknown: true },
        { ...base, courseId: 'nope' },
      ];
      for (const body of bad) {
        const r = await trainer.api.post('/api/v1/activity-exam/exams', body);
        expect(r.status, JSON.stringify(body)).to.equal(400);
        expect(r.body.error.code).to.match(/^BINA_ERR_HTTP_(VALIDATION|BAD_REQUEST)$/);
      }
      const learner = await learnerIn();
      expect((await learner.api.post('/api/v1/activity-exam/exams', base)).status).to.equal(403);
    });

    it('refuses to change the blueprint once attempts exist', async () => {
      const { exam } = await createExam(trainer, courseId, CAT);
      const l = await learnerIn();
      expect((await start(l, exam.id)).status).to.equal(201);
      const r = await trainer.api.patch(`/api/v1/activity-exam/exams/${exam.id}`, { sections: [{ key: 'twk', title: 'TWK', draw: { count: 1, tags: ['twk'] } }] });
      expect(r.status).to.equal(409);
      expect((await trainer.api.patch(`/api/v1/activity-exam/exams/${exam.id}`, { title: 'SKD 2' })).status).to.equal(200);
    });
  });

  describe('start and draw', () => {
    it('draws N questions per participant from the section pool, in a stored order, and resumes the same attempt', async () => {
      const { exam } = await createExam(trainer, courseId, CAT);
      const sets = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const l = await learnerIn();
        const r = await start(l, exam.id);
        expect(r.status).to.equal(201);
        expect(r.body.questions).to.have.length(5);
        const twk = r.body.questions.filter((q: any) => q.section === 'twk');
        expect(twk).to.have.length(3);
        expect(new Set(twk.map((q: any) => q.name)).size).to.equal(3);
        for (const q of twk) expect(q.name).to.match(/^twk-mc-/);
        expect(JSON.stringify(r.body)).not.to.match(/fraction|points/);
        sets.add(twk.map((q: any) => q.name).sort().join(','));
        const again = await start(l, exam.id);
        expect(again.body.attempt.id).to.equal(r.body.attempt.id);
        expect(again.body.resumed).to.equal(true);
        expect(again.body.questions.map((q: any) => q.slot)).to.deep.equal(r.body.questions.map((q: any) => q.slot));
      }
      // 20 ways to draw 3 of 6: four participants all drawing the same set would be a broken draw.
      expect(sets.size).to.be.greaterThan(1);
    });

    it('creates one attempt for many concurrent starts of one learner', async () => {
      const { exam } = await createExam(trainer, courseId, CAT);
      const l = await learnerIn();
      const rs = await Promise.all(Array.from({ length: 8 }, () => start(l, exam.id)));
      expect(rs.every((r) => r.status === 201)).to.equal(true);
      expect(new Set(rs.map((r) => r.body.attempt.id)).size).to.equal(1);
    });

    it('refuses to start when the pool is too small, before opening and after closing', async () => {
      const small = await createExam(trainer, courseId, [{ key: 'twk', kind: 'mc', pool: 6, draw: 50 }]);
      expect(small.pools[0]!.enough).to.equal(false);
      const l = await learnerIn();
      const r = await start(l, small.exam.id);
      expect(r.status).to.equal(409);
      expect(r.body.error.code).to.equal('BINA_ERR_EXAM_POOL_TOO_SMALL');
      const later = await createExam(trainer, courseId, CAT, { opensAt: new Date(Date.now() + 3600_000).toISOString() });
      expect((await start(l, later.exam.id)).body.error.code).to.equal('BINA_ERR_EXAM_NOT_OPEN');
      const over = await createExam(trainer, courseId, CAT, { opensAt: new Date(Date.now() - 7200_000).toISOString(), closesAt: new Date(Date.now() - 3600_000).toISOString() });
      expect((await start(l, over.exam.id)).body.error.code).to.equal('BINA_ERR_EXAM_CLOSED');
      expect((await start(trainer, over.exam.id)).status).to.equal(403);
    });
  });

  describe('deadline and accommodations', () => {
    it('fixes the deadline at start + limit when the close time is later', async () => {
      const { exam } = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 100, closesAt: new Date(Date.now() + 5 * 3600_000).toISOString() });
      const l = await learnerIn();
      const t0 = Date.now();
      const r = await start(l, exam.id);
      const deadline = new Date(r.body.attempt.deadline).getTime();
      expect(deadline - t0).to.be.within(100 * 60_000 - 5000, 100 * 60_000 + 5000);
      expect(r.body.warning).to.equal(null);
      expect(r.body.remainingMs).to.be.within(100 * 60_000 - 5000, 100 * 60_000);
    });

    it('ends at the close time when it comes first, and warns at start', async () => {
      const closesAt = new Date(Date.now() + 30 * 60_000).toISOString();
      const { exam } = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 100, closesAt });
      const l = await learnerIn();
      const r = await start(l, exam.id);
      expect(new Date(r.body.attempt.deadline).toISOString()).to.equal(closesAt);
      expect(r.body.warning).to.include({ key: 'activity-exam:warnings.shortened', limitMinutes: 100 });
      expect(r.body.warning.availableMinutes).to.be.within(29, 30);
      // The warning is kept: a resume shows it again.
      expect((await start(l, exam.id)).body.warning.limitMinutes).to.equal(100);
    });

    it('adds a participant\'s extra time, a later window and an extra attempt, each audited', async () => {
      const closesAt = new Date(Date.now() + 60 * 60_000).toISOString();
      const { exam } = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 100, closesAt, attemptsAllowed: 1 });
      const l = await learnerIn();
      const later = new Date(Date.now() + 5 * 3600_000).toISOString();
      const put = await trainer.api.put(`/api/v1/activity-exam/exams/${exam.id}/accommodations/${l.id}`, { extraMinutes: 30, closesAt: later, extraAttempts: 1, reason: 'Disabilitas netra' });
      expect(put.status).to.equal(200);
      expect(put.body.accommodation).to.include({ extraMinutes: 30, extraAttempts: 1 });
      const t0 = Date.now();
      const r = await start(l, exam.id);
      expect(new Date(r.body.attempt.deadline).getTime() - t0).to.be.within(130 * 60_000 - 5000, 130 * 60_000 + 5000);
      expect(r.body.warning).to.equal(null);
      await l.api.post(`/api/v1/activity-exam/attempts/${r.body.attempt.id}/submit`);
      const second = await start(l, exam.id);
      expect(second.status).to.equal(201);
      expect(second.body.attempt.number).to.equal(2);
      await l.api.post(`/api/v1/activity-exam/attempts/${second.body.attempt.id}/submit`);
      expect((await start(l, exam.id)).body.error.code).to.equal('BINA_ERR_EXAM_NO_ATTEMPTS_LEFT');
      const audit = await env.kernel.services.audit.forSubject('exam', exam.id);
      const acc = audit.find((a) => a.action === 'activity-exam:audit.accommodated');
      expect(acc).to.include({ actorId: trainer.id });
      // No accommodation before: the audit row stores no `before` (the chain hashes a missing one as null).
      expect(acc!.before ?? null).to.equal(null);
      expect(acc!.after).to.include({ extraMinutes: 30, extraAttempts: 1 });
      // A change keeps before and after.
      await trainer.api.put(`/api/v1/activity-exam/exams/${exam.id}/accommodations/${l.id}`, { extraMinutes: 45 });
      const last = (await env.kernel.services.audit.forSubject('exam', exam.id)).filter((a) => a.action === 'activity-exam:audit.accommodated').pop();
      expect(last!.before).to.include({ extraMinutes: 30 });
      expect(last!.after).to.include({ extraMinutes: 45 });
    });

    it('rejects bad accommodations', async () => {
      const { exam } = await createExam(trainer, courseId, CAT);
      const l = await learnerIn();
      const stranger = await createUser(env, 'learner');
      const url = (u: string) => `/api/v1/activity-exam/exams/${exam.id}/accommodations/${u}`;
      expect((await trainer.api.put(url(l.id), { extraMinutes: -5 })).status).to.equal(400);
      expect((await trainer.api.put(url(l.id), { extraMinutes: 5, bogus: 1 })).status).to.equal(400);
      expect((await trainer.api.put(url(stranger.id), { extraMinutes: 5 })).status).to.equal(400);
      expect((await trainer.api.put(url('zz'), { extraMinutes: 5 })).status).to.equal(400);
      expect((await l.api.put(url(l.id), { extraMinutes: 60 })).status).to.equal(403);
    });
  });

  describe('autosave', () => {
    let l: TestUser;
    let attemptId: string;
    let slot: string;
    let kind: ReturnType<typeof kindOf>;
    before(async () => {
      const { exam } = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 60 });
      l = await learnerIn();
      const r = await start(l, exam.id);
      attemptId = r.body.attempt.id;
      slot = r.body.questions[0].slot;
      kind = kindOf(r.body.questions[0].name);
    });
    const url = () => `/api/v1/activity-exam/attempts/${attemptId}/answers/${slot}`;

    it('acknowledges a save with the server\'s remaining time; the same seq twice is one answer', async () => {
      const first = await l.api.put(url(), { seq: 5, response: responseFor(kind, 'right') });
      expect(first.status).to.equal(200);
      expect(first.body).to.include({ saved: true, seq: 5 });
      expect(first.body.remainingMs).to.be.a('number');
      const again = await l.api.put(url(), { seq: 5, response: responseFor(kind, 'right') });
      expect(again.body).to.include({ saved: true, duplicate: true });
    });

    it('ignores an older seq arriving after a newer one', async () => {
      await l.api.put(url(), { seq: 9, response: responseFor(kind, 'wrong') });
      const stale = await l.api.put(url(), { seq: 7, response: responseFor(kind, 'right') });
      expect(stale.body).to.include({ saved: false, stale: true, currentSeq: 9 });
      expect((await attemptDoc(attemptId))!.answers[slot]).to.deep.include({ seq: 9, r: responseFor(kind, 'wrong') });
    });

    it('rejects bad input on the save endpoint', async () => {
      const cases: Array<[string, unknown, number]> = [
        [url(), { response: responseFor(kind, 'right') }, 400],
        [url(), { seq: 0, response: {} }, 400],
        [url(), { seq: 20, response: { selected: 'a' } }, 400],
        [url(), { seq: 20, response: {}, fields: {} }, 400],
        [url(), { seq: 20, extra: 1 }, 400],
        [`/api/v1/activity-exam/attempts/${attemptId}/answers/s999`, { seq: 20, response: null }, 404],
        [`/api/v1/activity-exam/attempts/${attemptId}/answers/x1`, { seq: 20, response: null }, 400],
        [`/api/v1/activity-exam/attempts/nope/answers/${slot}`, { seq: 20, response: null }, 400],
        [`/api/v1/activity-exam/attempts/${'0'.repeat(24)}/answers/${slot}`, { seq: 20, response: null }, 404],
      ];
      for (const [u, body, status] of cases) expect((await l.api.put(u, body)).status, `${u} ${JSON.stringify(body)}`).to.equal(status);
      const other = await learnerIn();
      expect((await other.api.put(url(), { seq: 30, response: null })).status).to.equal(404);
      expect((await trainer.api.put(url(), { seq: 30, response: null })).status).to.equal(403);
    });

    it('refuses a save after the deadline even before the auto-submit ran', async () => {
      await examApi(env).service.models.Attempt.updateOne({ _id: attemptId }, { $set: { deadline: new Date(Date.now() - 1000) } });
      const late = await l.api.put(url(), { seq: 50, response: responseFor(kind, 'right') });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('BINA_ERR_EXAM_DEADLINE_PASSED');
      expect((await attemptDoc(attemptId))!.answers[slot]!.seq).to.equal(9);
    });
  });

  describe("an answer its question type refuses, in the learner's language", () => {
    const NUM: SectionSpec[] = [{ key: 'tiu', kind: 'num', pool: 1 }, { key: 'twk2', kind: 'mc', pool: 1 }];
    let l: TestUser;
    let attemptId: string;
    let numSlot: string;
    let mcSlot: string;
    before(async () => {
      await createBank(env, trainer, courseId, NUM);
      const { exam } = await createExam(trainer, courseId, NUM, { timeLimitMinutes: 60 });
      l = await learnerIn();
      const r = await start(l, exam.id);
      attemptId = r.body.attempt.id;
      numSlot = r.body.questions.find((q: { section: string }) => q.section === 'tiu').slot;
      mcSlot = r.body.questions.find((q: { section: string }) => q.section === 'twk2').slot;
    });
    const save = (slot: string, body: object, headers: Record<string, string> = {}) => l.api.request('PUT', `/api/v1/activity-exam/attempts/${attemptId}/answers/${slot}`, body, headers);

    it('keeps the English message and code, and adds each reason in the caller\'s language', async () => {
      const r = await save(numSlot, { seq: 1, response: { text: 'tujuh belas' } });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('BINA_ERR_HTTP_VALIDATION');
      expect(r.body.error.details).to.deep.equal([
        { path: 'response.text', message: 'not a number', i18n: 'question-numerical:errors.notANumber', localizedMessage: 'Jawaban bukan angka.' },
      ]);
      // The page's script sends the form fields; English when the learner reads English.
      const en = await save(numSlot, { seq: 2, fields: { [`q_${numSlot}`]: 'tujuh belas' } }, { cookie: 'bina_lang=en' });
      expect(en.status).to.equal(400);
      expect(en.body.error.details[0]).to.include({ message: 'not a number', localizedMessage: 'The answer is not a number.' });
      // A response of the wrong shape says so too.
      const shape = await save(mcSlot, { seq: 3, response: { selected: 'a' } });
      expect(shape.body.error.details[0]).to.include({ path: 'response.selected', localizedMessage: 'Isian tidak valid.' });
      expect((await attemptDoc(attemptId))!.answers?.[numSlot]).to.equal(undefined);
    });

    it('shows the reason on the page without JavaScript, keeps what was typed, saves the rest and does not submit', async () => {
      const post = (query: string, fields: Record<string, string>) =>
        l.api.request('POST', `/activity-exam/attempts/${attemptId}${query}`, new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      const r = await post('', { [`q_${numSlot}`]: 'tujuh belas', [`q_${mcSlot}`]: 'a', action: 'submit' });
      expect(r.status).to.equal(400);
      expect(r.body).to.match(/data-state="refused"[^>]*>Jawaban tidak disimpan: Jawaban bukan angka\.</);
      expect(r.body).to.include('value="tujuh belas"');
      const doc = (await attemptDoc(attemptId))!;
      expect(doc.state).to.equal('in_progress');
      expect(doc.answers?.[mcSlot]?.r).to.deep.equal({ selected: ['a'] });
      expect(doc.answers?.[numSlot]).to.equal(undefined);
      const en = await post('?lang=en', { [`q_${numSlot}`]: 'tujuh belas' });
      expect(en.status).to.equal(400);
      expect(en.body).to.match(/data-state="refused"[^>]*>Answer not saved: The answer is not a number\.</);
      // Corrected, it is saved and the page is the plain attempt page again.
      const ok = await post('', { [`q_${numSlot}`]: '17', [`q_${mcSlot}`]: 'a' });
      expect(ok.status).to.equal(302);
      expect((await attemptDoc(attemptId))!.answers?.[numSlot]?.r).to.deep.equal({ text: '17' });
    });
  });

  describe('auto-submit', () => {
    it('submits at the deadline with the delayed job, grades it, and refuses later saves', async () => {
      const closesAt = new Date(Date.now() + 2500).toISOString();
      const { exam } = await createExam(trainer, courseId, CAT, { timeLimitMinutes: 100, closesAt });
      const l = await learnerIn();
      const r = await start(l, exam.id);
      const q = r.body.questions[0];
      expect((await l.api.put(`/api/v1/activity-exam/attempts/${r.body.attempt.id}/answers/${q.slot}`, { seq: 1, response: responseFor(kindOf(q.name), 'right') })).status).to.equal(200);
      const d = await waitFor(async () => ((await attemptDoc(r.body.attempt.id))?.state === 'graded' ? attemptDoc(r.body.attempt.id) : null), 'auto-submit and grading', 30_000);
      expect(d!.submittedBy).to.equal('deadline');
      expect(d!.score).to.equal(5);
      const late = await l.api.put(`/api/v1/activity-exam/attempts/${r.body.attempt.id}/answers/${q.slot}`, { seq: 2, response: responseFor(kindOf(q.name), 'wrong') });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('BINA_ERR_EXAM_ATTEMPT_CLOSED');
    });
  });

  describe('scoring and pass rules', () => {
    it('scores per section (TKP weighted) and passes only when every section and the total pass', async () => {
      const { exam } = await createExam(trainer, courseId, CAT, { pass: { mode: 'points', value: 20 }, review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'never' } });
      const good = await learnerIn();
      const g = (await start(good, exam.id)).body;
      await answerAll(good, g, () => 'right');
      await good.api.post(`/api/v1/activity-exam/attempts/${g.attempt.id}/submit`);
      const gd = await graded(g.attempt.id);
      expect(gd.state).to.equal('graded');
      expect(gd.sections).to.deep.equal([{ key: 'twk', score: 15, maxScore: 15, passed: true }, { key: 'tkp', score: 10, maxScore: 10, passed: true }]);
      expect(gd).to.include({ score: 25, maxScore: 25, passed: true, gradeCount: 1 });

      // TWK all right (15 ≥ 10) but TKP at 1 point each (2 < 8): fails on the section rule alone.
      const weak = await learnerIn();
      const w = (await start(weak, exam.id)).body;
      await answerAll(weak, w, (section) => (section === 'twk' ? 'right' : 'wrong'));
      await weak.api.post(`/api/v1/activity-exam/attempts/${w.attempt.id}/submit`);
      const wd = await graded(w.attempt.id);
      expect(wd.sections.find((s) => s.key === 'tkp')).to.include({ score: 2, passed: false });
      expect(wd.passed).to.equal(false);

      const review = await good.api.get(`/api/v1/activity-exam/attempts/${g.attempt.id}`);
      expect(review.body).to.include({ score: 25, passed: true });
      expect(review.body.sections.map((s: any) => s.title)).to.deep.equal(['TWK', 'TKP']);
      for (const q of review.body.questions) expect(q.rightAnswer).to.equal(null);

      // The grade job emits after it stores the grade: wait for its events, not only for the state.
      const graded2 = await waitFor(async () => {
        const found = events.filter((e) => e.name === 'activity-exam.attempt.graded' && [g.attempt.id, w.attempt.id].includes(e.payload.attemptId));
        return found.length === 2 ? found : undefined;
      }, 'both graded events');
      expect(graded2).to.have.length(2);
      const passed = events.filter((e) => e.name === 'activity-exam.attempt.passed' && [g.attempt.id, w.attempt.id].includes(e.payload.attemptId));
      expect(passed).to.have.length(1);
      expect(passed[0]!.payload).to.include({ attemptId: g.attempt.id, userId: good.id, examId: exam.id, score: 25, passed: true });

      const results = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/results`);
      expect(results.body.results.find((x: any) => x.userId === good.id).counting).to.include({ score: 25, passed: true });
      expect((await good.api.get(`/api/v1/activity-exam/exams/${exam.id}/results`)).status).to.equal(403);
    });

    it('applies percent rules', async () => {
      const { exam } = await createExam(trainer, courseId, [{ ...CAT[0]!, pass: { mode: 'percent', value: 60 } }]);
      const l = await learnerIn();
      const s = (await start(l, exam.id)).body;
      await answerAll(l, s, (_sec, i) => (i < 2 ? 'right' : 'wrong'));
      await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
      const d = await graded(s.attempt.id);
      expect(d.sections[0]).to.include({ score: 10, maxScore: 15, passed: true });
    });
  });

  describe('navigation and timed sections', () => {
    it('sequential: answering a later question locks the earlier ones', async () => {
      const { exam } = await createExam(trainer, courseId, CAT, { navigation: 'sequential' });
      const l = await learnerIn();
      const s = (await start(l, exam.id)).body;
      const [q1, q2] = s.questions;
      const put = (q: any, seq: number) => l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq, response: responseFor(kindOf(q.name), 'right') });
      expect((await put(q1, 1)).status).to.equal(200);
      expect((await put(q2, 2)).status).to.equal(200);
      const back = await put(q1, 3);
      expect(back.status).to.equal(409);
      expect(back.body.error.code).to.equal('BINA_ERR_EXAM_SLOT_LOCKED');
      expect((await l.api.get(`/api/v1/activity-exam/attempts/${s.attempt.id}`)).body.questions[0].locked).to.equal(true);
    });

    it('timed sections: only the current section takes answers; moving on is one-way and idempotent', async () => {
      const { exam } = await createExam(trainer, courseId, CAT.map((c) => ({ ...c, timeLimitMinutes: 10 })));
      const l = await learnerIn();
      const s = (await start(l, exam.id)).body;
      expect(s.section).to.include({ index: 0, key: 'twk' });
      expect(s.remainingMs).to.be.within(20 * 60_000 - 5000, 20 * 60_000);
      const tkp = s.questions.find((q: any) => q.section === 'tkp');
      const early = await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${tkp.slot}`, { seq: 1, response: responseFor('tkp', 'right') });
      expect(early.body.error.code).to.equal('BINA_ERR_EXAM_SECTION_CLOSED');
      const next = await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/sections/next`, { from: 0 });
      expect(next.body.sectionIndex).to.equal(1);
      expect((await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/sections/next`, { from: 0 })).body.sectionIndex).to.equal(1);
      expect((await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${tkp.slot}`, { seq: 2, response: responseFor('tkp', 'right') })).status).to.equal(200);
      const twk = s.questions.find((q: any) => q.section === 'twk');
      expect((await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${twk.slot}`, { seq: 3, response: responseFor('mc', 'right') })).body.error.code).to.equal('BINA_ERR_EXAM_SECTION_CLOSED');
      expect((await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/sections/next`, { from: 'x' })).status).to.equal(400);
    });

    it('moves past a section whose time ran out, starting the next from its end', async () => {
      const { exam } = await createExam(trainer, courseId, CAT.map((c) => ({ ...c, timeLimitMinutes: 10 })));
      const l = await learnerIn();
      const s = (await start(l, exam.id)).body;
      const ended = new Date(Date.now() - 60_000);
      await examApi(env).service.models.Attempt.updateOne({ _id: s.attempt.id }, { $set: { sectionDeadline: ended } });
      const clock = await l.api.get(`/api/v1/activity-exam/attempts/${s.attempt.id}/clock`);
      expect(clock.body.section.index).to.equal(1);
      expect(clock.body.section.remainingMs).to.be.within(9 * 60_000 - 5000, 9 * 60_000);
    });
  });

  describe('resume and submit', () => {
    it('resumes exactly where the learner was, and submit is idempotent', async () => {
      const { exam } = await createExam(trainer, courseId, CAT);
      const l = await learnerIn();
      const s = (await start(l, exam.id)).body;
      const q = s.questions[1];
      await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: 4, response: responseFor(kindOf(q.name), 'right') });
      const again = (await start(l, exam.id)).body;
      const saved = again.questions.find((x: any) => x.slot === q.slot);
      expect(saved).to.include({ seq: 4 });
      expect(saved.response).to.deep.equal(responseFor(kindOf(q.name), 'right'));
      expect((await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`)).status).to.equal(202);
      expect((await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`)).status).to.equal(202);
      const d = await graded(s.attempt.id);
      expect(d.gradeCount).to.equal(1);
      expect((await trainer.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`)).status).to.equal(403);
      expect(events.filter((e) => e.name === 'activity-exam.attempt.submitted' && e.payload.attemptId === s.attempt.id)).to.have.length(1);
    });
  });
});
