/**
 * Scheduled backups: the `backup.nightly` job writes a backup into BINA_BACKUP_DIR, records the
 * run for the admin page and keeps the retention; a failed run is recorded with its reason and
 * every admin finds a notice in the inbox. Without a passphrase the page says backups are off.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKUP_JOB, type BackupRunDoc } from '../../src/backup/backup-runs';
import { verifyBackup } from '../../src/backup/read-backup';
import { createUser, startTestEnv, waitFor, type TestEnv } from '../support/harness';

const PASSPHRASE = 'kata-sandi-malam-2026';

describe('scheduled backups', function () {
  this.timeout(120_000);
  let dir: string;
  const envs: TestEnv[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bina-nightly-'));
  });
  after(async () => {
    for (const e of envs) await e.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const runs = (env: TestEnv) => env.kernel.services.conn.collection<BackupRunDoc>('core_backup_runs');

  it('writes a backup, records the run and shows it to admins only', async () => {
    const backupDir = join(dir, 'backups');
    const env = await startTestEnv({ only: ['notify-inbox'], env: { BINA_BACKUP_PASSPHRASE: PASSPHRASE, BINA_BACKUP_WORK_FACTOR: '10', BINA_BACKUP_DIR: backupDir } });
    envs.push(env);
    const admin = await createUser(env, 'admin');
    const learner = await createUser(env, 'learner');
    // The nightly schedule is registered at start.
    const schedulers = await env.kernel.services.queues.allQueues().find((q) => q.name === BACKUP_JOB)!.getJobSchedulers();
    expect(schedulers.map((s) => s.pattern)).to.deep.equal(['30 1 * * *']);

    await env.kernel.services.queues.enqueue(BACKUP_JOB, { trigger: 'manual' }, { key: 'manual-test-1' });
    const run = await waitFor(async () => (await runs(env).findOne({ _id: 'manual-test-1' as never, state: { $ne: 'running' } })) ?? undefined, 'the backup run');
    expect(run.state, run.error).to.equal('ok');
    expect(run.size).to.be.greaterThan(0);
    const files = await readdir(backupDir);
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^bina-\d{8}T\d{6}Z\.age$/);
    const v = await verifyBackup(join(backupDir, files[0]!), PASSPHRASE);
    expect(v.manifest.collections.find((c) => c.name === 'identity_users')!.documents).to.equal(2);

    const page = await fetch(`${env.url}/admin/backups`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } });
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('Berhasil').and.contain(files[0]);
    expect((await fetch(`${env.url}/admin/backups`, { headers: { authorization: `Bearer ${learner.token}`, accept: 'text/html' } })).status).to.equal(403);
  });

  it('records a failed backup and tells every admin in the inbox', async () => {
    const notADir = join(dir, 'occupied');
    await writeFile(notADir, 'a file where the folder should be');
    const env = await startTestEnv({ only: ['notify-inbox'], env: { BINA_BACKUP_PASSPHRASE: PASSPHRASE, BINA_BACKUP_WORK_FACTOR: '10', BINA_BACKUP_DIR: join(notADir, 'backups') } });
    envs.push(env);
    const admins = [await createUser(env, 'admin'), await createUser(env, 'admin')];
    const learner = await createUser(env, 'learner');
    await env.kernel.services.queues.enqueue(BACKUP_JOB, { trigger: 'schedule' }, { key: 'nightly-test-1' });
    const run = await waitFor(async () => (await runs(env).findOne({ _id: 'nightly-test-1' as never, state: 'failed' })) ?? undefined, 'the failed run');
    expect(run.error).to.match(/ENOTDIR|EEXIST|not a directory/i);
    for (const a of admins) {
      const inbox = await waitFor(async () => {
        const r = await a.api.get('/api/v1/notify-inbox/notices');
        return r.body.notices?.length ? r.body : undefined;
      }, 'the admin notice');
      expect(inbox.notices[0].message).to.contain('Pencadangan data gagal');
      expect(inbox.notices[0].href).to.equal('/admin/backups');
    }
    expect((await learner.api.get('/api/v1/notify-inbox/notices')).body.notices).to.deep.equal([]);
    const html = await (await fetch(`${env.url}/admin/backups`, { headers: { authorization: `Bearer ${admins[0]!.token}`, accept: 'text/html' } })).text();
    expect(html).to.contain('Gagal');
  });

  it('says nightly backups are off without a passphrase', async () => {
    const env = await startTestEnv({ only: ['notify-inbox'] });
    envs.push(env);
    const admin = await createUser(env, 'admin');
    const html = await (await fetch(`${env.url}/admin/backups?lang=en`, { headers: { authorization: `Bearer ${admin.token}`, accept: 'text/html' } })).text();
    expect(html).to.contain('Nightly backups are off: set BINA_BACKUP_PASSPHRASE');
    expect(await env.kernel.services.queues.allQueues().find((q) => q.name === BACKUP_JOB)!.getJobSchedulers()).to.deep.equal([]);
  });
});
