/**
 * Manual grading (queue by attempt and by question, rubric or points, comments, final only when
 * every manual grade is in, learner notified by event), regrade after a question fix (before /
 * after per attempt, audit, `regraded` event, idempotent job), and the live score board (snapshot
 * with masked NIPs, server-sent events fed through Redis pub/sub).
 */
import { expect } from 'chai';
import { createUser, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { openSse } from '../support/sse';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

const SECTIONS: SectionSpec[] = [
  { key: 'twk', kind: 'mc', pool: 2, mark: 5 },
  { key: 'esai', kind: 'essay', pool: 1, mark: 10, pass: { mode: 'points', value: 5 } },
];

describe('activity-exam grading', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;
  let bank: Record<string, string[]>;
  const events: Array<{ name: string; payload: any }> = [];

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-exam': { graceSeconds: 0 } }) } });
    trainer = await createUser(env, 'trainer');
    courseId = await createCourse(trainer);
    bank = await createBank(env, trainer, courseId, SECTIONS);
    for (const name of ['activity-exam.attempt.graded', 'activity-exam.attempt.passed', 'activity-exam.attempt.regraded']) {
      env.kernel.services.events.on('test', name, (payload) => void events.push({ name, payload }));
    }
  });
  after(() => env?.stop());

  const attemptDoc = (id: string) => examApi(env).service.models.Attempt.findById(id).lean().then((a) => (a ? examApi(env).service.withAnswers(a) : a)); // answers attached: they live in their own documents (ADR 0053)
  async function takeAndSubmit(examId: string, how: 'right' | 'wrong') {
    const l = await createUser(env, 'learner');
    await enrol(l, courseId);
    const s = (await l.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
    let seq = 0;
    for (const q of s.questions) await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: responseFor(kindOf(q.name), kindOf(q.name) === 'essay' ? 'right' : how) });
    await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
    // The whole grade job, not only its state write: the audit record and the trainers' notice follow it.
    await waitForJob(env, 'activity-exam.grade', `grade-${s.attempt.id}`);
    const d = await attemptDoc(s.attempt.id);
    expect(d?.state).to.equal('needs_grading');
    return { l, attemptId: s.attempt.id as string, essaySlot: d!.slots.find((x) => x.section === 'esai')!.slot, doc: d! };
  }

  describe('manual grading', () => {
    it('waits for the essay grade, then finalises, emits the events and shows the comment', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS, { review: { marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'never' } });
      const a = await takeAndSubmit(exam.id, 'right');
      expect(a.doc.score).to.equal(10);
      expect(events.some((e) => e.payload.attemptId === a.attemptId)).to.equal(false);
      const mine = await a.l.api.get(`/api/v1/activity-exam/attempts/${a.attemptId}`);
      expect(mine.body.score).to.equal(null);

      const byAttempt = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/grading?by=attempt`);
      expect(byAttempt.body.attempts).to.have.length(1);
      expect(byAttempt.body.attempts[0].pending[0]).to.include({ slot: a.essaySlot });
      const byQuestion = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/grading?by=question`);
      expect(byQuestion.body.questions[0].items[0]).to.include({ attemptId: a.attemptId, slot: a.essaySlot });

      const view = await trainer.api.get(`/api/v1/activity-exam/attempts/${a.attemptId}/manual/${a.essaySlot}`);
      expect(view.body.question.rubric.criteria).to.have.length(2);
      expect(view.body.response.text).to.contain('integritas');

      const url = `/api/v1/activity-exam/attempts/${a.attemptId}/manual/${a.essaySlot}`;
      // Rubric: cukup (2) + baik (1) of 4 + 1 = 3/5 × 10 marks = 6.
      const put = await trainer.api.put(url, { rubric: { isi: 'cukup', bahasa: 'baik' }, comment: 'Argumen perlu diperdalam.' });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body).to.include({ state: 'graded', score: 16, passed: true });
      const d = await attemptDoc(a.attemptId);
      expect(d!.sections.find((s) => s.key === 'esai')).to.include({ score: 6, passed: true });
      const final = events.filter((e) => e.payload.attemptId === a.attemptId);
      expect(final.map((e) => e.name)).to.deep.equal(['activity-exam.attempt.graded', 'activity-exam.attempt.passed']);
      const review = await a.l.api.get(`/api/v1/activity-exam/attempts/${a.attemptId}`);
      expect(review.body.score).to.equal(16);
      expect(review.body.questions.find((q: any) => q.slot === a.essaySlot).feedback).to.include('Argumen perlu diperdalam.');
      expect((await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/grading`)).body.attempts).to.have.length(0);

      // Changing a manual grade on a final attempt is a regrade: audited with before/after, event emitted.
      const change = await trainer.api.put(url, { score: 2, comment: 'Dikoreksi.' });
      expect(change.body).to.include({ score: 12, passed: false });
      const audit = await env.kernel.services.audit.forSubject('exam-attempt', a.attemptId);
      expect(audit.filter((x) => x.action === 'activity-exam:audit.manualGraded')).to.have.length(2);
      const rg = audit.find((x) => x.action === 'activity-exam:audit.regraded')!;
      expect(rg.before).to.include({ score: 16, passed: true });
      expect(rg.after).to.include({ score: 12, passed: false });
      expect(events.some((e) => e.name === 'activity-exam.attempt.regraded' && e.payload.attemptId === a.attemptId)).to.equal(true);
    });

    it('writes an essay grade only after the grade job\'s announcement is in, and refuses one it cannot wait for (ADR 0069)', async () => {
      // FerretDB 1.x applies two updates of one document as read-modify-write: the announcement's
      // last write (`announcedAt`) could drop a manual grade written meanwhile (the CI failure of 59d8de1).
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      const a = await takeAndSubmit(exam.id, 'right');
      const Attempt = examApi(env).service.models.Attempt;
      const url = `/api/v1/activity-exam/attempts/${a.attemptId}/manual/${a.essaySlot}`;
      // The attempt as the grade job leaves it between its grade and the end of its announcement.
      await Attempt.updateOne({ _id: a.attemptId }, { $set: { announcePendingAt: new Date() }, $unset: { announcedAt: 1 } });
      const refused = await trainer.api.put(url, { score: 3, comment: 'Belum.' });
      expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
      expect((await Attempt.findById(a.attemptId).lean())!.manual?.[a.essaySlot]).to.equal(undefined);
      expect((await env.kernel.services.audit.forSubject('exam-attempt', a.attemptId)).filter((x) => x.action === 'activity-exam:audit.manualGraded')).to.have.length(0);

      // The announcement ends while a grade is sent: the grade goes in after it, and both stay.
      const put = trainer.api.put(url, { score: 4, comment: 'Cukup.' });
      // Not a wait for correctness (either order must end the same): it lets the grade reach its wait first, as a trainer's would.
      await new Promise((r) => setTimeout(r, 500));
      await Attempt.updateOne({ _id: a.attemptId }, { $set: { announcedAt: new Date() }, $unset: { announcePendingAt: 1 } });
      const done = await put;
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.include({ state: 'graded', score: 14 });
      const d = (await Attempt.findById(a.attemptId).lean())!;
      expect(d.manual?.[a.essaySlot]).to.include({ score: 4, comment: 'Cukup.' });
      expect(d.announcedAt).to.be.instanceOf(Date);
    });

    it('rejects bad grades and non-graders', async () => {
      const { exam } = await createExam(trainer, courseId, SECTIONS);
      const a = await takeAndSubmit(exam.id, 'right');
      const url = `/api/v1/activity-exam/attempts/${a.attemptId}/manual/${a.essaySlot}`;
      const twkSlot = a.doc.slots.find((x) => x.section === 'twk')!.slot;
      const cases: Array<[string, unknown, number, string?]> = [
        [url, { score: 11 }, 400],
        [url, { score: -1 }, 400],
        [url, { score: 5, rubric: { isi: 'baik', bahasa: 'baik' } }, 400],
        [url, {}, 400],
        [url, { rubric: { isi: 'baik' } }, 400],
        [url, { rubric: { isi: 'baik', bahasa: 'baik', gaya: 'x' } }, 400],
        [url, { rubric: { isi: 'sempurna', bahasa: 'baik' } }, 400],
        [`/api/v1/activity-exam/attempts/${a.attemptId}/manual/${twkSlot}`, { score: 1 }, 409, 'BINA_ERR_ATTEMPT_NOT_MANUAL'],
        [`/api/v1/activity-exam/attempts/${a.attemptId}/manual/s99`, { score: 1 }, 404],
      ];
      for (const [u, body, status, code] of cases) {
        const r = await trainer.api.put(u, body);
        expect(r.status, JSON.stringify(body)).to.equal(status);
        if (code) expect(r.body.error.code).to.equal(code);
      }
      expect((await a.l.api.put(url, { score: 10 })).status).to.equal(403);
      const other = await createUser(env, 'trainer');
      expect((await other.api.put(url, { score: 10 })).status).to.equal(404);
      expect((await other.api.get(`/api/v1/activity-exam/exams/${exam.id}/grading`)).status).to.equal(403);
      expect((await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/grading?by=nope`)).status).to.equal(400);
      expect((await attemptDoc(a.attemptId))!.state).to.equal('needs_grading');
    });
  });

  describe('regrade', () => {
    it('recomputes affected attempts after a key fix, with before/after, audit and events, once', async () => {
      const sections: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 2, mark: 5 }];
      const { exam } = await createExam(trainer, courseId, sections);
      const right = await (async () => {
        const l = await createUser(env, 'learner');
        await enrol(l, courseId);
        const s = (await l.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`)).body;
        let seq = 0;
        // Answers `b` everywhere: wrong now, right after the fix.
        for (const q of s.questions) await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: ++seq, response: { selected: ['b'] } });
        await l.api.post(`/api/v1/activity-exam/attempts/${s.attempt.id}/submit`);
        // The whole job (its graded event and progress follow the state write), so the regrade below races nothing.
        await waitForJob(env, 'activity-exam.grade', `grade-${s.attempt.id}`);
        expect((await attemptDoc(s.attempt.id))?.state).to.equal('graded');
        return s.attempt.id as string;
      })();
      expect((await attemptDoc(right))!.score).to.equal(0);
      const fixed = bank.twk![0]!;
      const v2 = await trainer.api.post(`/api/v1/questions/${fixed}/versions`, { courseId, type: 'multichoice', name: 'twk-mc-1', stem: 'Soal TWK nomor 1 (diperbaiki)', defaultMark: 5, data: { single: true, shuffle: true, options: [{ id: 'a', text: 'Benar', fraction: 0 }, { id: 'b', text: 'Salah', fraction: 1 }, { id: 'c', text: 'Keliru', fraction: 0 }] } });
      expect(v2.status).to.equal(201);

      const bad = await trainer.api.post(`/api/v1/activity-exam/exams/${exam.id}/regrades`, { questionIds: ['f'.repeat(24)] });
      expect(bad.status).to.equal(400);
      expect((await trainer.api.post(`/api/v1/activity-exam/exams/${exam.id}/regrades`, { toLatest: 'yes' })).status).to.equal(400);

      const req = await trainer.api.post(`/api/v1/activity-exam/exams/${exam.id}/regrades`, { questionIds: [fixed] });
      expect(req.status).to.equal(202);
      const runId = req.body.run.id;
      const report = await waitFor(async () => {
        const r = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/regrades/${runId}`);
        return r.body.run?.state === 'done' ? r.body : null;
      }, 'regrade run');
      expect(report.run).to.include({ affected: 1, changed: 1 });
      expect(report.attempts[0]).to.deep.include({ attemptId: right, changed: true });
      expect(report.attempts[0].before.score).to.equal(0);
      expect(report.attempts[0].after.score).to.equal(5);
      const doc = await attemptDoc(right);
      expect(doc!.score).to.equal(5);
      // The slot now names the new version (slots keep only the version id; the qid is the version's).
      const ids = doc!.slots.map((s) => s.questionId.toString());
      expect(ids).to.include(v2.body.question.id);
      expect(ids).not.to.include(fixed);
      // Running the same job again changes nothing and notifies nobody twice.
      await examApi(env).service.models.RegradeRun.updateOne({ _id: runId }, { $set: { state: 'queued' } });
      await examApi(env).grading.runRegrade(runId);
      expect((await attemptDoc(right))!.regradeRuns).to.deep.equal([runId]);
      expect(events.filter((e) => e.name === 'activity-exam.attempt.regraded' && e.payload.attemptId === right)).to.have.length(1);
      const audit = await env.kernel.services.audit.forSubject('exam-attempt', right);
      expect(audit.filter((x) => x.action === 'activity-exam:audit.regraded')).to.have.length(1);
    });
  });

  describe('live score board', () => {
    it('shows masked NIPs and streams each answer through Redis as server-sent events', async () => {
      // Its own bank: the regrade test changed the key of a TWK question.
      const board: SectionSpec[] = [{ key: 'papan', kind: 'mc', pool: 2, mark: 5 }];
      await createBank(env, trainer, courseId, board);
      const { exam } = await createExam(trainer, courseId, board, { board: { identity: 'masked_nip', public: true } });
      const l = await createUser(env, 'learner', 'Peserta Papan');
      await enrol(l, courseId);
      const s = (await l.api.post(`/api/v1/activity-exam/exams/${exam.id}/attempts`)).body;
      const stream = await openSse(`${env.url}/api/v1/activity-exam/exams/${exam.id}/board/stream`, trainer.token);
      try {
        expect(stream.contentType).to.contain('text/event-stream');
        await stream.until((e) => e.event === 'ready', 'the ready event');
        const snap = await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}/board`);
        const row = snap.body.rows.find((r: any) => r.attemptId === s.attempt.id);
        expect(row.label).to.match(/^\d{4}•+\d{4}$/);
        expect(JSON.stringify(snap.body)).not.to.contain('Peserta Papan');
        const q = s.questions[0];
        await l.api.put(`/api/v1/activity-exam/attempts/${s.attempt.id}/answers/${q.slot}`, { seq: 1, response: { selected: ['a'] } });
        const msg = (await stream.until((e) => e.data?.t === 'answer', 'the answer message')).data;
        expect(msg).to.include({ attemptId: s.attempt.id, slot: q.slot, seq: 1, p: 5 });
        expect(JSON.stringify(msg)).not.to.contain('selected');
      } finally {
        stream.close();
      }
      const token = (await trainer.api.get(`/api/v1/activity-exam/exams/${exam.id}`)).body.exam.board.token;
      const anon = await fetch(`${env.url}/api/v1/activity-exam/public/boards/${token}`);
      expect(anon.status).to.equal(200);
      expect((await fetch(`${env.url}/api/v1/activity-exam/public/boards/${'x'.repeat(24)}`)).status).to.equal(404);
      expect((await l.api.get(`/api/v1/activity-exam/exams/${exam.id}/board`)).status).to.equal(403);
    });
  });
});
