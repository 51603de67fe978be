/**
 * Answers in their own documents (ADR 0053), against the real servers: a save is one small
 * insert of a version keyed by (attempt, slot, seq), never a write of the attempt document; the
 * answer of a slot is its highest version, so concurrent saves of one slot keep the highest
 * sequence; a save racing a submit is either stored and graded, or refused — never acknowledged
 * and left out of the grade; attempts with answers embedded from before keep working.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, startTestEnv, waitFor, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createCourse, createExam, enrol, examApi, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { answerVersionId } from '../../src/learning/attempts/answer-log';

const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 8, draw: 8, mark: 5 }];

describe('activity-exam answers in their own documents (ADR 0053)', () => {
  let env: TestEnv;
  let trainer: TestUser;
  let courseId: string;
  let examId: string;

  before(async function () {
    this.timeout(120_000); // a kernel, a bank of 8 questions and an exam, made over the API on a shared machine
    env = await startTestEnv();
    trainer = await createUser(env, 'trainer', 'Widyaiswara Jawaban');
    courseId = await createCourse(trainer);
    await createBank(env, trainer, courseId, SECTIONS);
    examId = (await createExam(trainer, courseId, SECTIONS)).exam.id;
  });
  after(() => env?.stop());

  const svc = () => examApi(env).service;
  async function started(name: string) {
    const l = await createUser(env, 'learner', name);
    await enrol(l, courseId);
    const r = await l.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`, {});
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return { l, attemptId: r.body.attempt.id as string, questions: r.body.questions as Array<{ slot: string; name: string }> };
  }
  const save = (l: TestUser, attemptId: string, slot: string, seq: number, response: unknown) => l.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${slot}`, { seq, response });
  const gradedDoc = (attemptId: string) => waitFor(async () => {
    const d = await svc().models.Attempt.findById(attemptId).lean();
    return d && (d.state === 'graded' || d.state === 'needs_grading') ? d : null;
  }, 'grading');

  it('stores a save as one version document and leaves the attempt document alone', async () => {
    const { l, attemptId, questions } = await started('Peserta Versi');
    const before = await svc().models.Attempt.findById(attemptId).lean();
    const slot = questions[0]!.slot;
    expect((await save(l, attemptId, slot, 1, responseFor('mc', 'wrong'))).body).to.include({ saved: true, seq: 1 });
    expect((await save(l, attemptId, slot, 2, responseFor('mc', 'right'))).body).to.include({ saved: true, seq: 2 });
    const after = await svc().models.Attempt.findById(attemptId).lean();
    expect(after, 'the attempt document is not rewritten by saves').to.deep.equal(before);
    const versions = await svc().models.Answer.find({ attemptId: new Types.ObjectId(attemptId) }).sort({ seq: 1 }).lean();
    expect(versions.map((v) => [v.slot, v.seq, String(v._id)])).to.deep.equal([[slot, 1, String(answerVersionId(attemptId, slot, 1))], [slot, 2, String(answerVersionId(attemptId, slot, 2))]]);
    expect(versions.every((v) => String(v.userId) === l.id && String(v.parentId) === examId)).to.equal(true);
    expect((await svc().answersOf(after!))[slot]).to.deep.include({ seq: 2, r: responseFor('mc', 'right') });
  });

  it('keeps the highest sequence when saves of one slot arrive at once, in any order', async () => {
    const { l, attemptId, questions } = await started('Peserta Serentak');
    const slot = questions[1]!.slot;
    const seqs = Array.from({ length: 24 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    // Odd seqs say "wrong", even say "right": the last one (24) is right.
    const replies = await Promise.all(seqs.map((seq) => save(l, attemptId, slot, seq, responseFor('mc', seq % 2 ? 'wrong' : 'right'))));
    for (const r of replies) expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const stored = (await svc().answersOf((await svc().models.Attempt.findById(attemptId).lean())!))[slot];
    expect(stored).to.deep.include({ seq: 24, r: responseFor('mc', 'right') });
    // Once 24 is in, anything older is refused as stale, and 24 again is a duplicate.
    expect((await save(l, attemptId, slot, 23, responseFor('mc', 'wrong'))).body).to.include({ saved: false, stale: true, currentSeq: 24 });
    expect((await save(l, attemptId, slot, 24, responseFor('mc', 'right'))).body).to.include({ saved: true, duplicate: true });
  });

  it('grades an answer acknowledged after the submit within the save window (the grade job waits it out)', async () => {
    const { l, attemptId, questions } = await started('Peserta Balapan');
    const readAt = performance.now();
    // The attempt as a save read it, open, just before the learner's other tab submitted.
    const asRead = (await svc().models.Attempt.findById(attemptId).lean())!;
    expect((await l.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`, {})).status).to.equal(202);
    const user = (await env.kernel.identity.userForToken(l.token))!;
    const client = { ip: '127.0.0.1', userAgent: 'test', examSessions: { [attemptId]: asRead.devices![0]! } };
    const slot = questions[2]!.slot;
    const ack = await svc().saveTo(user, asRead, slot, responseFor('mc', 'right'), 1, client, undefined, { readAt, storedSeq: 0 });
    expect(ack).to.include({ saved: true, seq: 1 });
    const done = await gradedDoc(attemptId);
    expect(done.results.find((r) => r.slot === slot), 'the acknowledged answer is in the grade').to.deep.include({ score: 5 });
  });

  it('refuses a save slower than the window once the attempt is submitted (it would be acknowledged too late)', async () => {
    const { l, attemptId, questions } = await started('Peserta Lambat');
    const asRead = (await svc().models.Attempt.findById(attemptId).lean())!;
    expect((await l.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`, {})).status).to.equal(202);
    const user = (await env.kernel.identity.userForToken(l.token))!;
    const client = { ip: '127.0.0.1', userAgent: 'test', examSessions: { [attemptId]: asRead.devices![0]! } };
    const readAt = performance.now() - svc().saveWindowMs() - 1;
    let refused: unknown = null;
    await svc().saveTo(user, asRead, questions[3]!.slot, responseFor('mc', 'right'), 1, client, undefined, { readAt, storedSeq: 0 }).catch((e) => (refused = e));
    expect(refused).to.have.property('code', 'BINA_ERR_EXAM_ATTEMPT_CLOSED');
  });

  it('never leaves an acknowledged save out of the grade when saves race a submit over HTTP', async () => {
    for (let round = 0; round < 3; round++) {
      const { l, attemptId, questions } = await started(`Peserta Ronde ${round + 1}`);
      const saves = questions.map((q, i) => save(l, attemptId, q.slot, i + 1, responseFor(kindOf(q.name), 'right')).then((r) => ({ slot: q.slot, r })));
      const submit = l.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`, {});
      const replies = await Promise.all(saves);
      expect((await submit).status).to.equal(202);
      const done = await gradedDoc(attemptId);
      for (const { slot, r } of replies) {
        if (r.status === 200 && r.body.saved === true) expect(done.results.find((x) => x.slot === slot), `acknowledged ${slot} graded`).to.deep.include({ score: 5 });
        else expect(r.status, JSON.stringify(r.body)).to.equal(409);
      }
    }
  });

  it('reads answers embedded in attempts from before, and saves over them by sequence', async () => {
    const { l, attemptId, questions } = await started('Peserta Lama');
    const [a, b] = [questions[4]!.slot, questions[5]!.slot];
    // An attempt written before ADR 0053 holds its answers in the attempt document.
    await svc().models.Attempt.updateOne({ _id: attemptId }, { $set: { answers: { [a]: { r: responseFor('mc', 'right'), seq: 3, at: new Date() }, [b]: { r: responseFor('mc', 'wrong'), seq: 4, at: new Date() } } } });
    const seen = await l.api.get(`/api/v1/activity-exam/attempts/${attemptId}`);
    expect(seen.body.questions.find((q: { slot: string }) => q.slot === a).response).to.deep.equal(responseFor('mc', 'right'));
    expect((await save(l, attemptId, a, 2, responseFor('mc', 'wrong'))).body).to.include({ saved: false, stale: true, currentSeq: 3 });
    expect((await save(l, attemptId, b, 5, responseFor('mc', 'right'))).body).to.include({ saved: true, seq: 5 });
    expect((await l.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`, {})).status).to.equal(202);
    const done = await gradedDoc(attemptId);
    expect(done.results.find((r) => r.slot === a)).to.deep.include({ score: 5 });
    expect(done.results.find((r) => r.slot === b)).to.deep.include({ score: 5 });
  });

  it('prunes the versions a graded attempt no longer reads', async () => {
    const { l, attemptId, questions } = await started('Peserta Pangkas');
    const slot = questions[6]!.slot;
    for (let seq = 1; seq <= 4; seq++) expect((await save(l, attemptId, slot, seq, responseFor('mc', seq === 4 ? 'right' : 'wrong'))).status).to.equal(200);
    expect((await l.api.post(`/api/v1/activity-exam/attempts/${attemptId}/submit`, {})).status).to.equal(202);
    const done = await gradedDoc(attemptId);
    expect(done.results.find((r) => r.slot === slot)).to.deep.include({ score: 5 });
    await waitFor(async () => (await svc().models.Answer.countDocuments({ attemptId: new Types.ObjectId(attemptId) })) === 1, 'superseded versions pruned');
    const review = await l.api.get(`/api/v1/activity-exam/attempts/${attemptId}`);
    expect(review.body.questions.find((q: { slot: string }) => q.slot === slot).response).to.deep.equal(responseFor('mc', 'right'));
  });
});
