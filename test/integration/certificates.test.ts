/**
 * Verifiable certificates over HTTP against the real servers (issue 5): achievements and earn
 * rules, exactly-once issue under duplicate events and re-run jobs, the Open Badges credential
 * (verified in a child process with no network), the PDF (QR decodes to the verify URL,
 * credential embedded, hash recorded, byte-identical re-render), public verification that
 * catches tampering and shows only its list, revocation (status bit set, verification fails),
 * reissue, manual and bulk issue (progress, streamed ZIP), key rotation, the BSrE signer against
 * a local test server, learners' isolation, and bad input on every endpoint.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { ApiClient, createCourseWithQuiz, createUser, startTestEnv, waitFor, waitForJob, type ApiResponse, type TestEnv, type TestUser } from '../support/harness';
import { startFakeBsre, type FakeBsre } from '../../plugins/certificate-signer-bsre/test/fake-bsre-server';
import { runTool } from '../../plugins/certificate-pdf/test/fixtures';
import { decodeStatusList } from '../../plugins/certificate-openbadges/status-list';
import type { CertificateOpenBadgesService } from '../../plugins/certificate-openbadges/certificate-services';

const PUBLIC_URL = 'https://sertifikat.bina.test';
const PLUGINS = ['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse', 'certificate-pdf', 'certificate-openbadges', 'certificate-signer-bsre'];
const OFFICIAL_NIK = '7371010101800002';
const OFFICIAL_PASSPHRASE = 'Passphrase-Pejabat-2026';
const API = '/api/v1/certificate-openbadges';
const MY_COLLECTIONS = [
  'certificate-openbadges_achievements', 'certificate-openbadges_earnings', 'certificate-openbadges_certificates', 'certificate-openbadges_pdfs',
  'certificate-openbadges_keys', 'certificate-openbadges_status_lists', 'certificate-openbadges_bulks', 'certificate-openbadges_claims', 'certificate-pdf_template_versions', 'core_audit',
];

function expectClientError(res: ApiResponse, what: string, status = 400, code?: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
  expect(res.headers.get('content-type'), what).to.match(/application\/json/);
  expect(res.body.error, what).to.be.an('object');
  expect(res.body.error.code, what).to.be.a('string');
  if (code) expect(res.body.error.code, what).to.equal(code);
  expect(res.body.error.message, what).to.be.a('string').that.is.not.empty;
  expect(res.body.error, what).to.have.property('details');
}

/** Raw request (bytes in, bytes out) for uploads and downloads. */
async function raw(url: string, init: RequestInit = {}): Promise<{ status: number; type: string; bytes: Buffer; json: any }> {
  const res = await fetch(url, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    /* binary */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, json };
}

describe('certificates', () => {
  let env: TestEnv;
  let bsre: FakeBsre;
  let admin: TestUser;
  let trainer: TestUser;
  let anon: ApiClient;
  let course: Awaited<ReturnType<typeof createCourseWithQuiz>>;
  let achievementId: string;
  let svc: CertificateOpenBadgesService;
  let tmp: string;

  const db = () => env.kernel.services.conn.db!;
  const certs = () => db().collection('certificate-openbadges_certificates');

  before(async function () {
    this.timeout(120_000);
    tmp = mkdtempSync(join(tmpdir(), 'bina-cert-'));
    bsre = await startFakeBsre({ nik: OFFICIAL_NIK, passphrase: OFFICIAL_PASSPHRASE, username: 'bina-layanan', password: 'sandi-layanan' });
    env = await startTestEnv({
      only: PLUGINS,
      env: {
        PUBLIC_URL,
        BINA_COOKIE_SECURE: 'false',
        BINA_PLUGIN_SETTINGS: JSON.stringify({
          'certificate-openbadges': { keySecret: 'kunci-rahasia-uji-0123456789', issuerName: 'BKPSDM Kabupaten Uji', place: 'Mamuju', revokeWaitMs: 15000 },
          'certificate-signer-bsre': { url: bsre.url, username: 'bina-layanan', password: 'sandi-layanan', timeoutMs: 5000 },
        }),
      },
    });
    for (const id of PLUGINS) expect(env.kernel.plugins.isActive(id), id).to.equal(true);
    svc = env.kernel.services.providers.require('certificate-openbadges').impl as CertificateOpenBadgesService;
    admin = await createUser(env, 'admin');
    trainer = await createUser(env, 'trainer');
    anon = new ApiClient(env.url);
    course = await createCourseWithQuiz(trainer, { quiz: { passPercent: 50 } });
    const a = await admin.api.post(`${API}/achievements`, {
      name: 'Pelayanan Publik Prima', description: 'Kompetensi pelayanan publik tingkat dasar.', criteria: 'Lulus kuis Pelayanan Publik Prima dengan nilai minimal 50%.',
      competency: { code: 'MNJ-PP', level: 2 }, jp: 2, validityMonths: 36, requirements: [{ type: 'activity', refId: course.quizId }],
    });
    expect(a.status, JSON.stringify(a.body)).to.equal(201);
    achievementId = a.body.achievement.id;
  });

  after(async () => {
    await env?.stop();
    await bsre?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A learner enrolled in the course who takes the quiz: all right, or all wrong. */
  async function takeQuiz(learner: TestUser, pass: boolean) {
    const enrol = await learner.api.post(`/api/v1/courses/${course.courseId}/enrol`);
    expect([200, 201]).to.include(enrol.status);
    const start = await learner.api.post(`/api/v1/activity-quiz/quizzes/${course.quizId}/attempts`);
    expect(start.status, JSON.stringify(start.body)).to.equal(201);
    const id = start.body.attempt.id as string;
    for (const q of start.body.questions) {
      const response = q.type === 'truefalse' ? { value: pass } : { selected: [pass ? 'ka' : 'kb'] };
      expect((await learner.api.put(`/api/v1/activity-quiz/attempts/${id}/answers/${q.slot}`, { seq: 1, response })).status).to.equal(200);
    }
    await learner.api.post(`/api/v1/activity-quiz/attempts/${id}/submit`);
    // The whole grade job, not only its state write: its graded event's listeners (the certificate's enqueue) ran too.
    await waitForJob(env, 'activity-quiz.grade', `grade-${id}`);
    expect((await learner.api.get(`/api/v1/activity-quiz/attempts/${id}`)).body.attempt.state).to.equal('graded');
    return id;
  }

  /** Waits for the learner's certificate of `achievement` with its PDF made. */
  async function certificateOf(learner: TestUser, achievement = achievementId, seq?: number) {
    return waitFor(async () => {
      const r = await learner.api.get(`${API}/me/certificates`);
      return (r.body.certificates as any[]).find((c) => c.achievementId === achievement && c.pdf && (seq === undefined || c.seq === seq));
    }, 'certificate issued');
  }

  async function download(user: TestUser, id: string) {
    return raw(`${env.url}${API}/certificates/${id}/pdf`, { headers: { authorization: `Bearer ${user.token}` } });
  }

  async function verifyUpload(bytes: Buffer, type: string) {
    return raw(`${env.url}/verify`, { method: 'POST', body: new Uint8Array(bytes), headers: { 'content-type': type, accept: 'application/json' } });
  }

  const codeOf = (verifyUrl: string) => verifyUrl.slice(verifyUrl.lastIndexOf('/') + 1);

  describe('issuing on the earn rule', () => {
    let learner: TestUser;

    before(async () => {
      learner = await createUser(env, 'learner', 'Andi Wijaya Kusuma');
    });

    it('does issue a signed certificate with its PDF once the learner passes the quiz', async () => {
      await takeQuiz(learner, true);
      const c = await certificateOf(learner);
      expect(c.status).to.equal('valid');
      expect(c.name).to.equal('Andi Wijaya Kusuma');
      expect(c.verifyUrl).to.match(new RegExp(`^${PUBLIC_URL}/verify/[a-z2-7]{26}$`));
      expect(c.pdf.sha256).to.match(/^[0-9a-f]{64}$/);
      expect(c.keyId).to.match(/^did:web:sertifikat\.bina\.test#key-1$/);
      const jobs = await env.kernel.services.queues.queue('certificate-openbadges.issue').getJob(`issue-${achievementId}-${learner.id}`);
      expect(jobs, 'deterministic job id').to.not.equal(undefined);
    });

    it('does credit the certificate\'s JP once with its course: the course completed after it adds nothing (ADR 0043)', async () => {
      const learning = env.kernel.learning;
      const lesson = await learning.activityFor('activity-lesson', course.lessonId);
      await learning.markProgress(learner.id, lesson, 'completed');
      const entries = await learning.jp.history(learner.id);
      expect(entries, JSON.stringify(entries)).to.have.length(1);
      expect(entries[0]).to.include({ source: 'certificate', learningKey: `course:${course.courseId}`, jp: 2 });
      expect(entries[0]!.alsoFrom).to.deep.equal([{ source: 'course', sourceId: course.courseId, jp: 2 }]);
    });

    it('does not issue to a learner who failed the quiz', async () => {
      const other = await createUser(env, 'learner');
      const attemptId = await takeQuiz(other, false);
      expect(attemptId).to.be.a('string');
      // The graded event has been handled by now (listeners run before the grade job ends).
      expect(await certs().countDocuments({ userId: new Types.ObjectId(other.id) })).to.equal(0);
    });

    it('does change nothing when the same events arrive twice and the job runs again', async () => {
      const before = await certs().find({ achievementId: new Types.ObjectId(achievementId), userId: new Types.ObjectId(learner.id) }).toArray();
      expect(before).to.have.length(1);
      const attempt = await db().collection('activity-quiz_attempts').findOne({ userId: new Types.ObjectId(learner.id) });
      const payload = { attemptId: String(attempt!._id), userId: learner.id, quizId: course.quizId, score: 2, maxScore: 2, passed: true };
      await env.kernel.services.events.emit('activity-quiz.attempt.graded', payload);
      await env.kernel.services.events.emit('activity-quiz.attempt.graded', payload);
      await env.kernel.services.events.emit('learning.course.completed', { courseId: course.courseId, userId: learner.id, jp: 2 });
      const outcomes = await Promise.all([0, 1, 2].map(() => svc.services.issuing.processIssue({ achievementId, userId: learner.id, mode: 'rule' })));
      expect(outcomes).to.deep.equal(['exists', 'exists', 'exists']);
      const after = await certs().find({ achievementId: new Types.ObjectId(achievementId), userId: new Types.ObjectId(learner.id) }).toArray();
      expect(after).to.deep.equal(before);
      expect(await db().collection('certificate-openbadges_earnings').countDocuments({ userId: new Types.ObjectId(learner.id) })).to.equal(1);
      const audits = await env.kernel.services.audit.forSubject('certificate', String(before[0]!._id));
      expect(audits.filter((x) => x.action === 'certificate-openbadges:audit.issued')).to.have.length(1);
    });

    it('does reserve exactly one certificate when processors race on a new learner', async () => {
      const racer = await createUser(env, 'learner');
      await db().collection('certificate-openbadges_earnings').insertOne({ achievementId: new Types.ObjectId(achievementId), userId: new Types.ObjectId(racer.id), type: 'activity', refId: course.quizId, sourceId: new Types.ObjectId().toHexString(), at: new Date() });
      const outcomes = await Promise.all([0, 1, 2, 3].map(() => svc.services.issuing.processIssue({ achievementId, userId: racer.id, mode: 'rule' })));
      expect(outcomes.filter((o) => o === 'issued').length).to.be.at.least(1);
      const rows = await certs().find({ userId: new Types.ObjectId(racer.id) }).toArray();
      expect(rows).to.have.length(1);
      expect(rows[0]!.state).to.equal('issued');
      const audits = await env.kernel.services.audit.forSubject('certificate', String(rows[0]!._id));
      expect(audits.filter((x) => x.action === 'certificate-openbadges:audit.issued')).to.have.length(1);
    });
  });

  describe('issuing on the core\'s activity events (any activity type; no exam plugin needed)', () => {
    it('does issue once for learning.activity.passed, however often it comes, and never without a pass', async () => {
      const examId = new Types.ObjectId().toHexString();
      await db().collection('learning_activities').insertOne({ courseId: new Types.ObjectId(course.courseId), type: 'activity-exam', refId: examId, title: 'Ujian Kompetensi Pelayanan', position: 99 });
      const activity = await env.kernel.learning.activityFor('activity-exam', examId);
      const a = await admin.api.post(`${API}/achievements`, {
        name: 'Lulus Ujian Kompetensi Pelayanan', description: 'd', criteria: 'Lulus ujian.', competency: { code: 'MNJ-PP', level: 3 }, jp: 4, requirements: [{ type: 'activity', refId: examId }],
      });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      const passer = await createUser(env, 'learner', 'Lulus Ujian');
      const failer = await createUser(env, 'learner', 'Belum Lulus');
      const attemptId = new Types.ObjectId().toHexString();
      const result = { sourceId: attemptId, href: `/activity-exam/attempts/${attemptId}/result` };
      await env.kernel.learning.recordPass(passer.id, activity, result);
      await env.kernel.learning.recordPass(passer.id, activity, result);
      // The failer's attempt was graded but passed nothing: the exam reports no pass.
      await env.kernel.learning.markProgress(failer.id, activity, 'viewed');
      const c = await certificateOf(passer, a.body.achievement.id);
      expect(c.status).to.equal('valid');
      const credential = (await raw(`${env.url}/verify/${c.code}/credential.json`)).json;
      expect(credential.evidence[0].id).to.equal(`${PUBLIC_URL}/activity-exam/attempts/${attemptId}/result`);
      expect(credential.evidence[0].narrative).to.contain('Ujian Kompetensi Pelayanan');
      expect(credential.evidence[0].narrative).not.to.match(/80|score|nilai/i);
      expect(JSON.stringify(credential)).not.to.match(/"score"|"maxScore"/);
      await waitFor(async () => {
        const counts = await env.kernel.services.queues.queue('certificate-openbadges.issue').getJobCounts('active', 'waiting');
        return (counts.active ?? 0) + (counts.waiting ?? 0) === 0;
      }, 'issue queue idle');
      expect(await certs().countDocuments({ userId: new Types.ObjectId(passer.id) })).to.equal(1);
      expect(await certs().countDocuments({ userId: new Types.ObjectId(failer.id) })).to.equal(0);

      // A regrade of that attempt flags the certificate for review and changes nothing in it.
      const stored = await certs().findOne({ userId: new Types.ObjectId(passer.id) });
      await env.kernel.learning.recordRegrade(passer.id, activity, { ...result, passed: false, changed: true, before: { score: 80, passed: true }, after: { score: 60, passed: false } });
      const flagged = await certs().findOne({ userId: new Types.ObjectId(passer.id) });
      expect(flagged!.review).to.deep.include({ reason: 'regrade', attemptId });
      expect(flagged!.state).to.equal('issued');
      expect(flagged!.credentialJson).to.equal(stored!.credentialJson);
      expect((await certificateOf(passer, a.body.achievement.id)).status).to.equal('valid');
      const audits = await env.kernel.services.audit.forSubject('certificate', String(flagged!._id));
      expect(audits.map((x) => x.action)).to.include('certificate-openbadges:audit.flaggedForReview');
    });
  });

  describe('the credential and the PDF', () => {
    let learner: TestUser;
    let cert: any;
    let pdf: Buffer;
    let credential: any;

    before(async () => {
      learner = await createUser(env, 'learner', 'Ni Luh Putu Ayu Kartika');
      await takeQuiz(learner, true);
      cert = await certificateOf(learner);
      const d = await download(learner, cert.id);
      expect(d.status).to.equal(200);
      expect(d.type).to.match(/application\/pdf/);
      pdf = d.bytes;
      const c = await raw(`${env.url}/verify/${cert.code}/credential.json`);
      expect(c.status).to.equal(200);
      credential = c.json;
    });

    it('does carry an Open Badges 3.0 credential with a salted NIP hash, JP as credits and one eddsa-rdfc-2022 proof', async () => {
      expect(credential.type).to.deep.equal(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(credential.id).to.equal(cert.verifyUrl);
      expect(credential.issuer).to.deep.include({ id: 'did:web:sertifikat.bina.test', name: 'BKPSDM Kabupaten Uji', url: PUBLIC_URL });
      expect(credential.credentialSubject.name).to.equal('Ni Luh Putu Ayu Kartika');
      expect(credential.credentialSubject.achievement.creditsAvailable).to.equal(2);
      expect(credential.credentialSubject.creditsEarned).to.equal(2);
      expect(credential.credentialSubject.achievement.alignment[0]).to.deep.include({ targetCode: 'MNJ-PP', targetName: 'Pelayanan Publik' });
      expect(credential.evidence[0].id).to.match(/\/activity-quiz\/attempts\/[a-f0-9]{24}\/result$/);
      expect(credential.proof).to.deep.include({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
      expect(credential.credentialStatus).to.deep.include({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: `${PUBLIC_URL}/verify/status/1` });
      const nip = (await db().collection('identity_users').findOne({ _id: new Types.ObjectId(learner.id) }))!.nip as string;
      expect(JSON.stringify(credential)).not.to.contain(nip);
      expect(credential.credentialSubject.identifier[0]).to.deep.include({ type: 'IdentityObject', hashed: true, identityType: 'ext:NIP' });
      expect(new Date(credential.validUntil).getUTCFullYear() - new Date(credential.validFrom).getUTCFullYear()).to.equal(3);
    });

    it('does publish the issuer key at /.well-known/did.json and a signed status list', async () => {
      const did = await raw(`${env.url}/.well-known/did.json`);
      expect(did.status).to.equal(200);
      expect(did.json.id).to.equal('did:web:sertifikat.bina.test');
      expect(did.json.verificationMethod.map((m: { id: string }) => m.id)).to.include(credential.proof.verificationMethod);
      expect(did.json.assertionMethod).to.include(credential.proof.verificationMethod);
      expect(JSON.stringify(did.json)).not.to.match(/secret|ciphertext/i);
      const list = await waitFor(async () => (await raw(`${env.url}/verify/status/1`)).json?.proof ? (await raw(`${env.url}/verify/status/1`)).json : null, 'status list published');
      expect(list.type).to.deep.equal(['VerifiableCredential', 'BitstringStatusListCredential']);
      expect(list.issuer).to.equal('did:web:sertifikat.bina.test');
    });

    it('does verify the embedded credential with the library in a process that has no network', async () => {
      const dir = mkdtempSync(join(tmp, 'offline-'));
      writeFileSync(join(dir, 'certificate.pdf'), pdf);
      writeFileSync(join(dir, 'did.json'), (await raw(`${env.url}/.well-known/did.json`)).bytes);
      writeFileSync(join(dir, 'status.json'), (await raw(`${env.url}/verify/status/1`)).bytes);
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'plugins/certificate-openbadges/test/no-network-child.ts', join(dir, 'certificate.pdf'), join(dir, 'did.json'), join(dir, 'status.json')], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.attempts, 'network use during verification').to.deep.equal([]);
      expect(out.guardWorks, 'the network guard catches a request').to.equal(true);
      expect(out.result.verified, JSON.stringify(out.result.checks)).to.equal(true);
      expect(out.result.revoked).to.equal(false);
    });

    it('does record the PDF hash, embed the credential byte for byte and re-render identically', async () => {
      expect(svc.services.pdf().sha256Hex(pdf)).to.equal(cert.pdf.sha256);
      const embedded = await svc.services.pdf().extractCredential(pdf);
      const stored = (await certs().findOne({ _id: new Types.ObjectId(cert.id) }))!.credentialJson as string;
      expect(embedded).to.equal(stored);
      const r = await admin.api.get(`${API}/certificates/${cert.id}/rerender`);
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.include({ identical: true, recordedSha256: cert.pdf.sha256, rerenderedSha256: cert.pdf.sha256 });
    });

    it('does print a QR code that decodes to the verify URL (pdftoppm + zbarimg)', () => {
      const file = join(tmp, 'qr.pdf');
      writeFileSync(file, pdf);
      runTool('pdftoppm', ['-r', '150', '-png', '-singlefile', file, join(tmp, 'qr')]);
      const decoded = runTool('zbarimg', ['--raw', '-q', join(tmp, 'qr.png')]).trim();
      expect(decoded).to.equal(cert.verifyUrl);
      const text = runTool('pdftotext', [file, '-']);
      expect(text).to.contain('SERTIFIKAT KOMPETENSI');
      expect(text).to.contain('Ni Luh Putu Ayu Kartika');
      expect(text).to.contain('Mamuju');
    });

    it('does let the owner and admins download it, and nobody else see it', async () => {
      expect((await download(admin, cert.id)).bytes.equals(pdf)).to.equal(true);
      const stranger = await createUser(env, 'learner');
      expectClientError(await stranger.api.get(`${API}/certificates/${cert.id}`), 'other learner: certificate', 404);
      expectClientError(await stranger.api.get(`${API}/certificates/${cert.id}/pdf`), 'other learner: pdf', 404);
      expectClientError(await stranger.api.get(`${API}/certificates/${cert.id}/credential`), 'other learner: credential', 404);
      expect((await stranger.api.get(`${API}/me/certificates`)).body.certificates).to.deep.equal([]);
      expectClientError(await stranger.api.get(`${API}/certificates`), 'other learner: search', 403);
      expectClientError(await trainer.api.get(`${API}/certificates?q=Ni`), 'trainer: search', 403);
      expectClientError(await anon.get(`${API}/certificates/${cert.id}/pdf`), 'anonymous: pdf', 401);
      const mine = await learner.api.get(`${API}/me/certificates`);
      expect(mine.body.certificates.map((c: { id: string }) => c.id)).to.deep.equal([cert.id]);
      expect(mine.body.certificates[0]).not.to.have.property('nip');
    });

    it('does show only name, achievement, issuer, dates and status on the public page', async () => {
      const user = (await db().collection('identity_users').findOne({ _id: new Types.ObjectId(learner.id) }))!;
      const page = await raw(`${env.url}/verify/${cert.code}`, { headers: { accept: 'text/html' } });
      expect(page.status).to.equal(200);
      const html = page.bytes.toString('utf8');
      expect(html).to.contain('data-status="valid"');
      expect(html).to.contain('Ni Luh Putu Ayu Kartika');
      expect(html).to.contain('Pelayanan Publik Prima');
      expect(html).to.contain('BKPSDM Kabupaten Uji');
      for (const secret of [user.nip, user.username, credential.credentialSubject.identifier[0].identityHash, 'score', 'nilai', '@', learner.id]) {
        expect(html, `leaks ${secret}`).not.to.contain(secret);
      }
      const json = await anon.get(`/verify/${cert.code}`);
      expect(json.status).to.equal(200);
      expect(Object.keys(json.body.certificate).sort()).to.deep.equal(['achievement', 'issuedAt', 'issuer', 'name', 'revokedAt', 'status', 'validUntil', 'verifyUrl']);
      const printed = cert.displayCode as string;
      const viaPrinted = await raw(`${env.url}/verify?code=${encodeURIComponent(printed)}`, { redirect: 'manual' });
      expect(viaPrinted.status).to.equal(302);
    });

    it('does confirm the issued PDF and credential on upload', async () => {
      const p = await verifyUpload(pdf, 'application/pdf');
      expect(p.status).to.equal(200);
      expect(p.json.status, JSON.stringify(p.json.checks)).to.equal('valid');
      expect(p.json.kind).to.equal('pdf');
      expect(p.json.failed).to.deep.equal([]);
      expect(p.json.checks.map((c: { check: string }) => c.check)).to.include.members(['proof', 'status', 'file_hash', 'record']);
      const j = await verifyUpload(Buffer.from(JSON.stringify(credential)), 'application/json');
      expect(j.json.status).to.equal('valid');
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'sertifikat.pdf');
      const page = await raw(`${env.url}/verify`, { method: 'POST', body: form, headers: { accept: 'text/html' } });
      expect(page.status).to.equal(200);
      expect(page.bytes.toString('utf8')).to.contain('data-status="valid"');
    });

    it('does report a credential with one changed field as tampered, naming the proof', async () => {
      const edited = structuredClone(credential);
      edited.credentialSubject.name = 'Ni Luh Putu Ayu Kartika Palsu';
      const r = await verifyUpload(Buffer.from(JSON.stringify(edited)), 'application/json');
      expect(r.status).to.equal(200);
      expect(r.json.status).to.equal('tampered');
      expect(r.json.failed).to.include('proof');
      expect(r.json.certificate).to.equal(null);
      const jp = structuredClone(credential);
      jp.credentialSubject.achievement.creditsAvailable = 20;
      expect((await verifyUpload(Buffer.from(JSON.stringify(jp)), 'application/json')).json.status).to.equal('tampered');
    });

    it('does report an edited PDF as tampered: one byte of the page, or the name inside the embedded credential', async () => {
      const text = pdf.toString('latin1');
      const at = text.indexOf('bina-certificate-pdf/1');
      expect(at).to.be.greaterThan(0);
      const page = Buffer.from(pdf);
      page[at + 'bina-certificate-pdf/'.length] = '2'.charCodeAt(0);
      const r1 = await verifyUpload(page, 'application/pdf');
      expect(r1.json.status, JSON.stringify(r1.json.checks)).to.equal('tampered');
      expect(r1.json.failed).to.deep.equal(['file_hash']);
      const nameAt = text.indexOf('"name":"Ni Luh Putu Ayu Kartika"');
      expect(nameAt).to.be.greaterThan(0);
      const inside = Buffer.from(pdf);
      inside[nameAt + '"name":"'.length] = 'M'.charCodeAt(0);
      const r2 = await verifyUpload(inside, 'application/pdf');
      expect(r2.json.status).to.equal('tampered');
      expect(r2.json.failed).to.include.members(['proof', 'file_hash']);
    });
  });

  describe('revocation and reissue', () => {
    let learner: TestUser;
    let cert: any;
    let pdf: Buffer;

    before(async () => {
      learner = await createUser(env, 'learner', 'Yohanes Tandi');
      await takeQuiz(learner, true);
      cert = await certificateOf(learner);
      pdf = (await download(learner, cert.id)).bytes;
    });

    it('does refuse a revocation without a reason, changing nothing', async () => {
      const before = await certs().findOne({ _id: new Types.ObjectId(cert.id) });
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/revoke`, {}), 'no reason', 400, 'BINA_ERR_HTTP_VALIDATION');
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/revoke`, { reason: 'x' }), 'short reason', 400, 'BINA_ERR_HTTP_VALIDATION');
      expectClientError(await learner.api.post(`${API}/certificates/${cert.id}/revoke`, { reason: 'saya sendiri' }), 'learner revokes', 403);
      expect(await certs().findOne({ _id: new Types.ObjectId(cert.id) })).to.deep.equal(before);
    });

    it('does set the status bit at once and make verification fail', async () => {
      const r = await admin.api.post(`${API}/certificates/${cert.id}/revoke`, { reason: 'Data kelulusan keliru' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.statusListPublished).to.equal(true);
      expect(r.body.certificate.status).to.equal('revoked');
      const row = (await certs().findOne({ _id: new Types.ObjectId(cert.id) }))!;
      const list = (await raw(`${env.url}/verify/status/1`)).json;
      const bits = await decodeStatusList(list.credentialSubject.encodedList);
      expect(bits.getStatus(row.statusIndex as number)).to.equal(true);
      const page = await anon.get(`/verify/${cert.code}`);
      expect(page.body.certificate.status).to.equal('revoked');
      expect(JSON.stringify(page.body)).not.to.contain('Data kelulusan keliru');
      const upload = await verifyUpload(pdf, 'application/pdf');
      expect(upload.json.status).to.equal('revoked');
      expect(upload.json.failed).to.deep.equal(['status']);
      // The published list alone (offline, no network) says revoked too.
      const dir = mkdtempSync(join(tmp, 'revoked-'));
      writeFileSync(join(dir, 'c.pdf'), pdf);
      writeFileSync(join(dir, 'did.json'), (await raw(`${env.url}/.well-known/did.json`)).bytes);
      writeFileSync(join(dir, 'status.json'), JSON.stringify(list));
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'plugins/certificate-openbadges/test/no-network-child.ts', join(dir, 'c.pdf'), join(dir, 'did.json'), join(dir, 'status.json')], { encoding: 'utf8', timeout: 60_000 });
      const out = JSON.parse(child.stdout);
      expect(out.result.verified).to.equal(false);
      expect(out.result.revoked).to.equal(true);
      const audits = await env.kernel.services.audit.forSubject('certificate', cert.id);
      const revoked = audits.find((x) => x.action === 'certificate-openbadges:audit.revoked')!;
      expect(revoked.actorId).to.equal(admin.id);
      expect(revoked.args).to.deep.include({ reason: 'Data kelulusan keliru' });
    });

    it('does refuse to revoke twice', async () => {
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/revoke`, { reason: 'Sekali lagi' }), 'revoke twice', 409, 'BINA_ERR_CERT_STATE');
    });

    it('does reissue: a new credential, the old one superseded with its bit set', async () => {
      const r = await admin.api.post(`${API}/certificates/${cert.id}/reissue`, { reason: 'Koreksi data setelah pencabutan' });
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      expect(r.body.jobKey).to.equal(`reissue-${cert.id}`);
      const fresh = await certificateOf(learner, achievementId, 1);
      expect(fresh.id).to.not.equal(cert.id);
      expect(fresh.code).to.not.equal(cert.code);
      expect(fresh.replaces).to.equal(cert.id);
      expect(fresh.status).to.equal('valid');
      const old = await waitFor(async () => {
        const c = (await admin.api.get(`${API}/certificates/${cert.id}`)).body.certificate;
        return c.state === 'superseded' ? c : null;
      }, 'old certificate superseded');
      expect(old.supersededBy).to.equal(fresh.id);
      expect((await anon.get(`/verify/${cert.code}`)).body.certificate.status).to.equal('superseded');
      expect((await anon.get(`/verify/${fresh.code}`)).body.certificate.status).to.equal('valid');
      expect((await verifyUpload(pdf, 'application/pdf')).json.status).to.equal('superseded');
      const freshPdf = (await download(learner, fresh.id)).bytes;
      expect((await verifyUpload(freshPdf, 'application/pdf')).json.status).to.equal('valid');
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/reissue`, { reason: 'Lagi' }), 'reissue superseded', 409, 'BINA_ERR_CERT_STATE');
      // Reissuing changes nothing for the rule: a duplicate event still adds nothing.
      expect(await svc.services.issuing.processIssue({ achievementId, userId: learner.id, mode: 'rule' })).to.equal('exists');
      expect(await certs().countDocuments({ userId: new Types.ObjectId(learner.id) })).to.equal(2);
    });
  });

  describe('manual and bulk issue', () => {
    let manual: string;

    before(async () => {
      const a = await admin.api.post(`${API}/achievements`, {
        name: 'Peserta Bimtek SKM', description: 'Mengikuti bimbingan teknis Survei Kepuasan Masyarakat.', criteria: 'Hadir penuh.',
        competency: { code: 'MNJ-PP', level: 1 }, jp: 8, achievementType: 'CertificateOfCompletion',
      });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      manual = a.body.achievement.id;
    });

    it('does issue manually with a reason, once', async () => {
      const learner = await createUser(env, 'learner', 'Siti Nurhaliza');
      const r = await admin.api.post(`${API}/certificates`, { achievementId: manual, userId: learner.id, reason: 'Hadir pada bimtek 12 Maret' });
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      const c = await certificateOf(learner, manual);
      expect(c.validUntil).to.equal(null);
      // The audit record follows the certificate row within the same job: wait for it.
      const issued = await waitFor(async () => (await env.kernel.services.audit.forSubject('certificate', c.id)).find((x) => x.action === 'certificate-openbadges:audit.issued'), 'the issue audit record');
      expect(issued.args).to.deep.include({ origin: 'manual', reason: 'Hadir pada bimtek 12 Maret' });
      expectClientError(await admin.api.post(`${API}/certificates`, { achievementId: manual, userId: learner.id, reason: 'Sekali lagi' }), 'second manual issue', 409, 'BINA_ERR_CERT_ALREADY_ISSUED');
      const credential = (await raw(`${env.url}/verify/${c.code}/credential.json`)).json;
      expect(JSON.stringify(credential)).not.to.contain('Hadir pada bimtek 12 Maret');
    });

    it('does bulk issue for a cohort with live progress and a ZIP of the PDFs', async () => {
      const cohort = [await createUser(env, 'learner', 'Peserta Satu'), await createUser(env, 'learner', 'Peserta Dua'), await createUser(env, 'learner', 'Peserta Tiga')];
      const r = await admin.api.post(`${API}/bulk`, { achievementId: manual, userIds: cohort.map((u) => u.id), reason: 'Bimtek SKM angkatan I' });
      expect(r.status, JSON.stringify(r.body)).to.equal(202);
      const bulkId = r.body.bulk.id;
      const zip = raw(`${env.url}${API}/bulk/${bulkId}/zip`, { headers: { authorization: `Bearer ${admin.token}` } });
      const done = await waitFor(async () => {
        const b = (await admin.api.get(`${API}/bulk/${bulkId}`)).body.bulk;
        return b.state === 'done' ? b : null;
      }, 'bulk done', 60_000);
      expect(done).to.deep.include({ total: 3, processed: 3, issued: 3, skipped: 0, failed: 0, percent: 100 });
      const z = await zip;
      expect(z.status).to.equal(200);
      expect(z.type).to.match(/application\/zip/);
      const file = join(tmp, 'bulk.zip');
      writeFileSync(file, z.bytes);
      const listing = runTool('unzip', ['-l', file]);
      expect(listing.match(/\.pdf/g)).to.have.length(3);
      for (const name of ['Peserta-Satu', 'Peserta-Dua', 'Peserta-Tiga']) expect(listing).to.contain(name);
      runTool('unzip', ['-tq', file]);
      const page = await raw(`${env.url}/certificate-openbadges/admin/bulk/${bulkId}`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } });
      expect(page.status).to.equal(200);
      expect(page.bytes.toString('utf8')).to.contain('bulk-progress.js');
      // Re-running the bulk job changes nothing.
      expect(await svc.services.issuing.processBulk(bulkId, async () => undefined)).to.equal('skipped');
      const again = await admin.api.post(`${API}/bulk`, { achievementId: manual, userIds: cohort.map((u) => u.id), reason: 'Ulang' });
      const b2 = await waitFor(async () => {
        const b = (await admin.api.get(`${API}/bulk/${again.body.bulk.id}`)).body.bulk;
        return b.state === 'done' ? b : null;
      }, 'second bulk done');
      expect(b2).to.deep.include({ issued: 0, skipped: 3 });
      const audits = await waitFor(async () => {
        const list = await env.kernel.services.audit.forSubject('certificate-bulk', bulkId);
        return list.some((x) => x.action === 'certificate-openbadges:audit.bulkFinished') ? list : null;
      }, 'the bulk audit records');
      expect(audits.map((x) => x.action)).to.include.members(['certificate-openbadges:audit.bulkStarted', 'certificate-openbadges:audit.bulkFinished']);
    });

    it('does search by name, NIP, achievement, status and date', async () => {
      const byName = await admin.api.get(`${API}/certificates?q=${encodeURIComponent('peserta dua')}`);
      expect(byName.body.certificates.map((c: { name: string }) => c.name)).to.deep.equal(['Peserta Dua']);
      const nip = byName.body.certificates[0].nip as string;
      const byNip = await admin.api.get(`${API}/certificates?nip=${nip}`);
      expect(byNip.body.total).to.equal(1);
      const byAchievement = await admin.api.get(`${API}/certificates?achievementId=${manual}&status=valid`);
      expect(byAchievement.body.total).to.equal(4);
      expect((await admin.api.get(`${API}/certificates?status=superseded`)).body.total).to.equal(1);
      expect((await admin.api.get(`${API}/certificates?status=revoked`)).body.total).to.equal(0);
      expect((await admin.api.get(`${API}/certificates?from=2000-01-01&to=2000-12-31`)).body.total).to.equal(0);
      const admins = await raw(`${env.url}/certificate-openbadges/admin?q=Peserta&status=`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } });
      expect(admins.status).to.equal(200);
      expect(admins.bytes.toString('utf8')).to.contain('Peserta Tiga');
    });
  });

  describe('expiry', () => {
    it('does show a certificate past its validity as expired, on the page and in the search', async () => {
      const learner = await createUser(env, 'learner', 'Masa Berlaku Habis');
      await admin.api.post(`${API}/certificates`, { achievementId, userId: learner.id, reason: 'Uji kedaluwarsa' });
      const c = await certificateOf(learner);
      // The credential's own validUntil is signed and three years away; the row's copy drives the page.
      await certs().updateOne({ _id: new Types.ObjectId(c.id) }, { $set: { validUntil: new Date(Date.now() - 60_000) } });
      expect((await anon.get(`/verify/${c.code}`)).body.certificate.status).to.equal('expired');
      const found = await admin.api.get(`${API}/certificates?status=expired`);
      expect(found.body.certificates.map((x: { id: string }) => x.id)).to.deep.equal([c.id]);
    });
  });

  describe('keys', () => {
    it('does rotate the key, keep the old one published and keep old certificates verifying', async () => {
      const learner = await createUser(env, 'learner', 'Rotasi Kunci');
      await takeQuiz(learner, true);
      const before = await certificateOf(learner);
      const oldPdf = (await download(learner, before.id)).bytes;
      const r = await admin.api.post(`${API}/keys/rotate`);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.active).to.match(/#key-2$/);
      const did = (await raw(`${env.url}/.well-known/did.json`)).json;
      expect(did.assertionMethod).to.have.length(2);
      expect((await verifyUpload(oldPdf, 'application/pdf')).json.status).to.equal('valid');
      const other = await createUser(env, 'learner');
      await admin.api.post(`${API}/certificates`, { achievementId, userId: other.id, reason: 'Setelah rotasi kunci' });
      const after = await certificateOf(other);
      expect(after.keyId).to.match(/#key-2$/);
      expect((await verifyUpload((await download(other, after.id)).bytes, 'application/pdf')).json.status).to.equal('valid');
      expectClientError(await learner.api.post(`${API}/keys/rotate`), 'learner rotates', 403);
      const keys = await admin.api.get(`${API}/keys`);
      expect(keys.body.keys.map((k: { status: string }) => k.status)).to.deep.equal(['retired', 'active']);
      const stored = (await db().collection('certificate-openbadges_keys').findOne({}))!;
      expect(JSON.stringify(stored)).not.to.match(/secretKeyMultibase|privateKey/);
    });
  });

  describe('official signature (BSrE, local test server)', () => {
    let learner: TestUser;
    let cert: any;

    before(async () => {
      learner = await createUser(env, 'learner', 'Penerima Tanda Tangan');
      await admin.api.post(`${API}/certificates`, { achievementId, userId: learner.id, reason: 'Uji tanda tangan resmi' });
      cert = await certificateOf(learner);
    });

    it('does list the signer', async () => {
      expect((await admin.api.get(`${API}/signers`)).body.signers).to.deep.equal([{ id: 'certificate-signer-bsre', label: 'BSrE (BSSN)' }]);
    });

    it('does refuse a wrong passphrase with a 4xx, storing nothing', async () => {
      const before = await certs().findOne({ _id: new Types.ObjectId(cert.id) });
      const r = await admin.api.post(`${API}/certificates/${cert.id}/sign`, { signer: 'certificate-signer-bsre', credentials: { nik: OFFICIAL_NIK, passphrase: 'bukan-passphrase-ini' } });
      expectClientError(r, 'wrong passphrase', 422, 'BINA_ERR_BSRE_REJECTED');
      expect(JSON.stringify(r.body)).not.to.contain('bukan-passphrase-ini');
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/sign`, { signer: 'certificate-signer-bsre', credentials: { nik: '123', passphrase: 'x' } }), 'bad NIK', 400, 'BINA_ERR_HTTP_VALIDATION');
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/sign`, { signer: 'certificate-signer-lain', credentials: {} }), 'unknown signer', 404, 'BINA_ERR_CERT_UNKNOWN_SIGNER');
      expect(await certs().findOne({ _id: new Types.ObjectId(cert.id) })).to.deep.equal(before);
    });

    it('does sign, serve the signed PDF, verify it, and never store the passphrase', async () => {
      const r = await admin.api.post(`${API}/certificates/${cert.id}/sign`, { signer: 'certificate-signer-bsre', credentials: { nik: OFFICIAL_NIK, passphrase: OFFICIAL_PASSPHRASE } });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.certificate.signed.signer).to.equal('certificate-signer-bsre');
      const signed = (await download(learner, cert.id)).bytes;
      expect(signed.toString('latin1')).to.contain('%BSrE-test-PAdES-signature');
      expect(svc.services.pdf().sha256Hex(signed)).to.equal(r.body.certificate.signed.sha256);
      const v = await verifyUpload(signed, 'application/pdf');
      expect(v.json.status, JSON.stringify(v.json.checks)).to.equal('valid');
      expect(bsre.requests.at(-1)).to.deep.include({ nik: OFFICIAL_NIK, tampilan: 'invisible' });
      for (const name of (await db().listCollections().toArray()).map((c) => c.name)) {
        const docs = await db().collection(name).find().toArray();
        expect(JSON.stringify(docs), name).not.to.contain(OFFICIAL_PASSPHRASE);
      }
      expectClientError(await admin.api.post(`${API}/certificates/${cert.id}/sign`, { signer: 'certificate-signer-bsre', credentials: { nik: OFFICIAL_NIK, passphrase: OFFICIAL_PASSPHRASE } }), 'sign twice', 409, 'BINA_ERR_CERT_STATE');
    });
  });

  describe('achievements and templates', () => {
    it('does create, change and archive achievements, audited, for admins only', async () => {
      const created = await admin.api.post(`${API}/achievements`, {
        name: 'Analisis Kebijakan', description: 'Kompetensi teknis analisis kebijakan.', criteria: 'Menyelesaikan kursus.', competency: { code: 'MNJ-PK', level: 3 }, jp: 4,
        requirements: [{ type: 'course', refId: course.courseId }, { type: 'activity', refId: course.quizId }], combine: 'any', locale: 'en', templateId: 'default-en',
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.achievement.id;
      expect(created.body.achievement.requirements.map((r: { title: string }) => r.title)).to.deep.equal(['Kursus Uji', 'Kuis']);
      const patched = await admin.api.patch(`${API}/achievements/${id}`, { jp: 6, validityMonths: 12 });
      expect(patched.body.achievement).to.deep.include({ jp: 6, validityMonths: 12, name: 'Analisis Kebijakan', combine: 'any' });
      const cleared = await admin.api.patch(`${API}/achievements/${id}`, { validityMonths: null });
      expect(cleared.body.achievement.validityMonths).to.equal(null);
      const archived = await admin.api.delete(`${API}/achievements/${id}`);
      expect(archived.body.achievement.archived).to.equal(true);
      expect((await admin.api.get(`${API}/achievements`)).body.achievements.map((a: { id: string }) => a.id)).not.to.include(id);
      expect((await admin.api.get(`${API}/achievements?includeArchived=true`)).body.achievements.map((a: { id: string }) => a.id)).to.include(id);
      const audits = await env.kernel.services.audit.forSubject('achievement', id);
      expect(audits.map((a) => a.action)).to.deep.equal(['certificate-openbadges:audit.achievementCreated', 'certificate-openbadges:audit.achievementUpdated', 'certificate-openbadges:audit.achievementUpdated', 'certificate-openbadges:audit.achievementArchived']);
      const learner = await createUser(env, 'learner');
      expectClientError(await learner.api.post(`${API}/achievements`, { name: 'X' }), 'learner creates', 403);
      expectClientError(await trainer.api.get(`${API}/achievements`), 'trainer lists', 403);
      expectClientError(await admin.api.post(`${API}/certificates`, { achievementId: id, userId: learner.id, reason: 'Diarsipkan' }), 'issue archived', 409, 'BINA_ERR_CERT_ACHIEVEMENT_ARCHIVED');
      const pub = await anon.get(`/verify/achievements/${achievementId}`);
      expect(pub.body).to.deep.include({ name: 'Pelayanan Publik Prima', creditsAvailable: 2 });
    });

    it('does keep template versions immutable and render certificates with the version they were issued with', async () => {
      const base = (await admin.api.get('/api/v1/certificate-pdf/templates')).body.templates;
      expect(base.map((t: { id: string }) => t.id)).to.include.members(['default', 'default-en']);
      const tpl = (await import('../../plugins/certificate-pdf/certificate-template')).defaultTemplate;
      const created = await admin.api.post('/api/v1/certificate-pdf/templates', { name: 'Templat BKPSDM', template: tpl });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const templateId = created.body.template.id;
      const a = await admin.api.post(`${API}/achievements`, { name: 'Templat Khusus', description: 'd', criteria: 'c', competency: { code: 'MNJ-KOM', level: 2 }, jp: 1, templateId });
      expect(a.status, JSON.stringify(a.body)).to.equal(201);
      const learner = await createUser(env, 'learner', 'Pengguna Templat');
      await admin.api.post(`${API}/certificates`, { achievementId: a.body.achievement.id, userId: learner.id, reason: 'Uji templat' });
      const c = await certificateOf(learner, a.body.achievement.id);
      const changed = { ...tpl, texts: tpl.texts.map((t) => (t.id === 'title' ? { ...t, text: 'SERTIFIKAT BARU' } : t)) };
      const v2 = await admin.api.put(`/api/v1/certificate-pdf/templates/${templateId}`, { name: 'Templat BKPSDM v2', template: changed });
      expect(v2.body.template.version).to.equal(2);
      const rerender = await admin.api.get(`${API}/certificates/${c.id}/rerender`);
      expect(rerender.body.identical).to.equal(true);
      const preview = await raw(`${env.url}/api/v1/certificate-pdf/preview`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ template: changed }) });
      expect(preview.status).to.equal(200);
      expect(preview.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      const page = await raw(`${env.url}/certificate-pdf/templates`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } });
      expect(page.bytes.toString('utf8')).to.contain('Templat BKPSDM v2');
      expectClientError(await trainer.api.get('/api/v1/certificate-pdf/templates'), 'trainer templates', 403);
    });

    it('does show learners their own certificates on a page', async () => {
      const learner = await createUser(env, 'learner', 'Halaman Saya');
      await admin.api.post(`${API}/certificates`, { achievementId, userId: learner.id, reason: 'Uji halaman' });
      const c = await certificateOf(learner);
      const page = await raw(`${env.url}/certificate-openbadges/me`, { headers: { authorization: `Bearer ${learner.token}`, accept: 'text/html' } });
      expect(page.status).to.equal(200);
      const html = page.bytes.toString('utf8');
      expect(html).to.contain(`/api/v1/certificate-openbadges/certificates/${c.id}/pdf`);
      expect(html).to.contain(`/verify/${c.code}`);
    });
  });

  describe('pages without JavaScript', () => {
    /** A form post as a browser sends it (token auth, so no CSRF token is needed). */
    async function form(user: TestUser, path: string, fields: Record<string, string>) {
      return raw(`${env.url}${path}`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields).toString(), headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
    }
    const page = (user: TestUser | null, path: string) => raw(`${env.url}${path}`, { headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), accept: 'text/html' } });

    it('does let admins create an achievement, issue, revoke, reissue and bulk issue with forms', async () => {
      expect((await page(admin, '/certificate-openbadges/admin/achievements')).status).to.equal(200);
      const created = await form(admin, '/certificate-openbadges/admin/achievements', {
        name: 'Capaian Formulir', description: 'Dibuat lewat formulir.', criteria: 'Hadir.', competencyCode: 'MNJ-KS', level: '2', jp: '3', validityMonths: '',
        templateId: 'default', locale: 'id', requirement: `course:${course.courseId}`, combine: 'all',
      });
      expect(created.status, created.bytes.toString()).to.equal(302);
      const achievement = (await admin.api.get(`${API}/achievements`)).body.achievements.find((a: { name: string }) => a.name === 'Capaian Formulir');
      expect(achievement.requirements[0]).to.deep.include({ type: 'course', refId: course.courseId });
      const bad = await form(admin, '/certificate-openbadges/admin/achievements', { name: 'X', description: '', criteria: '', competencyCode: 'MNJ-KS', level: '9', jp: 'a' });
      expect(bad.status).to.equal(400);
      const learner = await createUser(env, 'learner', 'Lewat Formulir');
      const username = (await db().collection('identity_users').findOne({ _id: new Types.ObjectId(learner.id) }))!.username as string;
      const issued = await form(admin, '/certificate-openbadges/admin/issue', { achievementId: achievement.id, learner: username, reason: 'Lewat formulir' });
      expect(issued.status).to.equal(302);
      const c = await certificateOf(learner, achievement.id);
      // Revoking asks first: the reason alone shows the confirmation page, which must be ticked.
      const asked = await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'Uji formulir' });
      expect(asked.status).to.equal(200);
      expect(asked.bytes.toString('utf8')).to.contain('Lewat Formulir').and.contain('name="confirm"');
      expect((await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'Uji formulir', step: 'confirm' })).status).to.equal(400);
      expect((await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'x', step: 'confirm', confirm: 'yes' })).status).to.equal(400);
      expect((await admin.api.get(`${API}/certificates/${c.id}`)).body.certificate.state).to.equal('issued');
      expect((await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'Uji formulir', step: 'confirm', confirm: 'yes' })).status).to.equal(302);
      expect((await admin.api.get(`${API}/certificates/${c.id}`)).body.certificate.state).to.equal('revoked');
      // Revoked already: the page says so (409) instead of a second revoke.
      expect((await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'Uji formulir', step: 'confirm', confirm: 'yes' })).status).to.equal(409);
      expect((await form(admin, `/certificate-openbadges/admin/certificates/${c.id}/reissue`, { reason: 'Uji formulir' })).status).to.equal(302);
      await certificateOf(learner, achievement.id, 1);
      const bulk = await form(admin, '/certificate-openbadges/admin/bulk', { achievementId: achievement.id, cohort: `course:${course.courseId}`, reason: 'Peserta kursus' });
      expect(bulk.status).to.equal(302);
      const list = await page(admin, '/certificate-openbadges/admin');
      expect(list.status).to.equal(200);
      expect(list.bytes.toString('utf8')).to.contain('Lewat Formulir');
      expect((await page(admin, '/certificate-openbadges/admin/keys')).bytes.toString('utf8')).to.contain('did:web:sertifikat.bina.test');
      expect((await form(learner, `/certificate-openbadges/admin/certificates/${c.id}/revoke`, { reason: 'Bukan hak saya' })).status).to.equal(403);
    });

    it('does offer the public check page with a code form and an upload form', async () => {
      const p = await page(null, '/verify');
      expect(p.status).to.equal(200);
      const html = p.bytes.toString('utf8');
      expect(html).to.contain('enctype="multipart/form-data"');
      expect(html).to.contain('name="code"');
      const missing = await page(null, `/verify/${'c'.repeat(26)}`);
      expect(missing.status).to.equal(404);
      expect(missing.bytes.toString('utf8')).to.contain('data-status="not_found"');
    });
  });

  describe('demo data', () => {
    it('does seed the demo certificates and give Muhammad Rizal\'s verification URL', async () => {
      const { seedDemo } = await import('../support/harness');
      const r = await seedDemo(env.kernel);
      expect(r.seeded).to.equal(true);
      const certificateUrl = r.refs.certificateUrl!;
      expect(certificateUrl).to.match(new RegExp(`^${PUBLIC_URL}/verify/[a-z2-7]{26}$`));
      expect(r.links).to.deep.include({ label: 'Demo certificate (verify without an account)', url: certificateUrl });
      const page = await anon.get(`/verify/${codeOf(certificateUrl)}`);
      expect(page.body.certificate).to.deep.include({ status: 'valid', name: 'Muhammad Rizal', achievement: 'Pelayanan Publik Prima', issuer: 'BKPSDM Kabupaten Uji' });
    });
  });

  describe('bad input', () => {
    let snapshot: Record<string, unknown[]>;
    let learner: TestUser;
    let certId: string;

    async function takeSnapshot() {
      const out: Record<string, unknown[]> = {};
      for (const name of MY_COLLECTIONS) out[name] = await db().collection(name).find().sort({ _id: 1 }).toArray();
      return out;
    }

    before(async () => {
      learner = await createUser(env, 'learner');
      await admin.api.post(`${API}/certificates`, { achievementId, userId: learner.id, reason: 'Dasar uji masukan' });
      certId = (await certificateOf(learner)).id;
      // Let every background job finish before the snapshot.
      // A repeating job's next run (the core's daily JP reminders) is always waiting: not work in progress.
      await waitFor(async () => {
        const busy = await Promise.all(env.kernel.services.queues.allQueues().map(async (q) => {
          const c = await q.getJobCounts('active', 'waiting');
          return (c.active ?? 0) + (c.waiting ?? 0) + (await q.getDelayed()).filter((j) => !j.repeatJobKey).length;
        }));
        return busy.every((n) => n === 0);
      }, 'queues idle');
      snapshot = await takeSnapshot();
    });

    it('does answer every malformed or domain-invalid request with a 4xx that says why', async () => {
      const unknown = new Types.ObjectId().toHexString();
      const ach = (extra: Record<string, unknown>) => ({ name: 'Capaian Uji', description: 'd', criteria: 'c', competency: { code: 'MNJ-PP', level: 2 }, jp: 2, ...extra });
      const cases: Array<{ name: string; method: string; path: string; body?: unknown; status?: number; code?: string; detail?: RegExp; user?: TestUser }> = [
        { name: 'achievement without fields', method: 'POST', path: `${API}/achievements`, body: {}, detail: /name/ },
        { name: 'achievement with unknown competency', method: 'POST', path: `${API}/achievements`, body: ach({ competency: { code: 'TIDAK-ADA', level: 2 } }), detail: /competency\.code/ },
        { name: 'achievement with level 6', method: 'POST', path: `${API}/achievements`, body: ach({ competency: { code: 'MNJ-PP', level: 6 } }), detail: /competency\.level/ },
        { name: 'achievement with negative JP', method: 'POST', path: `${API}/achievements`, body: ach({ jp: -1 }), detail: /jp/ },
        { name: 'achievement with unknown quiz', method: 'POST', path: `${API}/achievements`, body: ach({ requirements: [{ type: 'activity', refId: unknown }] }), detail: /requirements\.0\.refId/ },
        { name: 'achievement with a course as quiz', method: 'POST', path: `${API}/achievements`, body: ach({ requirements: [{ type: 'activity', refId: course.courseId }] }), detail: /requirements\.0\.refId/ },
        { name: 'achievement with a requirement twice', method: 'POST', path: `${API}/achievements`, body: ach({ requirements: [{ type: 'activity', refId: course.quizId }, { type: 'activity', refId: course.quizId }] }), detail: /requirements\.1/ },
        { name: 'achievement with unknown template', method: 'POST', path: `${API}/achievements`, body: ach({ templateId: unknown }), detail: /templateId/ },
        { name: 'achievement with unknown key', method: 'POST', path: `${API}/achievements`, body: ach({ rahasia: true }) },
        { name: 'achievement with 0 months validity', method: 'POST', path: `${API}/achievements`, body: ach({ validityMonths: 0 }), detail: /validityMonths/ },
        { name: 'achievement with an operator as name', method: 'POST', path: `${API}/achievements`, body: ach({ name: { $gt: '' } }), detail: /name/ },
        { name: 'achievement patch with JP as text', method: 'PATCH', path: `${API}/achievements/${achievementId}`, body: { jp: 'dua' }, detail: /jp/ },
        { name: 'achievement patch with unknown competency', method: 'PATCH', path: `${API}/achievements/${achievementId}`, body: { competency: { code: 'X', level: 1 } }, detail: /competency\.code/ },
        { name: 'achievement with a bad id', method: 'PATCH', path: `${API}/achievements/bukan-id`, body: { jp: 2 }, detail: /achievementId/ },
        { name: 'archiving a bad id', method: 'DELETE', path: `${API}/achievements/0123456789abcdef0123456g`, detail: /achievementId/ },
        { name: 'unknown achievement', method: 'GET', path: `${API}/achievements/${unknown}`, status: 404, code: 'BINA_ERR_HTTP_NOT_FOUND' },
        { name: 'achievements with includeArchived=ya', method: 'GET', path: `${API}/achievements?includeArchived=ya`, detail: /includeArchived/ },
        { name: 'search with limit 0', method: 'GET', path: `${API}/certificates?limit=0`, detail: /limit/ },
        { name: 'search with an unknown status', method: 'GET', path: `${API}/certificates?status=hilang`, detail: /status/ },
        { name: 'search with a NIP of letters', method: 'GET', path: `${API}/certificates?nip=abc`, detail: /nip/ },
        { name: 'search with a date "kemarin"', method: 'GET', path: `${API}/certificates?from=kemarin`, detail: /from/ },
        { name: 'search with an impossible date', method: 'GET', path: `${API}/certificates?to=2024-13-45`, detail: /to/ },
        { name: 'search with a 101-character name', method: 'GET', path: `${API}/certificates?q=${'a'.repeat(101)}`, detail: /q/ },
        { name: 'search with a bad unit id', method: 'GET', path: `${API}/certificates?unitId=${encodeURIComponent('{"$ne":null}')}`, detail: /unitId/ },
        { name: 'manual issue without fields', method: 'POST', path: `${API}/certificates`, body: {}, detail: /achievementId/ },
        { name: 'manual issue to an unknown user', method: 'POST', path: `${API}/certificates`, body: { achievementId, userId: unknown, reason: 'Alasan' }, detail: /userId/ },
        { name: 'manual issue of an unknown achievement', method: 'POST', path: `${API}/certificates`, body: { achievementId: unknown, userId: learner.id, reason: 'Alasan' }, status: 404 },
        { name: 'manual issue with a short reason', method: 'POST', path: `${API}/certificates`, body: { achievementId, userId: learner.id, reason: 'ab' }, detail: /reason/ },
        { name: 'manual issue to someone who has it', method: 'POST', path: `${API}/certificates`, body: { achievementId, userId: learner.id, reason: 'Alasan' }, status: 409, code: 'BINA_ERR_CERT_ALREADY_ISSUED' },
        { name: 'certificate with a bad id', method: 'GET', path: `${API}/certificates/bukan-id`, detail: /certificateId/ },
        { name: 'revoking an unknown certificate', method: 'POST', path: `${API}/certificates/${unknown}/revoke`, body: { reason: 'Alasan' }, status: 404 },
        { name: 'reissue with a numeric reason', method: 'POST', path: `${API}/certificates/${certId}/reissue`, body: { reason: 5 }, detail: /reason/ },
        { name: 'reissue with an unknown key', method: 'POST', path: `${API}/certificates/${certId}/reissue`, body: { reason: 'Alasan', segera: true } },
        { name: 'sign with a bad signer id', method: 'POST', path: `${API}/certificates/${certId}/sign`, body: { signer: 'bsre', credentials: {} }, detail: /signer/ },
        { name: 'sign with credentials as text', method: 'POST', path: `${API}/certificates/${certId}/sign`, body: { signer: 'certificate-signer-bsre', credentials: 'rahasia' }, detail: /credentials/ },
        { name: 'sign with a missing passphrase', method: 'POST', path: `${API}/certificates/${certId}/sign`, body: { signer: 'certificate-signer-bsre', credentials: { nik: OFFICIAL_NIK } }, detail: /credentials\.passphrase/ },
        { name: 'bulk without a cohort', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan' }, detail: /userIds/ },
        { name: 'bulk with two cohorts', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan', userIds: [learner.id], courseId: course.courseId }, detail: /userIds/ },
        { name: 'bulk with an empty list', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan', userIds: [] }, detail: /userIds/ },
        { name: 'bulk with an unknown learner', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan', userIds: [learner.id, unknown] }, detail: /userIds\.1/ },
        { name: 'bulk for an unknown course', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan', courseId: unknown }, detail: /courseId/ },
        { name: 'bulk for an unknown unit', method: 'POST', path: `${API}/bulk`, body: { achievementId, reason: 'Alasan', unitId: unknown }, detail: /unitId/ },
        { name: 'bulk progress with a bad id', method: 'GET', path: `${API}/bulk/bukan-id`, detail: /bulkId/ },
        { name: 'unknown bulk', method: 'GET', path: `${API}/bulk/${unknown}`, status: 404 },
        { name: 'verify code of the wrong form', method: 'GET', path: '/verify/bukan-kode' , detail: /code/ },
        { name: 'verify an unknown code', method: 'GET', path: `/verify/${'a'.repeat(26)}`, status: 404 },
        { name: 'credential of a bad code', method: 'GET', path: '/verify/0123456789/credential.json', detail: /code/ },
        { name: 'credential of an unknown code', method: 'GET', path: `/verify/${'b'.repeat(26)}/credential.json`, status: 404 },
        { name: 'status list with a bad number', method: 'GET', path: '/verify/status/abc', detail: /list/ },
        { name: 'status list that does not exist', method: 'GET', path: '/verify/status/99', status: 404 },
        { name: 'public achievement with a bad id', method: 'GET', path: '/verify/achievements/bukan-id', detail: /achievementId/ },
        { name: 'template without fields', method: 'POST', path: '/api/v1/certificate-pdf/templates', body: {}, detail: /name/ },
        { name: 'template with texts as text', method: 'POST', path: '/api/v1/certificate-pdf/templates', body: { name: 'T', template: { texts: 'x', qr: { x: 1, y: 1, size: 60 } } }, detail: /template\.texts/ },
        { name: 'template with a forbidden helper', method: 'POST', path: '/api/v1/certificate-pdf/templates', body: { name: 'T', template: { texts: [{ id: 'a', text: '{{#each x}}y{{/each}}', x: 1, y: 1, width: 100, font: 'sans', size: 10 }], qr: { x: 1, y: 1, size: 60 } } }, detail: /template\.texts\.0\.text/ },
        { name: 'template off the page', method: 'POST', path: '/api/v1/certificate-pdf/templates', body: { name: 'T', template: { texts: [], qr: { x: 2000, y: 1, size: 60 } } }, detail: /template\.qr/ },
        { name: 'template version of a bad id', method: 'PUT', path: '/api/v1/certificate-pdf/templates/Bukan_Id!', body: { name: 'T', template: { texts: [], qr: { x: 1, y: 1, size: 60 } } }, detail: /templateId/ },
        { name: 'template version of an unknown template', method: 'PUT', path: `/api/v1/certificate-pdf/templates/${unknown}`, body: { name: 'T', template: { texts: [], qr: { x: 1, y: 1, size: 60 } } }, status: 404 },
        { name: 'preview of a broken template', method: 'POST', path: '/api/v1/certificate-pdf/preview', body: { template: { texts: [], qr: { x: 1, y: 1, size: 10 } } }, detail: /template\.qr\.size/ },
      ];
      for (const c of cases) {
        const res = await (c.user ?? admin).api.request(c.method, c.path, c.body);
        expectClientError(res, c.name, c.status ?? 400, c.code ?? (c.status ? undefined : 'BINA_ERR_HTTP_VALIDATION'));
        if (c.detail) expect(JSON.stringify(res.body.error.details), c.name).to.match(c.detail);
      }
    });

    it('does answer a bad upload to /verify with a 4xx, never a 500', async () => {
      for (const url of [`${env.url}/verify`, `${env.url}${API}/verify`]) {
        const empty = await raw(url, { method: 'POST', body: new Uint8Array(0), headers: { 'content-type': 'application/pdf', accept: 'application/json' } });
        expect(empty.status, 'empty').to.equal(400);
        const text = await raw(url, { method: 'POST', body: 'halo', headers: { 'content-type': 'application/octet-stream', accept: 'application/json' } });
        expect(text.status, 'text').to.equal(400);
        expect(text.json.error.code).to.equal('BINA_ERR_HTTP_BAD_REQUEST');
        const list = await raw(url, { method: 'POST', body: '[1,2]', headers: { 'content-type': 'application/json', accept: 'application/json' } });
        expect(list.status, 'array').to.equal(400);
        const broken = await raw(url, { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json', accept: 'application/json' } });
        expect(broken.status, 'broken json').to.equal(400);
        const notPdf = await raw(url, { method: 'POST', body: '%PDF-1.7 bukan pdf sungguhan', headers: { 'content-type': 'application/pdf', accept: 'application/json' } });
        expect(notPdf.status, 'garbage pdf').to.equal(422);
        expect(notPdf.json.error.code).to.equal('BINA_ERR_CERT_PDF_UNREADABLE');
        const huge = await raw(url, { method: 'POST', body: new Uint8Array(6 * 1024 * 1024), headers: { 'content-type': 'application/pdf', accept: 'application/json' } });
        expect(huge.status, 'too large').to.equal(413);
        const other = await raw(url, { method: 'POST', body: JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:web:lain.example' }), headers: { 'content-type': 'application/json', accept: 'application/json' } });
        expect(other.status).to.equal(200);
        expect(other.json.status).to.not.equal('valid');
      }
      const form = new FormData();
      form.set('bukan-file', 'x');
      const noFile = await raw(`${env.url}/verify`, { method: 'POST', body: form, headers: { accept: 'application/json' } });
      expect(noFile.status).to.equal(400);
      const badCode = await raw(`${env.url}/verify?code=salah`, { headers: { accept: 'text/html' } });
      expect(badCode.status).to.equal(400);
      expect(badCode.bytes.toString('utf8')).to.contain('is-invalid');
    });

    it('does leave every certificate collection exactly as it was', async () => {
      const now = await takeSnapshot();
      for (const name of MY_COLLECTIONS) expect(now[name], name).to.deep.equal(snapshot[name]);
    });
  });
});
