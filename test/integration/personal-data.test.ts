/**
 * Personal data (UU 27/2022, ADR 0036): a person's export holds every row each part of Bina keeps
 * about them, and erasure removes it as each store declares, keeps certificates verifiable and the
 * audit chain sound.
 *
 * The plugins are discovered from their `plugin.json`, never listed here: a plugin that declares
 * personal data without stores, a store whose model the plugin never defines, or a collection with
 * a `userId` that no store covers fails this test by name (so plugins added later are covered or
 * fail loudly).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { Types } from 'mongoose';
import { ApiClient, createCourseWithQuiz, createUser, startTestEnv, TEST_PASSWORD, waitFor, waitForJob, type TestEnv, type TestUser } from '../support/harness';
import { CORE_STORES, ERASED_NAME, storeCollection, type DeclaredStore, type PersonData } from '../../src/privacy/person-data';

/** Top-level fields that hold the id of the person a row is about (not who acted on it: createdBy, confirmedBy…). */
const PERSON_FIELD = /^(userId|(user|mentee|mentor|learner|respondent|participant|attendee|holder|member|subject)Id)$/;
/** `<collection>.<field>` matching PERSON_FIELD that are not a person's data (say why for each added). */
const NOT_PERSONAL_USER_ID = new Set<string>([
  // The id of a Latsar participant's record (not of a person): the comments belong to that record,
  // which the participant's store keeps as the graduation record.
  'activity-latsar_comments.participantId',
]);

describe('personal data: export and erasure', () => {
  let env: TestEnv;
  let admin: TestUser;
  const people = () => env.kernel.services.providers.require('person-data').impl as PersonData;
  const stores = (): DeclaredStore[] => [
    ...CORE_STORES,
    ...env.kernel.plugins.active.flatMap((r) => r.manifest.privacy.stores.map((s) => ({ ...s, owner: r.id, purposes: r.manifest.privacy.personalData.map((d) => d.purpose) }))),
  ];

  before(async () => {
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789' } }) } });
    admin = await createUser(env, 'admin', 'Admin Privasi');
  });
  after(() => env?.stop());

  describe('the declarations', () => {
    it('every plugin that keeps personal data lists its stores, each on a model it defines, with the person field in its schema', () => {
      const defined = new Map([...env.kernel.services.models].map((m) => [m.collection.collectionName, m]));
      const problems: string[] = [];
      for (const r of env.kernel.plugins.records) {
        const p = r.manifest.privacy;
        if (r.status !== 'active') problems.push(`${r.id}: not active (${r.error?.message ?? r.status}), so its stores are not checked`);
        if (p.personalData.length && p.keyedByPerson && !p.stores.length) problems.push(`${r.id}: declares personalData but no privacy.stores (or "keyedByPerson": false)`);
        for (const s of p.stores) {
          const model = defined.get(storeCollection({ owner: r.id, model: s.model }));
          if (!model) problems.push(`${r.id}: store ${s.model} is not a model the plugin defines`);
          else if (!model.schema.path(s.person)) problems.push(`${r.id}: store ${s.model} has no field ${s.person}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });

    it('every field that names the person a row is about (userId, menteeId, respondentId…) is covered by a store (core or plugin)', () => {
      const covered = new Set(stores().map((s) => `${storeCollection(s)}.${s.person}`));
      const missing: string[] = [];
      for (const m of env.kernel.services.models) {
        for (const path of Object.keys(m.schema.paths)) {
          const key = `${m.collection.collectionName}.${path}`;
          if (PERSON_FIELD.test(path) && !covered.has(key) && !NOT_PERSONAL_USER_ID.has(key)) missing.push(key);
        }
      }
      expect(missing, 'fields holding a person\'s id that no privacy store declares').to.deep.equal([]);
    });
  });

  describe('each declared store, with a row of the person and one of another', () => {
    /** A raw row for `userId` in store `s`, with every unique-index key given a value of its own. */
    async function plant(s: DeclaredStore, userId: Types.ObjectId) {
      const coll = env.kernel.services.conn.collection(storeCollection(s));
      const row: Record<string, unknown> = { _id: s.person === '_id' ? userId : new Types.ObjectId(), plantedFor: String(userId) };
      const setPath = (path: string, value: unknown) => {
        const keys = path.split('.');
        let o = row;
        for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
        o[keys[keys.length - 1]!] = value;
      };
      for (const ix of await coll.indexes()) {
        if (!ix.unique) continue;
        for (const key of Object.keys(ix.key)) if (key !== '_id' && key !== s.person) setPath(key, `u-${new Types.ObjectId().toHexString()}`);
      }
      if (s.person !== '_id') setPath(s.person, userId);
      for (const r of s.redact) setPath(r.field, 'PERSONAL-VALUE');
      await coll.insertOne(row as never);
      return row._id;
    }

    it('exports the person\'s rows only, then deletes, anonymises or redacts each as declared, leaving the other person\'s rows alone', async () => {
      const person = await createUser(env, 'learner', 'Wulan Sari Privasi');
      const other = await createUser(env, 'learner', 'Bayu Lain');
      const planted = [] as Array<{ s: DeclaredStore; mine: unknown; theirs: unknown }>;
      for (const s of stores()) planted.push({ s, mine: await plant(s, new Types.ObjectId(person.id)), theirs: await plant(s, new Types.ObjectId(other.id)) });

      const exported = (await admin.api.get(`/api/v1/users/${person.id}/personal-data`)).body;
      expect(exported.format).to.equal('bina-personal-data/1');
      expect(exported.person).to.include({ name: 'Wulan Sari Privasi' }).and.not.to.have.property('passwordHash');
      for (const { s, mine, theirs } of planted) {
        const section = exported.sections.find((x: any) => x.collection === storeCollection(s) && x.person === s.person);
        expect(section, `${storeCollection(s)} in the export`).to.be.an('object');
        const ids = section.rows.map((r: any) => String(r._id));
        expect(ids, storeCollection(s)).to.include(String(mine)).and.not.include(String(theirs));
        for (const omitted of s.omit ?? []) expect(section.rows[0], `${storeCollection(s)} exports ${omitted}`).not.to.have.property(omitted);
      }

      const r = await admin.api.post(`/api/v1/users/${person.id}/erasure`, { reference: 'B-12/PDP/2026', removeName: true });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      for (const { s, mine, theirs } of planted) {
        const coll = env.kernel.services.conn.collection(storeCollection(s));
        const what = `${storeCollection(s)} (${s.erase})`;
        const after = await coll.findOne({ _id: mine as never });
        if (s.erase === 'delete') expect(after, what).to.equal(null);
        else {
          expect(after, what).to.be.an('object');
          const at = (path: string) => path.split('.').reduce<any>((o, k) => o?.[k], after);
          expect(String(at(s.person)) === person.id, `${what}: still the person's`).to.equal(s.erase === 'keep');
          for (const red of s.redact) expect(at(red.field) ?? null, `${what}: ${red.field}`).to.equal(red.value);
        }
        const untouched = await coll.findOne({ _id: theirs as never });
        expect(untouched, `${storeCollection(s)}: the other person's row`).to.be.an('object');
        for (const red of s.redact) expect(red.field.split('.').reduce<any>((o, k) => o?.[k], untouched), `${storeCollection(s)}: the other person's ${red.field}`).to.equal('PERSONAL-VALUE');
      }
      // Nothing is left to find under the person's id but what is kept on purpose.
      const counts = await people().counts(person.id);
      for (const c of counts) {
        const kept = stores().find((s) => storeCollection(s) === c.collection && s.person === c.person)!.erase === 'keep';
        expect(c.rows, c.collection).to.equal(kept ? 1 : 0);
      }
    });
  });

  describe('a learner who took a course, with a certificate', () => {
    let learner: TestUser;
    let code: string;

    before(async () => {
      const trainer = await createUser(env, 'trainer');
      learner = await createUser(env, 'learner', 'Rahmawati Privasi');
      const c = await createCourseWithQuiz(trainer);
      await learner.api.post(`/api/v1/courses/${c.courseId}/enrol`);
      await learner.api.get(`/api/v1/activity-lesson/lessons/${c.lessonId}`);
      const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${c.quizId}/attempts`);
      const id = start.body.attempt.id as string;
      for (const q of start.body.questions) await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response: q.type === 'truefalse' ? { value: true } : { selected: ['ka'] } });
      await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`);
      await waitForJob(env, 'activity-quiz.grade', `grade-${id}`);
      const cert = '/api/v1/certificate-openbadges';
      const a = await admin.api.post(`${cert}/achievements`, { name: 'Peserta Pelatihan Privasi', description: 'Mengikuti pelatihan.', criteria: 'Hadir penuh.', competency: { code: 'MNJ-PP', level: 1 }, jp: 2, achievementType: 'CertificateOfCompletion' });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      expect((await admin.api.post(`${cert}/certificates`, { achievementId: a.body.achievement.id, userId: learner.id, reason: 'Hadir' })).status).to.equal(202);
      const mine = await waitFor(async () => (await learner.api.get(`${cert}/me/certificates`)).body.certificates.find((x: any) => x.state === 'issued' && x.pdf), 'the certificate');
      code = mine.code;
      await waitFor(async () => (await env.kernel.services.audit.forSubject('certificate', mine.id)).length > 0, 'the certificate audit row');
    });

    it('exports the account, courses, attempts, notices, certificate and audit rows as JSON and a readable PDF', async () => {
      const data = (await admin.api.get(`/api/v1/users/${learner.id}/personal-data`)).body;
      const rows = (coll: string) => data.sections.find((s: any) => s.collection === coll).rows;
      expect(rows('learning_enrolments')).to.have.length(1);
      expect(rows('learning_jp_ledger').length).to.be.greaterThan(0);
      expect(rows('activity-quiz_attempts')).to.have.length(1);
      expect(rows('certificate-openbadges_certificates')[0].subject.name).to.equal('Rahmawati Privasi');
      expect(rows('notify-inbox_notices').length).to.be.greaterThan(0);
      expect(data.audit.some((r: any) => r.subject.type === 'user' && r.subject.id === learner.id)).to.equal(true);

      const pdf = await fetch(`${env.url}/admin/users/${learner.id}/personal-data.pdf`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get('content-type')).to.contain('application/pdf');
      const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString();
      expect(text).to.contain('Data pribadi yang disimpan Bina').and.contain('Rahmawati Privasi').and.contain('activity-quiz_attempts');
      // Only those who may.
      expect((await learner.api.get(`/api/v1/users/${learner.id}/personal-data`)).status).to.equal(403);
    });

    it('erases: the account cannot sign in, results are anonymised, the certificate stays verifiable with the name gone, the audit chain verifies', async () => {
      expect((await admin.api.post(`/api/v1/users/${learner.id}/erasure`, { reference: 'x' })).status).to.equal(400);
      expect((await admin.api.post(`/api/v1/users/${admin.id}/erasure`, { reference: 'Surat 1/2026' })).status).to.equal(409);
      const r = await admin.api.post(`/api/v1/users/${learner.id}/erasure`, { reference: 'Surat 7/PDP/2026', removeName: true });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.erasure.auditRedacted).to.be.greaterThan(0);

      const u = (await env.kernel.identity.models.User.findById(learner.id).lean())!;
      expect(u).to.include({ name: ERASED_NAME, active: false });
      expect(u.nip).to.equal(undefined);
      const login = await fetch(`${env.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: learner.username, password: TEST_PASSWORD }) });
      expect(login.status).to.be.oneOf([400, 401]);
      expect((await new ApiClient(env.url, learner.token).get('/api/v1/courses')).status).to.equal(401);

      const verify = await fetch(`${env.url}/verify/${code}`, { headers: { accept: 'application/json' } });
      expect(verify.status).to.equal(200);
      expect(((await verify.json()) as { certificate: unknown }).certificate).to.include({ status: 'valid', name: ERASED_NAME });

      const report = await env.kernel.services.audit.verify();
      expect(report.problems).to.deep.equal([]);
      const about = await env.kernel.services.audit.forSubject('user', learner.id);
      expect(about.filter((x) => x.action !== 'audit.person.erased').every((x) => x.redaction && x.before === null && x.after === null)).to.equal(true);
      expect(JSON.stringify(await env.kernel.services.audit.model.find({}).lean())).not.to.contain('Rahmawati Privasi');

      // A second request finds nothing more to change, and the chain still verifies.
      const again = await admin.api.post(`/api/v1/users/${learner.id}/erasure`, { reference: 'Surat 7/PDP/2026' });
      expect(again.body.erasure.auditRedacted).to.equal(0);
      expect((await env.kernel.services.audit.verify()).problems).to.deep.equal([]);
    });

    it('detects a redacted row edited afterwards', async () => {
      const row = (await env.kernel.services.audit.model.findOne({ redaction: { $exists: true } }).lean())!;
      await env.kernel.services.audit.model.updateOne({ _id: row._id }, { $set: { action: 'core:audit.somethingElse' } });
      try {
        expect((await env.kernel.services.audit.verify()).problems).to.deep.include({ seq: row.seq, kind: 'edited' });
      } finally {
        await env.kernel.services.audit.model.updateOne({ _id: row._id }, { $set: { action: row.action } });
      }
      expect((await env.kernel.services.audit.verify()).problems).to.deep.equal([]);
    });
  });
});
