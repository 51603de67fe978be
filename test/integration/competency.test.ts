/**
 * Competency profiles over HTTP against the real servers: the JPM and its band on both sides of
 * each band boundary, capped and uncapped, through the API (the pure function has unit tests);
 * the evidence trail is append-only; a unit head sees only their units; recommendations from the
 * courses' competency tags; the development plan from draft to approval; catalogue and position
 * CSV imports (all or nothing); evidence from a real certificate and a real exam (an assessment),
 * none from a practice quiz.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { AppendOnlyError } from '../../src/learning/competency/competency-models';
import type { CompetencyService } from '../../src/learning/competency/competency-service';
import { createCourseWithQuiz, createUser, startTestEnv, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { ACTIVITY_PASSED } from '../../src/learning/activity-events';
import { createBank, createExam, enrol, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';

describe('competency profiles', function () {
  this.timeout(120_000);

  for (const capped of [false, true]) {
    describe(`JPM and bands (${capped ? 'capped' : 'uncapped'})`, () => {
      let env: TestEnv;
      let admin: TestUser;
      let svc: CompetencyService;

      before(async () => {
        env = await startTestEnv({ only: [], env: { BINA_JPM_CAPPED: String(capped) } });
        admin = await createUser(env, 'admin');
        svc = env.kernel.services.providers.get('competency')!.impl as CompetencyService;
        await env.kernel.learning.models.Competency.create({ code: 'TEK-UJI', name: 'Teknis Uji', group: 'teknis' });
      });
      after(async () => {
        await env?.stop();
      });

      /** A person whose position requires `required` (per competency) and whose levels are `levels` (assessor ratings). */
      async function jpmOf(required: number[], levels: number[]) {
        const codes = ['MNJ-INT', 'MNJ-KS', 'MNJ-KOM', 'MNJ-OPH', 'MNJ-PP', 'MNJ-PDO', 'MNJ-MP', 'MNJ-PK', 'SK-PB', 'TEK-UJI'];
        const code = `JAB-${new Types.ObjectId().toHexString().slice(-8)}`;
        const put = await admin.api.request('PUT', `/api/v1/competency/positions/${code}`, { name: `Jabatan ${code}`, standard: required.map((r, i) => ({ competency: codes[i], required: r })) });
        expect(put.status, JSON.stringify(put.body)).to.equal(200);
        const person = await createUser(env, 'learner');
        await env.kernel.identity.models.User.updateOne({ _id: person.id }, { $set: { positionName: `  jabatan ${code.toLowerCase()} ` } });
        for (const [i, l] of levels.entries()) {
          if (l === 0) continue;
          const r = await admin.api.post(`/api/v1/competency/people/${person.id}/evidence`, { competency: codes[i], level: l });
          expect(r.status, JSON.stringify(r.body)).to.equal(201);
          expect(r.body.source).to.equal('assessor');
        }
        const me = await person.api.get('/api/v1/competency/me');
        expect(me.status).to.equal(200);
        return me.body.jpm as { jpm: string; band: string; gaps: Array<{ competency: string; gap: number }> };
      }

      // Ten competencies at 5 (the nine seeded and one teknis): Σ required = 50, so JPM = Σ current × 2.
      const required = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
      it('does band on both sides of 90 % and 78 %', async () => {
        // 45/50 = 90.00 % Optimal; 44/50 = 88.00 % Cukup Optimal; 39/50 = 78.00 % Cukup Optimal; 38/50 = 76.00 % Kurang Optimal.
        const at = (sum: number) => {
          const levels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
          let left = sum;
          for (let i = 0; i < 10 && left > 0; i++) {
            levels[i] = Math.min(5, left);
            left -= levels[i]!;
          }
          return levels;
        };
        expect(await jpmOf(required, at(45))).to.include({ jpm: '90.00', band: 'optimal' });
        expect(await jpmOf(required, at(44))).to.include({ jpm: '88.00', band: 'cukup-optimal' });
        expect(await jpmOf(required, at(39))).to.include({ jpm: '78.00', band: 'cukup-optimal' });
        expect(await jpmOf(required, at(38))).to.include({ jpm: '76.00', band: 'kurang-optimal' });
      });
      it(capped ? 'does not let a level above the standard make up for a gap' : 'does let a level above the standard make up for a gap', async () => {
        // Standard 3+3 = 6; levels 5 and 1: uncapped 6/6 = 100.00 % Optimal; capped (3+1)/6 = 66.67 % Kurang Optimal.
        const r = await jpmOf([3, 3], [5, 1]);
        expect(r).to.include(capped ? { jpm: '66.67', band: 'kurang-optimal' } : { jpm: '100.00', band: 'optimal' });
        expect(r.gaps).to.deep.equal([{ competency: 'MNJ-KS', required: 3, current: 1, gap: 2 }]);
      });
      it('does keep the evidence trail append-only', async () => {
        const person = await createUser(env, 'learner');
        expect((await person.api.post('/api/v1/competency/me/evidence', { competency: 'MNJ-KOM', level: 2 })).status).to.equal(201);
        const trail = await person.api.get(`/api/v1/competency/people/${person.id}/evidence`);
        expect(trail.body.evidence).to.have.length(1);
        expect(trail.body.evidence[0]).to.include({ source: 'self', level: 2 });
        expect(trail.body.evidence[0].message).to.deep.equal({ key: 'competency.evidence.msg.self', args: { level: 2 } });
        // No route changes or removes an entry…
        const id = trail.body.evidence[0].id;
        for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await admin.api.request(method, `/api/v1/competency/people/${person.id}/evidence/${id}`, method === 'DELETE' ? undefined : { level: 5 })).status).to.equal(404);
        // …and the model refuses every update and delete.
        const { Evidence } = svc.models;
        for (const op of [() => Evidence.updateOne({ _id: id }, { $set: { level: 5 } }), () => Evidence.findOneAndUpdate({ _id: id }, { $set: { level: 5 } }), () => Evidence.deleteOne({ _id: id }), () => Evidence.deleteMany({}), () => Evidence.replaceOne({ _id: id }, {})]) {
          let err: unknown;
          try {
            await op();
          } catch (e) {
            err = e;
          }
          expect(err).to.be.instanceOf(AppendOnlyError);
        }
        const doc = await Evidence.findById(id);
        doc!.level = 5;
        let err: unknown;
        try {
          await doc!.save();
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(AppendOnlyError);
        // A later entry changes the level; the first stays as it was.
        await person.api.post('/api/v1/competency/me/evidence', { competency: 'MNJ-KOM', level: 3 });
        const after = await person.api.get(`/api/v1/competency/people/${person.id}/evidence`);
        expect(after.body.evidence.map((e: { level: number }) => e.level)).to.have.members([2, 3]);
      });
    });
  }

  describe('scopes, recommendations, plans and imports', () => {
    let env: TestEnv;
    let admin: TestUser;
    let trainer: TestUser;
    let units: Record<'agency' | 'a' | 'a1' | 'b', string>;

    async function unit(code: string, name: string, parentId?: string) {
      const r = await admin.api.post('/api/v1/units', { code, name, ...(parentId ? { parentId } : {}) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      return r.body.unit.id as string;
    }
    async function member(unitId: string, set: Record<string, unknown> = {}) {
      const u = await createUser(env, 'learner');
      await env.kernel.identity.models.User.updateOne({ _id: u.id }, { $set: { unitId: new Types.ObjectId(unitId), positionName: 'Analis SDM Aparatur', ...set } });
      return u;
    }

    before(async () => {
      env = await startTestEnv({ only: [] });
      admin = await createUser(env, 'admin');
      trainer = await createUser(env, 'trainer');
      const s = Date.now();
      const agency = await unit(`PEMDA-${s}`, 'Pemerintah Kabupaten Uji');
      const a = await unit(`A-${s}`, 'Badan Kepegawaian', agency);
      const a1 = await unit(`A1-${s}`, 'Bidang Pengembangan', a);
      const b = await unit(`B-${s}`, 'Dinas Kesehatan', agency);
      units = { agency, a, a1, b };
      const put = await admin.api.request('PUT', '/api/v1/competency/positions/ANALIS-SDM', { name: 'Analis SDM Aparatur', standard: [{ competency: 'MNJ-KOM', required: 3 }, { competency: 'MNJ-PP', required: 3 }] });
      expect(put.status).to.equal(200);
    });
    after(async () => {
      await env?.stop();
    });

    it('does show a unit head the heat map of their units and the units below, never another unit', async () => {
      const head = await member(units.a, { unitHeadOf: [new Types.ObjectId(units.a)] });
      const inA1 = await member(units.a1);
      const inB = await member(units.b);
      const map = await head.api.get('/api/v1/competency/heatmap');
      expect(map.status, JSON.stringify(map.body)).to.equal(200);
      const ids = map.body.people.map((p: { id: string }) => p.id);
      expect(ids).to.include(inA1.id).and.not.include(inB.id);
      expect(map.body.people.find((p: { id: string }) => p.id === inA1.id).gaps['MNJ-KOM']).to.deep.equal({ required: 3, current: 0, gap: 3 });
      expect((await head.api.get(`/api/v1/competency/heatmap?unitId=${units.b}`)).status).to.equal(403);
      expect((await head.api.get(`/api/v1/competency/people/${inB.id}`)).status).to.equal(403);
      expect((await head.api.get(`/api/v1/competency/people/${inA1.id}`)).status).to.equal(200);
      // The pages too: the heat map lists only their people; another unit's person is refused.
      const page = await fetch(`${env.url}/competency/units`, { headers: { authorization: `Bearer ${head.token}` } });
      const html = await page.text();
      expect(page.status).to.equal(200);
      expect(html).to.include(`data-person="${inA1.id}"`).and.not.include(`data-person="${inB.id}"`);
      expect((await fetch(`${env.url}/competency/people/${inB.id}`, { headers: { authorization: `Bearer ${head.token}` } })).status).to.equal(403);
      // Admins see everyone; a plain learner holds no heat map.
      const all = await admin.api.get('/api/v1/competency/heatmap');
      expect(all.body.people.map((p: { id: string }) => p.id)).to.include.members([inA1.id, inB.id]);
      expect((await inB.api.get('/api/v1/competency/heatmap')).status).to.equal(403);
      // Nor can the head rate or decide: those belong to the direct supervisor.
      expect((await head.api.post(`/api/v1/competency/people/${inA1.id}/evidence`, { competency: 'MNJ-KOM', level: 3 })).status).to.equal(403);
    });

    it('does recommend published courses tagged with a competency at a level that closes the gap', async () => {
      const mk = async (title: string, code: string, level: number, published = true) => (await trainer.api.post('/api/v1/courses', { title, jp: 4, competencies: [{ code, level }], published })).body.course.id as string;
      const c3 = await mk('Komunikasi Efektif Lanjut', 'MNJ-KOM', 3);
      const c2 = await mk('Komunikasi Dasar', 'MNJ-KOM', 2);
      await mk('Komunikasi Pimpinan', 'MNJ-KOM', 5);
      await mk('Draf Komunikasi', 'MNJ-KOM', 3, false);
      const r = await admin.api.get('/api/v1/competency/courses?competency=MNJ-KOM&above=1&upTo=3');
      expect(r.body.courses.map((c: { id: string }) => c.id)).to.deep.equal([c3, c2]);
      const learner = await member(units.b);
      await learner.api.post('/api/v1/competency/me/evidence', { competency: 'MNJ-KOM', level: 2 });
      const me = await learner.api.get('/api/v1/competency/me');
      expect(me.body.recommendations['MNJ-KOM'].map((c: { id: string }) => c.id)).to.deep.equal([c3]);
      const home = await fetch(`${env.url}/`, { headers: { authorization: `Bearer ${learner.token}` } });
      expect(await home.text()).to.include('data-testid="recommended"').and.include('Komunikasi Efektif Lanjut');
    });

    it('does take a plan from draft to the direct supervisor, who approves it or returns it with a reason', async () => {
      const boss = await member(units.a);
      const asn = await member(units.a1, { supervisorId: new Types.ObjectId(boss.id) });
      const other = await member(units.a1);
      const year = 2026;
      const draft = await asn.api.request('PUT', `/api/v1/competency/me/plans/${year}`, { items: [{ competency: 'MNJ-KOM', from: 0, to: 3, note: 'Coaching dengan atasan' }] });
      expect(draft.status, JSON.stringify(draft.body)).to.equal(200);
      expect(draft.body.plan.state).to.equal('draft');
      const sent = await asn.api.post(`/api/v1/competency/me/plans/${year}/submit`, {});
      expect(sent.body.plan.state).to.equal('submitted');
      expect((await asn.api.request('PUT', `/api/v1/competency/me/plans/${year}`, { items: [{ competency: 'MNJ-PP', from: 0, to: 3 }] })).status).to.equal(409);
      const planId = sent.body.plan.id;
      // The supervisor's report of plans waiting, as CSV; another person's has no row of it.
      const csv = async (u: TestUser) => (await fetch(`${env.url}/competency/approvals/export?format=csv`, { headers: { authorization: `Bearer ${u.token}` } })).text();
      expect(await csv(boss)).to.include(asn.username);
      expect(await csv(other)).not.to.include(asn.username);
      expect((await other.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: true })).status).to.equal(403);
      expect((await asn.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: true })).status).to.equal(403);
      expect((await boss.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: false, reason: '' })).status).to.equal(400);
      const back = await boss.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: false, reason: 'Tambahkan pelatihan' });
      expect(back.body.plan).to.include({ state: 'returned', returnReason: 'Tambahkan pelatihan' });
      await asn.api.request('PUT', `/api/v1/competency/me/plans/${year}`, { items: [{ competency: 'MNJ-KOM', from: 0, to: 3 }, { competency: 'MNJ-PP', from: 0, to: 3 }] });
      await asn.api.post(`/api/v1/competency/me/plans/${year}/submit`, {});
      const ok = await boss.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: true });
      expect(ok.body.plan.state).to.equal('approved');
      expect((await boss.api.post(`/api/v1/competency/plans/${planId}/decision`, { approve: true })).status).to.equal(409);
      // Progress: an item is done once its level is reached.
      await boss.api.post(`/api/v1/competency/people/${asn.id}/evidence`, { competency: 'MNJ-KOM', level: 3 });
      const mine = await asn.api.get(`/api/v1/competency/me/plans/${year}`);
      expect(mine.body.progress).to.include({ done: 1, total: 2, percent: 50 });
      const trail = await asn.api.get(`/api/v1/competency/people/${asn.id}/evidence`);
      expect(trail.body.evidence[0]).to.include({ source: 'supervisor', by: boss.id });
    });

    it('does import positions and teknis competencies from CSV all or nothing, with problems by line', async () => {
      const cookieless = (path: string, form: Record<string, string>) => fetch(env.url + path, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      const teknis = 'code,name,description,level_1,level_2,level_3,level_4,level_5\nTEK-ARSIP,Pengelolaan Arsip,Mengelola arsip dinamis,a,b,c,d,e\nTEK-BAD!,X,,,,,,\n';
      const bad = await cookieless('/admin/competencies/import', { csv: teknis, action: 'store' });
      expect(bad.status).to.equal(400);
      expect(await bad.text()).to.include('Baris 3');
      expect(await env.kernel.learning.models.Competency.exists({ code: 'TEK-ARSIP' })).to.equal(null);
      const good = await cookieless('/admin/competencies/import', { csv: teknis.split('\n').slice(0, 2).join('\n'), action: 'store' });
      expect(good.status).to.equal(200);
      expect(await env.kernel.learning.models.Competency.findOne({ code: 'TEK-ARSIP' }).lean()).to.include({ group: 'teknis', name: 'Pengelolaan Arsip' });
      const positions = 'position_code,position_name,competency,required\nPRANATA,Pranata Komputer,MNJ-KOM,2\nPRANATA,Pranata Komputer,TEK-ARSIP,3\nARSIPARIS,Arsiparis,NOPE,2\n';
      const r1 = await cookieless('/admin/positions/import', { csv: positions, action: 'store' });
      expect(r1.status).to.equal(400);
      expect(await r1.text()).to.include('Baris 4');
      const r2 = await cookieless('/admin/positions/import', { csv: positions.split('\n').slice(0, 3).join('\n'), action: 'store' });
      expect(r2.status).to.equal(200);
      const listed = await admin.api.get('/api/v1/competency/positions');
      expect(listed.body.positions.find((p: { code: string }) => p.code === 'PRANATA').standard).to.deep.equal([{ competency: 'MNJ-KOM', required: 2 }, { competency: 'TEK-ARSIP', required: 3 }]);
    });

    it('does seed the PermenPANRB 38/2017 competencies with descriptions and five level indicators, and keep an admin\'s edit', async () => {
      const c = await env.kernel.learning.models.Competency.findOne({ code: 'MNJ-INT' }).lean();
      expect(c!.description).to.match(/nilai, norma/);
      expect(c!.levels!.map((l) => l.level)).to.deep.equal([1, 2, 3, 4, 5]);
      await env.kernel.learning.models.Competency.updateOne({ code: 'MNJ-INT' }, { $set: { description: 'Diubah admin' } });
      await env.kernel.learning.seedCompetencies();
      expect((await env.kernel.learning.models.Competency.findOne({ code: 'MNJ-INT' }).lean())!.description).to.equal('Diubah admin');
    });
  });

  describe('evidence from real certificates and exams', () => {
    let env: TestEnv;

    before(async () => {
      env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789' }, 'activity-exam': { graceSeconds: 0 } }) } });
    });
    after(async () => {
      await env?.stop();
    });

    it('does record once a certificate\'s competency and an assessment passed in a tagged course, and not a practice quiz passed there', async () => {
      const admin = await createUser(env, 'admin');
      const trainer = await createUser(env, 'trainer');
      const learner = await createUser(env, 'learner');
      // A course tagged MNJ-PP level 2 with a practice quiz, and an exam added to it.
      const { courseId, quizId } = await createCourseWithQuiz(trainer, { questions: [{ type: 'truefalse', data: { correct: true } }] });
      const sections: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 1, mark: 5 }];
      await createBank(env, trainer, courseId, sections);
      const examId = (await createExam(trainer, courseId, sections)).exam.id;
      await enrol(learner, courseId);
      const passes: unknown[] = [];
      env.kernel.services.events.on('test', ACTIVITY_PASSED, (p: unknown) => void passes.push(p));

      // The learner passes the practice quiz…
      const q = (await learner.api.post(`/api/v1/activity-quiz/quizzes/${quizId}/attempts`)).body;
      await learner.api.put(`/api/v1/activity-quiz/attempts/${q.attempt.id}/answers/${q.questions[0].slot}`, { seq: 1, response: { value: true } });
      await learner.api.post(`/api/v1/activity-quiz/attempts/${q.attempt.id}/submit`);
      await waitForJob(env, 'activity-quiz.grade', `grade-${q.attempt.id}`);
      // …and the exam.
      const e = (await learner.api.post(`/api/v1/activity-exam/exams/${examId}/attempts`)).body;
      await learner.api.put(`/api/v1/activity-exam/attempts/${e.attempt.id}/answers/${e.questions[0].slot}`, { seq: 1, response: responseFor('mc', 'right') });
      await learner.api.post(`/api/v1/activity-exam/attempts/${e.attempt.id}/submit`);
      await waitForJob(env, 'activity-exam.grade', `grade-${e.attempt.id}`);
      expect(passes.map((p) => (p as { activityType: string }).activityType).sort()).to.deep.equal(['activity-exam', 'activity-quiz']);

      // A certificate of an achievement naming MNJ-KOM level 2, issued by an admin.
      const cert = '/api/v1/certificate-openbadges';
      const a = await admin.api.post(`${cert}/achievements`, {
        name: 'Komunikator Andal', description: 'Berkomunikasi dengan jelas.', criteria: 'Lulus penilaian.', competency: { code: 'MNJ-KOM', level: 2 }, jp: 2, achievementType: 'Certificate',
      });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      expect((await admin.api.post(`${cert}/certificates`, { achievementId: a.body.achievement.id, userId: learner.id, reason: 'Lulus penilaian' })).status).to.equal(202);

      type Entry = { source: string; competency: string; level: number; message: { key: string } };
      const trail = async () => ((await learner.api.get(`/api/v1/competency/people/${learner.id}/evidence`)).body.evidence as Entry[]).map((x) => `${x.source} ${x.competency} ${x.level} ${x.message.key}`);
      await waitFor(async () => (await trail()).length === 2, 'the exam\'s and the certificate\'s evidence');
      expect(await trail()).to.have.members(['exam MNJ-PP 2 competency.evidence.msg.exam', 'certificate MNJ-KOM 2 competency.evidence.msg.certificate']);

      // The same pass told again (a retried job) adds nothing.
      for (const p of passes.splice(0)) await env.kernel.services.events.emit(ACTIVITY_PASSED, p);
      expect(await trail()).to.have.length(2);
      const me = await learner.api.get('/api/v1/competency/me');
      expect(me.body.competencies.find((c: { code: string }) => c.code === 'MNJ-KOM')).to.include({ current: 2, selfAssessed: false });
    });
  });
});
