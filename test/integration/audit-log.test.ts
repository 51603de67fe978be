/**
 * The audit log: appended by many writers at once into one gapless hash chain (FerretDB has no
 * transactions; the head moves by compare-and-swap, ADR 0030), verified by `bina audit verify`,
 * which names an edited, a deleted and a re-linked row; read and exported by admins only, filtered
 * by actor, subject, action and dates, on the admin page too.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createUser, startTestEnv, type TestEnv } from '../support/harness';
import { REPO_ROOT } from '../../src/kernel/core-version';

describe('audit log', function () {
  this.timeout(120_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env?.stop());
  const audit = () => env.kernel.services.audit;

  function verifyCli(): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'audit', 'verify'], { cwd: REPO_ROOT, env: { ...process.env, ...env.childEnv }, timeout: 90_000 }, (err, stdout) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout });
      });
    });
  }

  it('chains 60 concurrent writers without a gap, and bina audit verify finds an edited, a deleted and a re-linked row', async () => {
    const before = (await audit().head.findById('chain').lean())?.seq ?? 0;
    await Promise.all(Array.from({ length: 60 }, (_, i) => audit().record('core', { action: 'audit.test.concurrent', actorId: 'a'.repeat(24), subject: { type: 'test', id: String(i) }, before: { n: i, at: new Date(0) }, after: { n: i + 1 }, args: {} })));
    const rows = await audit().model.find({ seq: { $gt: before } }).sort({ seq: 1 }).lean();
    expect(rows.map((r) => r.seq)).to.deep.equal(Array.from({ length: 60 }, (_, i) => before + i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev).to.equal(rows[i - 1]!.hash);
    expect(await audit().verify()).to.deep.include({ problems: [] });
    const ok = await verifyCli();
    expect(ok.code, ok.stdout).to.equal(0);
    expect(ok.stdout).to.match(/^OK: \d+ rows/m);

    // Someone with database access changes a grade's "after", deletes a row, and rewrites one row's hash to hide it.
    const [a, b, c] = [rows[10]!, rows[20]!, rows[30]!];
    await audit().model.collection.updateOne({ seq: a.seq }, { $set: { 'after.n': 99 } });
    await audit().model.collection.deleteOne({ seq: b.seq });
    const forged = { ...c, after: { n: 0 } };
    const { rowHash } = await import('../../src/kernel/audit');
    await audit().model.collection.updateOne({ seq: c.seq }, { $set: { after: forged.after, hash: rowHash(forged) } });
    const report = await audit().verify();
    expect(report.problems).to.deep.include.members([
      { seq: a.seq, kind: 'edited' },
      { seq: b.seq, kind: 'missing' },
      { seq: c.seq + 1, kind: 'relinked' },
    ]);
    const broken = await verifyCli();
    expect(broken.code).to.equal(1);
    expect(broken.stdout).to.contain(`row ${a.seq}: edited`).and.contain(`row ${b.seq}: missing`).and.match(/^BROKEN/m);

    // The newest rows deleted: the head still says how far the chain went.
    const last = rows[rows.length - 1]!;
    await audit().model.collection.deleteOne({ seq: last.seq });
    expect((await audit().verify()).problems).to.deep.include({ seq: last.seq, kind: 'tail-missing' });
  });

  it('lets admins read and export it, filtered by actor, subject, action and dates; nobody else', async () => {
    const admin = await createUser(env, 'admin', 'Admin Audit');
    const trainer = await createUser(env, 'trainer', 'Pelatih Diaudit');
    const learner = await createUser(env, 'learner', 'Peserta Dinilai');
    // A real audited change: the admin changes the trainer's roles.
    expect((await admin.api.put(`/api/v1/users/${trainer.id}/roles`, { roles: ['trainer', 'mentor'] })).status).to.equal(200);
    await audit().record('core', { action: 'audit.test.grade', actorId: trainer.id, subject: { type: 'exam-attempt', id: 'b'.repeat(24) }, before: { score: 5 }, after: { score: 8 } });

    const byActor = await admin.api.get(`/api/v1/audit?actor=${encodeURIComponent('Pelatih Diaudit')}`);
    expect(byActor.status).to.equal(200);
    expect(byActor.body.rows.map((r: any) => r.action)).to.deep.equal(['audit.test.grade']);
    expect(byActor.body.rows[0]).to.deep.include({ actorName: 'Pelatih Diaudit', before: { score: 5 }, after: { score: 8 } });
    const bySubject = await admin.api.get(`/api/v1/audit?subjectType=user&subjectId=${trainer.id}`);
    expect(bySubject.body.rows.length).to.be.greaterThanOrEqual(1);
    expect(bySubject.body.rows.every((r: any) => r.subject.id === trainer.id)).to.equal(true);
    // Today in the route's day boundaries (WIB, +07:00): the UTC date was yesterday's there after 17:00 UTC.
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect((await admin.api.get(`/api/v1/audit?action=test.grade&from=2000-01-01&to=${today}`)).body.rows).to.have.length(1);
    expect((await admin.api.get('/api/v1/audit?action=test.grade&to=2000-01-01')).body.rows).to.have.length(0);
    const paged = await admin.api.get('/api/v1/audit?limit=2');
    expect(paged.body.rows).to.have.length(2);
    const older = await admin.api.get(`/api/v1/audit?limit=2&beforeSeq=${paged.body.nextBeforeSeq}`);
    expect(older.body.rows[0].seq).to.be.lessThan(paged.body.rows[1].seq);

    const csv = await fetch(`${env.url}/admin/audit.csv?actor=${encodeURIComponent('Pelatih')}`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.contain('text/csv');
    const text = await csv.text();
    expect(text.replace(/^\ufeff/, '').split('\r\n')[0]).to.equal('seq,at,actor_id,actor,action,subject_type,subject_id,before,after,args,hash');
    expect(text).to.contain('audit.test.grade').and.contain('"{""score"":5}"');

    const page = await fetch(`${env.url}/admin/audit?actor=${encodeURIComponent('Pelatih Diaudit')}`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.contain('Log audit').and.contain('audit.test.grade').and.contain(`/admin/audit?actorId&#x3D;${trainer.id}`).and.contain('{&quot;score&quot;:8}');
    expect((await admin.api.get('/api/v1/audit?from=kemarin')).status).to.equal(400);
    for (const u of [trainer, learner]) expect((await u.api.get('/api/v1/audit')).status).to.equal(403);
    expect((await fetch(`${env.url}/admin/audit.csv`, { headers: { authorization: `Bearer ${learner.token}` } })).status).to.equal(403);
  });
});
