/**
 * A bulk certificate issue whose job fails on every retry (ADR 0068): the run is marked failed,
 * and the admin's bulk page says so with the technical reason and a "retry" button; after the
 * cause is fixed, the retry resumes the run and it finishes. The failure is real: the stored
 * cohort names a learner id that is no id, so every run of the job throws (not a per-learner
 * refusal); the test moves each back-off retry forward (BullMQ's promote) instead of waiting it
 * out. Screenshots: /tmp/bina-bulk-failed*.png.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, waitFor, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';

const QUEUE = 'certificate-openbadges.bulk-issue';

describe('a bulk certificate issue that fails on every retry', function () {
  this.timeout(180_000);
  // No workers until the stored run is broken (the job would otherwise finish first).
  const suite = withBrowserEnv({ role: 'web' });
  let admin: TestUser;
  let learner: TestUser;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Sertifikat');
    learner = await createUser(suite.env, 'learner', 'Peserta Massal');
  });

  const bulkOf = async (id: string) => (await admin.api.get(`/api/v1/certificate-openbadges/bulk/${id}`)).body.bulk as { state: string; error: string | null; issued: number; processed: number };

  it('is marked failed with the reason on the admin\'s page, and a retry after the fix finishes it', async () => {
    const ach = await admin.api.post('/api/v1/certificate-openbadges/achievements', { name: 'Capaian Massal Uji', description: 'd', criteria: 'Ditetapkan.', competency: { code: 'MNJ-PP', level: 2 }, jp: 2, requirements: [] });
    expect(ach.status, JSON.stringify(ach.body)).to.equal(201);
    const started = await admin.api.post('/api/v1/certificate-openbadges/bulk', { achievementId: ach.body.achievement.id, reason: 'Uji kegagalan massal', userIds: [learner.id] });
    expect(started.status, JSON.stringify(started.body)).to.equal(202);
    const bulkId = started.body.bulk.id as string;
    const bulks = suite.env.kernel.services.conn.collection('certificate-openbadges_bulks');
    await bulks.updateOne({ _id: new Types.ObjectId(bulkId) }, { $set: { userIds: ['bukan-id-pegawai'] } });

    suite.env.kernel.services.queues.startWorkers();
    const queue = suite.env.kernel.services.queues.queue(QUEUE);
    await waitFor(async () => {
      const job = await queue.getJob(`bulk-${bulkId}`);
      const state = await job?.getState();
      if (state === 'delayed') await job!.promote();
      return state === 'failed';
    }, 'the bulk job to fail on its last retry', 90_000);
    const failed = await waitFor(async () => {
      const b = await bulkOf(bulkId);
      return b.state === 'failed' ? b : null;
    }, 'the run to be marked failed');
    expect(failed.error).to.match(/Cast to ObjectId failed/);
    const audits = await suite.env.kernel.services.audit.forSubject('certificate-bulk', bulkId);
    expect(audits.map((a) => a.action)).to.include('certificate-openbadges:audit.bulkFailed');

    // In English on a phone, the failure and its retry button fit the screen.
    const phone = await openLoggedIn(suite.browser, suite.env.url, admin, { locale: 'en', width: 393, ignoreFavicon: true });
    try {
      await phone.page.goto(`${suite.env.url}/certificate-openbadges/admin/bulk/${bulkId}?lang=en`);
      expect(await phone.page.getByTestId('bulk-failed').innerText()).to.contain('This bulk issue failed');
      expect(await phone.page.getByTestId('bulk-retry').innerText()).to.contain('Retry');
      expect(await phone.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), 'no sideways scrolling').to.equal(true);
      await phone.page.screenshot({ path: '/tmp/bina-bulk-failed-en-phone.png', fullPage: true });
      expect(phone.errors).to.deep.equal([]);
    } finally {
      await phone.context.close();
    }

    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, admin, { ignoreFavicon: true });
    try {
      await page.goto(`${suite.env.url}/certificate-openbadges/admin/bulk/${bulkId}`);
      expect(await page.getByTestId('bulk-failed').innerText()).to.contain('Penerbitan massal ini gagal');
      expect(await page.getByTestId('bulk-error').innerText()).to.match(/Cast to ObjectId failed/);
      await page.screenshot({ path: '/tmp/bina-bulk-failed.png', fullPage: true });
      // The cause fixed (the cohort names the learner again), the admin retries from the page.
      await bulks.updateOne({ _id: new Types.ObjectId(bulkId) }, { $set: { userIds: [new Types.ObjectId(learner.id)] } });
      await Promise.all([page.waitForURL('**?msg=retried'), page.getByTestId('bulk-retry').click()]);
      expect(await page.getByTestId('bulk-failed').count()).to.equal(0);
      await page.locator('#bulk-done:not(.d-none)').waitFor({ timeout: 60_000 });
      const done = await bulkOf(bulkId);
      expect(done).to.deep.include({ state: 'done', error: null, issued: 1, processed: 1 });
      expect(errors).to.deep.equal([]);
    } finally {
      await context.close();
    }
    // A second retry of a run that is not failed is refused.
    const again = await admin.api.post(`/api/v1/certificate-openbadges/bulk/${bulkId}/retry`, {});
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('BINA_ERR_CERT_BULK_NOT_FAILED');
  });
});
