/**
 * The demo data `npm start` seeds: the demo logins, two courses, the CAT exam with its four
 * sections, and Siti Nurhaliza's submitted attempt graded by the worker up to its essay, which then
 * waits in the trainer's queue and inbox. Seeding twice does nothing the second time.
 */
import { expect } from 'chai';
import { ApiClient, loginForToken, seedDemo, startTestEnv, waitFor, type TestEnv } from '../support/harness';
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_USERS } from '../../src/cli/demo-seed';
import { examApi } from '../../plugins/activity-exam/test/exam-fixtures';

describe('demo data', function () {
  this.timeout(120_000);
  let env: TestEnv;

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789' } }) } });
  });
  after(() => env?.stop());

  it('seeds logins, courses, a CAT exam and an essay waiting for the trainer, once', async () => {
    const r = await seedDemo(env.kernel);
    expect(r.seeded).to.equal(true);
    const learner = new ApiClient(env.url, await loginForToken(env.url, DEMO_USERS[4]!.nip!, DEMO_PASSWORD));
    const trainer = new ApiClient(env.url, await loginForToken(env.url, DEMO_USERS[1]!.nip!, DEMO_PASSWORD));

    const exam = await examApi(env).service.models.Exam.findOne({ title: 'Simulasi CAT SKD' }).lean();
    expect(exam!.sections.map((s) => s.key)).to.deep.equal(['twk', 'tiu', 'tkp', 'esai']);
    expect(exam!.board).to.include({ public: true, identity: 'masked_nip' });
    expect(r.refs.examId).to.equal(String(exam!._id));
    const site = env.config.PUBLIC_URL;
    expect(r.links.map((l) => l.url)).to.include(`${site}/activity-exam/exams/${exam!._id}`);
    const boardUrl = r.links.find((l) => l.url.startsWith(`${site}/activity-exam/board/`))!.url;
    expect((await fetch(`${env.url}${boardUrl.slice(site.length)}`)).status).to.equal(200);
    expect(r.links.some((l) => l.url.startsWith(`${site}/verify/`)), 'the certificate link').to.equal(true);
    // The pre-test comes first in its course, before the material and the quiz.
    const acts = await env.kernel.learning.models.Activity.find({ courseId: r.courseId }).sort({ position: 1 }).lean();
    expect(acts[0]!.title, acts.map((a) => a.title).join(' | ')).to.equal('Pre-test: Pelayanan Publik Prima');
    // Every demo learner passed the demo quiz after its achievement existed: each earned the
    // certificate by the earn rule, as in real use (not one issued by hand).
    const certificates = await env.kernel.services.conn.collection('certificate-openbadges_certificates').find({ achievementId: await env.kernel.services.conn.collection('certificate-openbadges_achievements').findOne({ name: 'Pelayanan Publik Prima' }).then((a) => a!._id) }).toArray();
    expect(certificates.map((c) => `${c.subject.name}: ${c.state} (${c.origin.kind})`).sort()).to.deep.equal(
      ['Muhammad Rizal: issued (rule)', 'Siti Nurhaliza: issued (rule)', 'Yohanes Tandi (PPPK): issued (rule)']);

    // The SKD questions live in a bank the trainer sees, a category per section, and every draw has enough.
    const banks = (await trainer.get('/api/v1/banks')).body.banks.map((b: { name: string }) => b.name);
    expect(banks).to.include.members(['Bank Soal SKD', 'Bank Soal Pelayanan Publik']);
    const pools = (await trainer.get(`/api/v1/activity-exam/exams/${exam!._id}/pools`)).body.pools;
    expect(pools.every((p: { enough: boolean; available: number }) => p.enough && p.available > 0)).to.equal(true);
    expect(exam!.sections.every((s) => s.draw?.bankId && s.draw.categoryIds.length === 1)).to.equal(true);

    // A small unit tree, and the head of BKPSDM who manages its people (and the bidang below) only.
    const head = new ApiClient(env.url, await loginForToken(env.url, DEMO_PEOPLE[0]!.nip, DEMO_PASSWORD));
    const units = (await head.get('/api/v1/units')).body.units.map((u: { code: string; depth: number }) => `${u.depth}:${u.code}`);
    expect(units).to.include.members(['0:PEMKAB-MAMUJU', '1:BKPSDM-MAMUJU', '2:BKPSDM-BANGKOM', '1:DISDIK-MAMUJU']);
    const seen = (await head.get('/api/v1/users?limit=100')).body.users.map((u: { username: string }) => u.username);
    expect(seen).to.include.members(['198111032006042001', '199001152015031001', '199203102019032005']);
    expect(seen).not.to.include('199406152022211001');
    const rizal = (await head.get(`/api/v1/users?q=199001152015031001`)).body.users[0];
    expect(rizal).to.include({ golongan: 'III/a', positionType: 'fungsional', functionalLevel: 'ahli-pertama' });

    // Competencies: Rizal has a position standard, evidence, gaps with courses, and a plan waiting for his supervisor;
    // the head of BKPSDM sees the heat map of his units.
    const rizalApi = new ApiClient(env.url, await loginForToken(env.url, DEMO_USERS[3]!.nip!, DEMO_PASSWORD));
    const profile = (await rizalApi.get('/api/v1/competency/me')).body;
    expect(profile.position.name).to.equal('Analis SDM Aparatur');
    expect(profile.jpm.gaps.length).to.be.greaterThan(0);
    expect(Object.values(profile.recommendations).flat().length).to.be.greaterThan(0);
    // No recommended course is empty: a learner who follows a recommendation finds something to do.
    const models = env.kernel.learning.models;
    for (const course of await models.Course.find().lean()) {
      expect(await models.Activity.countDocuments({ courseId: course._id }), `activities of '${course.title}'`).to.be.greaterThan(0);
    }
    const year = (await rizalApi.get(`/api/v1/competency/me/plans/${new Date().getUTCFullYear()}`)).body.plan ?? (await rizalApi.get(`/api/v1/competency/me/plans/${new Date().getUTCFullYear() + 1}`)).body.plan;
    expect(year.state).to.equal('submitted');
    expect((await head.get('/api/v1/competency/heatmap')).body.people.length).to.be.greaterThan(2);

    // Every draw has enough questions: a demo learner can start at once.
    const other = new ApiClient(env.url, await loginForToken(env.url, DEMO_USERS[3]!.nip!, DEMO_PASSWORD));
    const start = await other.post(`/api/v1/activity-exam/exams/${exam!._id}/attempts`);
    expect(start.status, JSON.stringify(start.body)).to.equal(201);
    expect(start.body.questions).to.have.length(8);

    const siti = await waitFor(async () => {
      const a = await examApi(env).service.models.Attempt.findOne({ examId: exam!._id, state: 'needs_grading' }).lean();
      return a ?? null;
    }, 'the worker to grade the demo attempt up to its essay');
    // TWK 3 × 5 + TIU 2 × 5 + TKP 2 × 4 (second-best attitude each time); the essay waits.
    expect(siti.score).to.equal(33);
    expect((await learner.get(`/api/v1/activity-exam/attempts/${siti._id}`)).status).to.equal(200);

    const queue = await trainer.get(`/api/v1/activity-exam/exams/${exam!._id}/grading`);
    expect(queue.body.attempts).to.have.length(1);
    const notices = await waitFor(async () => {
      const n = (await trainer.get('/api/v1/notify-inbox/notices')).body.notices;
      return n.length ? n : null;
    }, 'the trainer\'s notice');
    expect(notices[0]).to.include({ kind: 'activity-grading', href: `/activity-exam/exams/${exam!._id}/grading` });

    const again = await seedDemo(env.kernel);
    expect(again.seeded).to.equal(false);
    // A later `npm start` prints the same links.
    expect(again.links).to.deep.equal(r.links);
    expect(await examApi(env).service.models.Exam.countDocuments({ title: 'Simulasi CAT SKD' })).to.equal(1);
  });
});
