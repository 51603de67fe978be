/**
 * Backups an agency can restore (issue 17), through the `bina` command line against real servers:
 * a backup taken in the middle of an exam while answers keep arriving restores into a fresh
 * database and data dir; the counts match, a certificate verifies offline with the library against
 * the restored did.json and status list, every answer acknowledged before the backup started is
 * there, old passwords work, the JP ledger is unchanged and lesson files are served. Bad input:
 * wrong passphrase, truncated or edited files, a newer schema and a non-empty target are refused
 * with a clear message and nothing written.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { Kernel } from '../../src/host/kernel';
import { createLogger } from '../../src/kernel/logger';
import { createStorage } from '../../src/storage/create-storage';
import { writeBackup } from '../../src/backup/write-backup';
import { ApiClient, createCourseWithQuiz, createUser, loginForToken, seedDemo, startTestEnv, testEnvVars, uniqueName, type TestEnv, type TestUser } from '../support/harness';
import { createBank, createExam, enrol, kindOf, responseFor, type SectionSpec } from '../../plugins/activity-exam/test/exam-fixtures';
import { verifyOffline } from '../../plugins/certificate-openbadges/offline-verify';
import type { DidDocument } from '../../plugins/certificate-openbadges/document-loader';
import { DEMO_PASSWORD } from '../../src/cli/demo-seed';

const PASSPHRASE = 'kata-sandi-cadangan-uji-2026';
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(3000)]);
const SECTIONS: SectionSpec[] = [{ key: 'twk', kind: 'mc', pool: 40, draw: 40, mark: 1 }];

interface CliResult { code: number; stdout: string; stderr: string }

function bina(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A fresh, empty install: its own database, data dir and key secret file. */
function freshInstall(dir: string, settings: Record<string, unknown> = {}) {
  const vars = testEnvVars({
    BINA_DATA_DIR: join(dir, uniqueName('data')),
    BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecretFile: join(dir, uniqueName('key-secret')) }, ...settings }),
  });
  return vars;
}

async function collectionCounts(uri: string): Promise<Record<string, number>> {
  const c = new mongoose.mongo.MongoClient(uri);
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const { name } of await c.db().listCollections({}, { nameOnly: true }).toArray()) out[name] = await c.db().collection(name).countDocuments();
    return out;
  } finally {
    await c.close();
  }
}

describe('backup and restore (bina backup / bina restore)', function () {
  this.timeout(600_000);
  let dir: string;
  let env: TestEnv;
  let keySecretFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bina-backup-'));
    keySecretFile = join(dir, 'source-key-secret');
    env = await startTestEnv({ env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'certificate-openbadges': { keySecretFile }, 'activity-exam': { graceSeconds: 0 } }) } });
  });
  after(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('a backup taken during an exam', () => {
    let file: string;
    let restoredEnv: Record<string, string>;
    let restored: Kernel | undefined;
    let restoredUrl: string;
    const acked: Array<{ slot: string; response: unknown; at: number }> = [];
    let backupStartedAt = 0;
    let attemptId: string;
    let manifestCounts: Record<string, number>;
    let demo: Awaited<ReturnType<typeof seedDemo>>;
    let lessonFileUrl: string;
    let learner: TestUser;

    after(async () => {
      await restored?.services.conn.dropDatabase().catch(() => undefined);
      await restored?.stop();
    });

    it('backs up while answers keep arriving and restores into a fresh database and data dir', async () => {
      demo = await seedDemo(env.kernel);
      const trainer = await createUser(env, 'trainer', 'Widyaiswara Uji');
      learner = await createUser(env, 'learner', 'Peserta Ujian');
      // A lesson file in the storage.
      const { courseId: lessonCourse, lessonId } = await createCourseWithQuiz(trainer);
      await enrol(learner, lessonCourse);
      const up = await fetch(`${env.url}/api/v1/activity-lesson/lessons/${lessonId}/files?name=bagan.png`, { method: 'POST', headers: { authorization: `Bearer ${trainer.token}`, 'content-type': 'image/png' }, body: PNG });
      expect(up.status).to.equal(201);
      lessonFileUrl = ((await up.json()) as { file: { url: string } }).file.url;
      // An exam in progress.
      const { createCourse } = await import('../../plugins/activity-exam/test/exam-fixtures');
      const courseId = await createCourse(trainer);
      await createBank(env, trainer, courseId, SECTIONS);
      const exam = await createExam(trainer, courseId, SECTIONS, { timeLimitMinutes: 120 });
      await enrol(learner, courseId);
      const start = await learner.api.post(`/api/v1/activity-exam/exams/${exam.exam.id}/attempts`, {});
      expect(start.status, JSON.stringify(start.body)).to.equal(201);
      attemptId = start.body.attempt.id;
      const questions = start.body.questions as Array<{ slot: string; name: string }>;

      // Answers arrive one after another for the whole backup; each is recorded once acknowledged.
      let stop = false;
      let seq = 0;
      const answering = (async () => {
        for (const q of questions) {
          if (stop) break;
          const response = responseFor(kindOf(q.name), seq % 2 ? 'right' : 'wrong');
          const r = await learner.api.put(`/api/v1/activity-exam/attempts/${attemptId}/answers/${q.slot}`, { seq: ++seq, response });
          if (r.status === 200) acked.push({ slot: q.slot, response, at: Date.now() });
        }
      })();
      while (acked.length < 5) await new Promise((r) => setTimeout(r, 20));

      file = join(dir, 'bina.age');
      backupStartedAt = Date.now();
      const b = await bina(['backup', '--out', file, '--work-factor', '10'], { ...env.childEnv, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      stop = true;
      await answering;
      expect(b.code, b.stderr).to.equal(0);
      // The lesson file and whatever files plugins keep of their own (the restore test below finds the lesson's).
      expect(b.stdout, b.stdout).to.match(/Backup written: .*bina\.age .* collections, \d+ documents, [1-9]\d* files, 1 secrets/);
      const filesBackedUp = /, (\d+) files,/.exec(b.stdout)![1];
      expect(acked.filter((a) => a.at > backupStartedAt).length, 'answers kept arriving during the backup').to.be.greaterThan(0);
      // The passphrase is nowhere in or beside the file.
      expect((await readFile(file)).includes(Buffer.from(PASSPHRASE))).to.equal(false);
      expect((await readdir(dir)).filter((f) => f.includes('bina.age'))).to.deep.equal(['bina.age']);

      restoredEnv = freshInstall(dir);
      const r = await bina(['restore', '--in', file], { ...restoredEnv, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout, r.stdout).to.match(new RegExp(`checksums of \\d+ entries verified; \\d+ collections, \\d+ documents \\(counts match\\); ${filesBackedUp} files; 1 secrets`));
      manifestCounts = Object.fromEntries([...r.stderr.matchAll(/^ {2}(\S+): (\d+)\/(\d+) documents/gm)].map((m) => [m[1]!, Number(m[3])]));
      expect(Object.keys(manifestCounts).length).to.be.greaterThan(10);
    });

    it('restores the same counts as the backup holds', async () => {
      const counts = await collectionCounts(restoredEnv.MONGODB_URI!);
      for (const [name, n] of Object.entries(manifestCounts)) expect(counts[name], name).to.equal(n);
      // Collections nobody wrote to during the backup hold exactly what the source holds.
      const source = await collectionCounts(env.childEnv.MONGODB_URI!);
      for (const name of ['identity_users', 'learning_courses', 'learning_jp_ledger', 'certificate-openbadges_certificates', 'certificate-openbadges_keys', 'activity-lesson_files']) {
        expect(counts[name], name).to.equal(source[name]);
      }
    });

    it('keeps every answer acknowledged before the backup started', async () => {
      const before = acked.filter((a) => a.at < backupStartedAt);
      expect(before.length).to.be.greaterThan(4);
      const c = new mongoose.mongo.MongoClient(restoredEnv.MONGODB_URI!);
      await c.connect();
      try {
        // Answers live in their own documents, one per save (ADR 0053): the latest per slot is the answer.
        const versions = await c.db().collection('activity-exam_answers').find({ attemptId: new mongoose.Types.ObjectId(attemptId) }).toArray();
        const answers: Record<string, { r?: unknown; seq: number }> = {};
        for (const v of versions) if ((answers[v.slot]?.seq ?? -1) < v.seq) answers[v.slot] = { r: v.r, seq: v.seq };
        for (const x of before) {
          expect(answers[x.slot], `answer to ${x.slot}`).to.exist;
          expect(JSON.stringify(answers[x.slot])).to.contain(JSON.stringify(x.response));
        }
      } finally {
        await c.close();
      }
    });

    it('works after the restore: certificates verify with the same keys, passwords, JP and files', async () => {
      const config = loadConfig(restoredEnv);
      restored = await Kernel.create({ config, role: 'web', logger: createLogger(config.LOG_LEVEL) });
      restoredUrl = await restored.listen(0, '127.0.0.1');

      const [didA, didB] = await Promise.all([fetch(`${env.url}/.well-known/did.json`).then((r) => r.json()), fetch(`${restoredUrl}/.well-known/did.json`).then((r) => r.json())]);
      expect(didB).to.deep.equal(didA);
      const code = demo.refs.certificateUrl!.split('/verify/')[1]!;
      const credential = await (await fetch(`${restoredUrl}/verify/${code}/credential.json`)).json();
      const listUrl = (credential as { credentialStatus: { statusListCredential: string } }).credentialStatus.statusListCredential;
      const list = await (await fetch(`${restoredUrl}${new URL(listUrl).pathname}`)).json();
      expect(list).to.deep.equal(await (await fetch(`${env.url}${new URL(listUrl).pathname}`)).json());
      const result = await verifyOffline({ credential, didDocument: didB as DidDocument, statusLists: [list] });
      expect(result.verified, JSON.stringify(result)).to.equal(true);

      // Old passwords, the JP ledger, lesson files.
      const token = await loginForToken(restoredUrl, '199001152015031001', DEMO_PASSWORD);
      const rizal = new ApiClient(restoredUrl, token);
      const jpBefore = await new ApiClient(env.url, await loginForToken(env.url, '199001152015031001', DEMO_PASSWORD)).get('/api/v1/me/jp');
      expect((await rizal.get('/api/v1/me/jp')).body).to.deep.equal(jpBefore.body);
      const learnerToken = await loginForToken(restoredUrl, learner.username, 'Rahasia-Uji-123');
      const f = await fetch(`${restoredUrl}${lessonFileUrl}`, { headers: { authorization: `Bearer ${learnerToken}` } });
      expect(f.status).to.equal(200);
      expect(Buffer.from(await f.arrayBuffer()).equals(PNG)).to.equal(true);
    });
  });

  describe('bad input', () => {
    let file: string;
    before(async () => {
      file = join(dir, 'small.age');
      const b = await bina(['backup', '--out', file, '--work-factor', '10'], { ...env.childEnv, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(b.code, b.stderr).to.equal(0);
    });

    async function expectNothingWritten(target: Record<string, string>) {
      expect(Object.values(await collectionCounts(target.MONGODB_URI!)).reduce((a, b) => a + b, 0)).to.equal(0);
      const files: string[] = [];
      for await (const f of (await createStorage(loadConfig(target))).list('')) files.push(f.key);
      expect(files).to.deep.equal([]);
    }

    it('refuses a wrong passphrase with a clear error and writes nothing', async () => {
      const target = freshInstall(dir);
      const r = await bina(['restore', '--in', file], { ...target, BINA_BACKUP_PASSPHRASE: 'bukan-kata-sandinya-123' });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('BINA_ERR_BACKUP_PASSPHRASE: Wrong passphrase for this backup');
      await expectNothingWritten(target);
    });

    it('refuses a truncated file and an edited one, naming the check that failed', async () => {
      const bytes = await readFile(file);
      const truncated = join(dir, 'truncated.age');
      await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const edited = join(dir, 'edited.age');
      const copy = Buffer.from(bytes);
      copy[Math.floor(copy.length / 2)]! ^= 0x01;
      await writeFile(edited, copy);
      for (const f of [truncated, edited]) {
        const target = freshInstall(dir);
        const r = await bina(['restore', '--in', f], { ...target, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
        expect(r.code, f).to.equal(1);
        expect(r.stderr, f).to.match(/BINA_ERR_BACKUP_DAMAGED: .*authentication tag \(Poly1305\) of payload chunk \d+/);
        await expectNothingWritten(target);
      }
    });

    it('refuses a file whose content was changed and encrypted again, naming the entry whose sha256 failed', async () => {
      const { Decrypter, Encrypter } = await import('age-encryption');
      const d = new Decrypter();
      d.addPassphrase(PASSPHRASE);
      const plain = Buffer.from(await d.decrypt(await readFile(file)));
      // Flip one byte inside the first collection entry (after its 512-byte tar header).
      const at = plain.indexOf(Buffer.from('collections/')) + 512 + 40;
      plain[at]! ^= 0x01;
      const e = new Encrypter();
      e.setPassphrase(PASSPHRASE);
      e.setScryptWorkFactor(10);
      const forged = join(dir, 'forged.age');
      await writeFile(forged, await e.encrypt(plain));
      const target = freshInstall(dir);
      const r = await bina(['restore', '--in', forged], { ...target, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/BINA_ERR_BACKUP_CHECKSUM: Checksum failed: sha256 of collections\/\S+ is [0-9a-f]{64} \(\d+ bytes\), the manifest says [0-9a-f]{64}/);
      await expectNothingWritten(target);
    });

    it('refuses a backup from a newer schema', async () => {
      const src = env.childEnv;
      const { backupSource } = await import('../../src/host/plugin-backups');
      const { discoverForCli } = await import('../../src/cli/plugin-commands');
      const config = loadConfig(src);
      const source = await backupSource(config, discoverForCli({ dirs: [join(REPO_ROOT, 'plugins')], disabled: [] }).records);
      source.plugins = source.plugins.map((p) => (p.id === 'activity-exam' ? { ...p, schemaVersion: p.schemaVersion + 1 } : p));
      const newer = join(dir, 'newer.age');
      await writeBackup(source, { out: newer, passphrase: PASSPHRASE, scryptLogN: 10, filesAndKeysOnly: true });
      const target = freshInstall(dir);
      const r = await bina(['restore', '--in', newer], { ...target, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/BINA_ERR_BACKUP_NEWER_SCHEMA: The backup is from a newer Bina .*activity-exam schema \d+ \(this code: \d+\)/);
      await expectNothingWritten(target);
    });

    it('backs up only the files and keys for an external MongoDB, and checks a file without writing', async () => {
      const only = join(dir, 'files-and-keys.age');
      const b = await bina(['backup', '--out', only, '--files-and-keys-only', '--work-factor', '10'], { ...env.childEnv, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(b.code, b.stderr).to.equal(0);
      expect(b.stdout).to.match(/, 0 collections, 0 documents, \d+ files, 1 secrets/);
      const target = freshInstall(dir);
      const v = await bina(['restore', '--in', file, '--verify-only'], { ...target, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(v.code, v.stderr).to.equal(0);
      expect(v.stdout).to.match(/^Verified: \d+ entries, \d+ documents; every checksum and count matches/);
      await expectNothingWritten(target);
    });

    it('refuses a non-empty target unless --force', async () => {
      const r = await bina(['restore', '--in', file, '--to', env.childEnv.MONGODB_URI!], { ...env.childEnv, BINA_BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/BINA_ERR_BACKUP_TARGET_NOT_EMPTY: The target is not empty \(collection /);
      expect((await stat(file)).size).to.be.greaterThan(0);
    });
  });
});
