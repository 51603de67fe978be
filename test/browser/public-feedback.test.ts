/**
 * A citizen writes feedback about a service unit on a phone without an account; the unit's
 * moderator publishes it from the moderation queue, an ASN of the unit answers it, and the citizen
 * reads the masked text and the answer on the unit's public page.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { ManualClock, TEST_PASSWORD, createUser, uniqueName } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

describe('public feedback in a browser', function () {
  this.timeout(180_000);
  const clock = new ManualClock();
  const suite = withBrowserEnv({ only: ['question-likert', 'survey-skm', 'feedback-public'], clock });
  const shots = process.env.BINA_SCREENSHOTS_DIR;

  it('a moderator publishes feedback, the unit answers it, and it appears on the public page', async () => {
    const env = suite.env;
    const admin = await createUser(env, 'admin');
    const moderator = await createUser(env, 'learner', 'Nur Aisyah (Moderator)');
    const staff = await createUser(env, 'learner', 'Petugas Loket Satu');
    const core = await env.kernel.identity.models.Unit.create({ code: uniqueName('U'), name: 'Dinas Kependudukan dan Pencatatan Sipil' });
    await env.kernel.identity.models.User.updateOne({ _id: new Types.ObjectId(staff.id) }, { $set: { unitId: core._id } });
    const slug = uniqueName('disdukcapil').toLowerCase().replace(/_/g, '-');
    const created = await admin.api.request('POST', '/survey-skm/admin/units', { name: 'Loket KTP Disdukcapil', slug, coreUnitId: String(core._id), serviceStandardDays: '5' }, { accept: 'text/html' });
    const unitId = created.headers.get('location')!.split('/').pop()!;
    await admin.api.request('POST', `/survey-skm/admin/units/${unitId}/moderators`, { person: moderator.username }, { accept: 'text/html' });

    // The citizen, on a phone, from the public hub.
    const phone = await suite.browser.newContext({ viewport: { width: 393, height: 851 }, isMobile: true, hasTouch: true, locale: 'id-ID' });
    const citizen = await phone.newPage();
    await citizen.goto(`${env.url}/survey-skm/`);
    await citizen.locator(`[data-unit="${slug}"]`).getByRole('link', { name: 'Saran & pengaduan' }).click();
    await citizen.getByRole('link', { name: 'Tulis masukan' }).click();
    await citizen.getByLabel('Pengaduan').check();
    await citizen.getByLabel('Masukan Anda').fill('Antre');
    await citizen.getByLabel('Kontak (tidak wajib)').fill('warga@example.id');
    clock.advance(15_000); // a person takes a while to write
    await citizen.getByRole('button', { name: 'Kirim' }).click();
    // Too short: the summary at the top links to the field; fixed and sent at once, without the
    // minimum fill time starting again.
    await citizen.getByTestId('error-summary').getByRole('link', { name: /^Masukan Anda:/ }).click();
    expect(new URL(citizen.url()).hash).to.equal('#fb-text');
    await citizen.getByLabel('Masukan Anda').fill('Antrean KTP lama sekali. Hubungi saya di 0812-3456-7890, NIK 7601012304850002.');
    if (shots) await citizen.screenshot({ path: `${shots}/feedback-form-phone.png`, fullPage: true });
    await citizen.getByRole('button', { name: 'Kirim' }).click();
    await citizen.getByTestId('thanks').waitFor();
    // The thank-you page gives the citizen a link to follow their item.
    const followLink = await citizen.getByTestId('follow-link').inputValue();
    expect(followLink).to.match(/\/feedback-public\/f\/[A-Za-z0-9_-]{24}$/);
    expect(await citizen.getByTestId('moderation').textContent()).to.contain('Menunggu pemeriksaan moderator');
    if (shots) await citizen.screenshot({ path: `${shots}/feedback-thanks-phone.png`, fullPage: true });

    // The moderator finds the queue from the navigation.
    const modCtx = await suite.browser.newContext({ locale: 'id-ID' });
    const mod = await modCtx.newPage();
    await loginThroughForm(mod, env.url, moderator.username, TEST_PASSWORD);
    await mod.getByRole('link', { name: 'Layanan publik' }).click();
    await mod.getByRole('link', { name: 'Moderasi masukan' }).click();
    const card = mod.locator('[data-item]').filter({ hasText: 'Antrean KTP lama sekali' });
    await expect(await card.textContent()).to.contain('****-****-****');
    if (shots) await mod.screenshot({ path: `${shots}/feedback-moderate.png`, fullPage: true });
    await card.getByRole('button', { name: 'Tayangkan' }).click();
    await mod.getByText('Masukan ditayangkan.').waitFor();

    // An ASN of the unit answers it.
    const staffCtx = await suite.browser.newContext({ locale: 'id-ID' });
    const st = await staffCtx.newPage();
    await loginThroughForm(st, env.url, staff.username, TEST_PASSWORD);
    await st.getByRole('link', { name: 'Layanan publik' }).click();
    await st.locator(`[data-unit="${slug}"]`).getByRole('link', { name: 'Saran & pengaduan' }).click();
    await st.getByRole('link', { name: 'Lihat masukan ini' }).first().click();
    await st.getByLabel('Jawaban Anda (ditayangkan atas nama Anda)').fill('Mohon maaf. Mulai Senin kami membuka loket kedua.');
    await st.getByRole('button', { name: 'Kirim jawaban' }).click();
    await expect(await st.getByTestId('status').textContent()).to.equal('Dijawab');

    // The citizen sees the published, masked feedback and the answer.
    await citizen.goto(`${env.url}/feedback-public/u/${slug}`);
    const body = await citizen.locator('main').textContent();
    expect(body).to.contain('Hubungi saya di ****-****-****, NIK ****************.');
    expect(body).to.contain('Mohon maaf. Mulai Senin kami membuka loket kedua.');
    expect(body).to.contain('Petugas Loket Satu');
    expect(body).not.to.contain('warga@example.id');
    const overflow = await citizen.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).to.equal(0);
    if (shots) await citizen.screenshot({ path: `${shots}/feedback-public-phone.png`, fullPage: true });
    // Later, from the saved link: the status and the unit's answer.
    await citizen.goto(`${env.url}${new URL(followLink).pathname}`);
    expect(await citizen.getByTestId('status').textContent()).to.equal('Dijawab');
    expect(await citizen.getByTestId('answers').textContent()).to.contain('Mulai Senin kami membuka loket kedua');
    expect(await citizen.getByTestId('moderation').textContent()).to.contain('Sudah ditayangkan');
    if (shots) await citizen.screenshot({ path: `${shots}/feedback-follow-phone.png`, fullPage: true });
    await Promise.all([phone.close(), modCtx.close(), staffCtx.close()]);
  });
});
