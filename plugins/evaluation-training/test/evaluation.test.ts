/**
 * Training evaluation against real services: the anonymity of level 1 (no stored trace of who
 * answered, and nothing on the trainer's page or API that links an answer to a person), the
 * level-3 task created once at the right time on a controlled clock, level-4 import errors by
 * line in the reader's language, and the level-2 gain from a pre-test and a post-test.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createCourseWithQuiz, createUser, ManualClock, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../../../test/support/harness';
import type { Evaluation } from '../index';
import { wakeBehaviourJob } from './behaviour-clock';

const PLUGINS = ['evaluation-training', 'question-likert', 'activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse', 'notify-inbox'];
const WEEK = 7 * 86_400_000;
const ANSWERS = { relevance: '5', clarity: '4', trainer: '5', engagement: '3', facilities: '4', apply: '5' };

describe('evaluation-training', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let clock: ManualClock;
  let trainer: TestUser;
  let admin: TestUser;
  let ev: Evaluation;
  const db = () => env.kernel.services.conn;

  before(async () => {
    clock = new ManualClock(new Date());
    env = await startTestEnv({ only: PLUGINS, clock });
    trainer = await createUser(env, 'trainer', 'Widyaiswara Evaluasi');
    admin = await createUser(env, 'admin', 'Admin Evaluasi');
    ev = env.kernel.services.providers.require('evaluation-training').impl as Evaluation;
  });
  after(() => env?.stop());

  /** Enrols over the API, then completes every activity through the core (the course completes). */
  async function complete(learner: TestUser, courseId: string) {
    expect((await learner.api.post(`/api/v1/courses/${courseId}/enrol`)).status).to.be.oneOf([200, 201]);
    for (const a of await env.kernel.learning.activities(courseId)) await env.kernel.learning.markProgress(learner.id, a, 'completed');
    await waitFor(async () => ev.reaction.offerFor({ kind: 'course', id: courseId }, learner.id), 'the survey offer');
  }
  const notices = (userId: string, kind: string) => db().collection('notify-inbox_notices').find({ userId: new Types.ObjectId(userId), kind }).toArray();

  describe('level 1: the reaction survey', () => {
    let courseId: string;
    const learners: TestUser[] = [];
    before(async () => {
      courseId = (await createCourseWithQuiz(trainer)).courseId;
      for (const name of ['Andi Responden', 'Budi Responden', 'Citra Diam']) {
        const l = await createUser(env, 'learner', name);
        learners.push(l);
        await complete(l, courseId);
      }
    });

    it('is offered once on completion, with a notice in the inbox and a link on the course page', async () => {
      const [andi] = learners;
      expect(await notices(andi!.id, 'reaction-offered')).to.have.length(1);
      await env.kernel.services.events.emit('learning.course.completed', { courseId, userId: andi!.id, jp: 2, title: 'Kursus Uji', href: `/courses/${courseId}` });
      expect(await db().collection('evaluation-training_offers').countDocuments({ userId: new Types.ObjectId(andi!.id) })).to.equal(1);
      const page = await andi!.api.request('GET', `/courses/${courseId}`, undefined, { accept: 'text/html' });
      expect(String(page.body)).to.contain(`/evaluation-training/courses/${courseId}/reaction`);
    });

    it('takes one complete answer per learner and refuses the rest with reasons', async () => {
      const [andi, budi] = learners;
      clock.advance(60_000); // answered a minute after the offer: a read time "now" would differ from the notice's own
      const outsider = await createUser(env, 'learner', 'Orang Luar');
      const partial = await andi!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers: { relevance: '5' } });
      expect(partial.status).to.equal(400);
      expect((await andi!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers: ANSWERS, comment: 'Materi sangat membantu.' })).status).to.equal(201);
      const twice = await andi!.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers: ANSWERS });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal('BINA_ERR_EVALUATION_ANSWERED');
      expect((await outsider.api.post(`/api/v1/evaluation-training/courses/${courseId}/reaction`, { answers: ANSWERS })).status).to.equal(404);
      // The form: a missing statement re-renders with the reason in Indonesian, and the typed answers kept.
      const form = new URLSearchParams({ q_s1: '2', q_s2: '3', comment: 'Ruang kelas panas.' }).toString();
      const refused = await budi!.api.request('POST', `/evaluation-training/courses/${courseId}/reaction`, form, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(refused.status).to.equal(400);
      expect(String(refused.body)).to.contain('Jawab setiap pernyataan').and.to.contain('Ruang kelas panas.');
      expect(String(refused.body)).to.match(/id="q_s1_2" value="2"\s+checked/);
      const full = new URLSearchParams({ q_s1: '2', q_s2: '3', q_s3: '4', q_s4: '2', q_s5: '1', q_s6: '3', comment: 'Ruang kelas panas.' }).toString();
      const sent = await budi!.api.request('POST', `/evaluation-training/courses/${courseId}/reaction`, full, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(sent.status).to.equal(303);
    });

    it('stores no trace of who answered: no user id, name, username or session in any response document', async () => {
      const docs = await db().collection('evaluation-training_responses').find({ courseId: new Types.ObjectId(courseId) }).toArray();
      expect(docs).to.have.length(2);
      for (const d of docs) {
        expect(d.userId).to.equal(null);
        const text = JSON.stringify(d);
        for (const l of learners) {
          for (const trace of [l.id, l.username, l.token]) expect(text).not.to.contain(trace);
        }
        for (const name of ['Andi', 'Budi', 'Citra']) expect(text).not.to.contain(name);
        // Only the engine's fields and the survey's own: nothing about the request (session, IP, device, time stamps).
        const allowed = ['_id', 'answers', 'cohort', 'comment', 'courseId', 'flags', 'manual', 'results', 'seed', 'slots', 'state', 'userId'];
        expect(Object.keys(d).filter((k) => !allowed.includes(k))).to.deep.equal([]);
      }
      // The learner's "has answered" record holds no time of answering, so nothing pairs it with a response.
      const offer = await db().collection('evaluation-training_offers').findOne({ userId: new Types.ObjectId(learners[0]!.id) });
      expect(Object.keys(offer!).sort()).to.deep.equal(['_id', 'answered', 'cohort', 'courseId', 'offeredAt', 'reminded', 'userId']);
      expect(offer!.answered).to.equal(true);
      // The answerers' survey notices are read, as of their creation: the inbox keeps no time of
      // answering either. The one who did not answer still has it unread.
      for (const l of learners.slice(0, 2)) {
        const [n] = await notices(l.id, 'reaction-offered');
        expect(n!.readAt, `${l.username}'s notice read`).to.be.an.instanceOf(Date);
        expect(n!.readAt.getTime(), 'read as of its creation').to.equal(n!.createdAt.getTime());
      }
      expect((await notices(learners[2]!.id, 'reaction-offered'))[0]!.readAt ?? null, 'the one who did not answer').to.equal(null);
    });

    it('shows the trainer averages and comments per cohort, with no link to a person', async () => {
      const r = await trainer.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation`);
      expect(r.status).to.equal(200);
      const cohort = r.body.reaction.cohorts[0];
      expect(cohort).to.include({ invited: 3, respondents: 2, shown: true });
      expect(cohort.items.find((i: { item: string }) => i.item === 'relevance')).to.include({ mean: 3.5, n: 2 });
      expect(cohort.comments.map((c: { text: string }) => c.text).sort()).to.deep.equal(['Materi sangat membantu.', 'Ruang kelas panas.']);
      expect(cohort.comments.every((c: object) => !('name' in c))).to.equal(true);
      const page = await trainer.api.request('GET', `/evaluation-training/courses/${courseId}`, undefined, { accept: 'text/html' });
      expect(page.status).to.equal(200);
      for (const text of [JSON.stringify(r.body), String(page.body)]) {
        for (const l of learners) expect(text).not.to.contain(l.id);
        for (const name of ['Andi Responden', 'Budi Responden']) expect(text).not.to.contain(name);
      }
      expect(String(page.body)).to.contain('Materi sangat membantu.');
      // Another trainer (not of this course) is refused.
      const other = await createUser(env, 'trainer');
      expect((await other.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation`)).status).to.equal(403);
    });

    it('reminds once, only the learner who has not answered', async () => {
      const q = env.kernel.services.queues.queue('evaluation-training.reminder');
      for (const l of learners) {
        const key = `reaction-${courseId}-${l.id}`;
        await (await q.getJob(key))!.promote();
        await waitForJob(env, 'evaluation-training.reminder', key);
      }
      expect(await notices(learners[0]!.id, 'reaction-reminded')).to.have.length(0);
      expect(await notices(learners[2]!.id, 'reaction-reminded')).to.have.length(1);
      expect(await ev.reaction.remind(`${courseId}-${learners[2]!.id}`)).to.equal(false);
    });
  });

  describe('level 3: the behaviour rating task', () => {
    it('is created once, for the direct supervisor, when the weeks have passed, and the rating becomes evidence', async () => {
      const { courseId } = await createCourseWithQuiz(trainer);
      const supervisor = await createUser(env, 'learner', 'Atasan Langsung');
      const learner = await createUser(env, 'learner', 'Pegawai Dinilai');
      await env.kernel.identity.models.User.updateOne({ _id: learner.id }, { $set: { supervisorId: new Types.ObjectId(supervisor.id) } });
      const startedAt = clock.now().getTime();
      await complete(learner, courseId);
      const q = env.kernel.services.queues.queue('evaluation-training.behaviour-task');
      const key = `behaviour-${courseId}-${learner.id}`;
      const job = await q.getJob(key);
      expect(await job!.getState()).to.equal('delayed');
      expect(job!.opts.delay).to.equal(12 * WEEK);
      expect(new Date(job!.data.dueAt).getTime()).to.equal(startedAt + 12 * WEEK);
      // The same completion reported again adds no second job.
      await env.kernel.services.events.emit('learning.course.completed', { courseId, userId: learner.id, jp: 2, title: 'Kursus Uji', href: `/courses/${courseId}` });
      expect((await q.getJobs(['delayed', 'waiting', 'active', 'completed'])).filter((j) => j.id === key)).to.have.length(1);

      // Woken early (eleven weeks on the clock): no task; the job sleeps again.
      await wakeBehaviourJob(env, clock, key, 11 * WEEK, 'asleep');
      expect(await ev.behaviour.Task.countDocuments({ courseId })).to.equal(0);

      // Due: the task, once, for the direct supervisor, with a notice.
      await wakeBehaviourJob(env, clock, key, WEEK, 'done');
      const tasks = await ev.behaviour.Task.find({ courseId }).lean();
      expect(tasks).to.have.length(1);
      expect(String(tasks[0]!.raterId)).to.equal(supervisor.id);
      expect(tasks[0]!.targets).to.deep.equal([{ code: 'MNJ-PP', level: 2 }]);
      expect(await ev.behaviour.run({ courseId, userId: learner.id, dueAt: new Date(startedAt + 12 * WEEK).toISOString() })).to.equal('exists');
      expect(await ev.behaviour.Task.countDocuments({ courseId })).to.equal(1);
      expect(await notices(supervisor.id, 'behaviour-requested')).to.have.length(1);

      // Only the supervisor rates, once; the rating is evidence in the learner's profile.
      const taskId = tasks[0]!._id;
      expect((await learner.api.post(`/api/v1/evaluation-training/tasks/${taskId}/rating`, { ratings: [{ competency: 'MNJ-PP', level: 3 }] })).status).to.equal(403);
      const rated = await supervisor.api.post(`/api/v1/evaluation-training/tasks/${taskId}/rating`, { ratings: [{ competency: 'MNJ-PP', level: 3 }], comment: 'Lebih sigap melayani.' });
      expect(rated.status, JSON.stringify(rated.body)).to.equal(200);
      expect((await supervisor.api.post(`/api/v1/evaluation-training/tasks/${taskId}/rating`, { ratings: [{ competency: 'MNJ-PP', level: 4 }] })).status).to.equal(409);
      // Rated: the request leaves the supervisor's unread notices.
      expect((await notices(supervisor.id, 'behaviour-requested')).map((n) => n.readAt)).to.satisfy((r: unknown[]) => r.length === 1 && r[0] instanceof Date);
      const trail = await db().collection('competency_evidence').find({ userId: new Types.ObjectId(learner.id) }).toArray();
      expect(trail.map((e) => ({ competency: e.competency, level: e.level, source: e.source }))).to.deep.equal([{ competency: 'MNJ-PP', level: 3, source: 'supervisor' }]);
      const page = await trainer.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation`);
      expect(page.body.behaviour.tasks[0]).to.deep.include({ state: 'rated', ratings: [{ code: 'MNJ-PP', level: 3 }] });
    });
  });

  describe('level 4: SKP import', () => {
    const url = '/api/v1/evaluation-training/skp/imports';
    it('lists every problem by line in the reader\'s language and imports nothing', async () => {
      const csv = 'nip,period,results,behaviour\n199001152015031001,2025,above,meets\n199001152015031001,2025,meets,meets\n123,2025x,great,meets\n';
      const id = await admin.api.post(url, { csv });
      expect(id.status).to.equal(400);
      const problems = id.body.error.details as Array<{ line: number; message: string }>;
      expect(problems.map((p) => p.line)).to.deep.equal([3, 4, 4, 4]);
      expect(problems[0]!.message).to.equal('199001152015031001 dinilai dua kali untuk 2025 (pertama di baris 2).');
      expect(problems[1]!.message).to.equal('NIP “123” tidak sah: NIP harus tepat 18 angka.');
      expect(problems[3]!.message).to.contain('Hasil kerja harus above, meets atau below');
      const en = await admin.api.post(`${url}?lang=en`, { csv });
      expect(en.body.error.details[2].message).to.equal('The period must be a year (2026) or a half (2026-S1), found “2025x”.');
      const imported = await admin.api.post(url, { csv, dryRun: false });
      expect(imported.status).to.equal(400);
      expect(imported.body.error.code).to.equal('BINA_ERR_EVALUATION_SKP_FILE');
      expect(imported.body.error.details.map((d: { line: number }) => d.line)).to.deep.equal([3, 4, 4, 4]);
      expect(await ev.skp.Rating.countDocuments()).to.equal(0);
      expect((await admin.api.post(`${url}?lang=id`, { csv: 'nip;periode\n1;2\n' })).body.error.details[0]).to.deep.include({ line: 1, message: 'Baris judul harus nip,period,results,behaviour.' });
      expect((await trainer.api.post(url, { csv })).status).to.equal(403);
      // The page: a file upload previews the same problems, in Indonesian, as a 400.
      const form = new FormData();
      form.set('action', 'preview');
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'skp.csv');
      const cookieLess = await fetch(`${env.url}/evaluation-training/skp`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' }, body: form });
      expect(cookieLess.status).to.equal(400);
      const html = await cookieLess.text();
      expect(html).to.contain('Baris 4').and.to.contain('dinilai dua kali');
    });

    it('compares the course\'s learners before and after with the same units\' others, as an association', async () => {
      const { courseId } = await createCourseWithQuiz(trainer);
      const unit = await env.kernel.identity.models.Unit.create({ code: `U${Date.now() % 100000}`, name: 'Unit Uji SKP' });
      const people = await Promise.all(['Peserta A', 'Peserta B', 'Rekan C', 'Rekan D'].map((n) => createUser(env, 'learner', n)));
      for (const p of people) await env.kernel.identity.models.User.updateOne({ _id: p.id }, { $set: { unitId: unit._id } });
      for (const p of people.slice(0, 2)) await complete(p, courseId);
      const nips = await Promise.all(people.map(async (p) => (await env.kernel.identity.models.User.findById(p.id).lean())!.nip!));
      const rows = [
        [nips[0], '2025', 'meets', 'meets'], [nips[0], '2026', 'above', 'above'],
        [nips[1], '2025', 'meets', 'meets'], [nips[1], '2026', 'above', 'meets'],
        [nips[2], '2025', 'meets', 'meets'], [nips[2], '2026', 'meets', 'meets'],
        [nips[3], '2025', 'above', 'meets'], [nips[3], '2026', 'meets', 'meets'],
      ];
      const csv = `nip,period,results,behaviour\n${rows.map((r) => r.join(',')).join('\n')}\n`;
      const r = await admin.api.post(url, { csv, dryRun: false });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body).to.include({ imported: 8, unknownNips: 0 });
      const e = await trainer.api.get(`/api/v1/evaluation-training/courses/${courseId}/evaluation?before=2025&after=2026`);
      expect(e.body.results).to.deep.include({ kind: 'association', before: '2025', after: '2026', difference: 0.5 });
      expect(e.body.results.trained).to.deep.equal({ n: 2, meanBefore: 4, meanAfter: 4.5, change: 0.5 });
      expect(e.body.results.comparison).to.deep.equal({ n: 2, meanBefore: 4, meanAfter: 4, change: 0 });
      const page = await trainer.api.request('GET', `/evaluation-training/courses/${courseId}?before=2025&after=2026`, undefined, { accept: 'text/html' });
      expect(String(page.body)).to.contain('asosiasi, bukan bukti');
    });
  });

  describe('level 2: pre-test and post-test', () => {
    it('shows the normalised gain per learner and per cohort', async () => {
      const c = await createCourseWithQuiz(trainer, { questions: [{ type: 'truefalse', data: { correct: true } }, { type: 'truefalse', data: { correct: false } }] });
      const post = await trainer.api.post('/api/v1/activity-quiz/quizzes', { courseId: c.courseId, title: 'Post-test', questions: c.questionIds.map((questionId) => ({ questionId })) });
      expect(post.status).to.equal(201);
      const acts = await env.kernel.learning.activities(c.courseId);
      const preAct = acts.find((a) => a.refId === c.quizId)!;
      const postAct = acts.find((a) => a.refId === post.body.quiz.id)!;
      const bad = await trainer.api.put(`/api/v1/evaluation-training/courses/${c.courseId}/settings`, { preActivityId: String(preAct._id), postActivityId: String(preAct._id) });
      expect(bad.status).to.equal(400);
      expect((await trainer.api.put(`/api/v1/evaluation-training/courses/${c.courseId}/settings`, { preActivityId: String(preAct._id), postActivityId: String(postAct._id) })).status).to.equal(200);
      const learner = await createUser(env, 'learner', 'Peserta Gain');
      expect((await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`)).status).to.equal(201);
      async function take(quizId: string, answers: boolean[]) {
        const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`);
        expect(start.status).to.equal(201);
        const qs = start.body.questions as Array<{ slot: string; stem: string }>;
        for (const q of qs) {
          const i = Number(/(\d+)$/.exec(q.stem)![1]) - 1;
          expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}/answers/${q.slot}`, { seq: 1, response: { value: answers[i] } })).status).to.equal(200);
        }
        expect((await learner.api.post(`/api/v1/activity-quiz/attempts/${start.body.attempt.id}/submit`)).status).to.equal(202);
      }
      await take(c.quizId, [true, true]); // 1 of 2 right: 50 %
      await take(post.body.quiz.id, [true, false]); // 2 of 2: 100 %
      const view = await waitFor(async () => {
        const r = await trainer.api.get(`/api/v1/evaluation-training/courses/${c.courseId}/evaluation`);
        return r.body.learning.learners.find((l: { post?: number; pre?: number }) => l.pre !== undefined && l.post !== undefined) ? r.body.learning : undefined;
      }, 'both tests graded');
      expect(view.learners).to.deep.equal([{ name: 'Peserta Gain', cohort: view.cohorts[0].cohort, pre: 50, post: 100, gain: 1 }]);
      expect(view.cohorts[0]).to.deep.include({ paired: 1, meanOfGains: 1, classGain: 1 });
      const page = await trainer.api.request('GET', `/evaluation-training/courses/${c.courseId}`, undefined, { accept: 'text/html' });
      expect(String(page.body)).to.contain('gain-chart');
    });
  });
});
