/**
 * An external provider's organiser edits their workshop in a real browser: from Events → Kelola →
 * Ubah acara, the page says what a change means for the people registered; a mistake comes back
 * with its reason beside the field and what was typed; a lowered capacity keeps everyone seated
 * and the manage page says so; the new place shows on the participant's event page.
 */
import { expect } from 'chai';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openNavMenu } from '../support/browser';

describe('editing an event in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv({ only: ['activity-event', 'certificate-openbadges', 'certificate-pdf', 'notify-inbox'] });
  let organiser: TestUser;
  let people: TestUser[];
  let eventId: string;

  before(async () => {
    const admin = await createUser(suite.env, 'admin');
    organiser = await createUser(suite.env, 'learner', 'Dr. Rina Tadulako');
    people = await Promise.all(['Siti Nurhaliza', 'Budi Santoso'].map((n) => createUser(suite.env, 'learner', n)));
    const provider = (await admin.api.post('/api/v1/activity-event/providers', { name: 'Universitas Tadulako', kind: 'external', staffIds: [organiser.id] })).body.provider;
    const start = Date.now() + 3 * 86_400_000;
    const e = await organiser.api.post('/api/v1/activity-event/events', {
      providerId: provider.id, title: 'Workshop Standar Pelayanan', kind: 'workshop', jp: 6, capacity: 20,
      sessions: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3 * 3600_000).toISOString(), place: 'Aula BKPSDM' }],
    });
    expect(e.status, JSON.stringify(e.body)).to.equal(201);
    eventId = e.body.event.id;
    for (const p of people) expect((await p.api.post(`/api/v1/activity-event/events/${eventId}/register`)).body.state).to.equal('registered');
  });

  it('lets the organiser change the event, saying what it does for those registered', async () => {
    const page = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await loginThroughForm(page, suite.env.url, organiser.username, TEST_PASSWORD);
    await openNavMenu(page);
    await page.locator('nav a[href="/activity-event/"]').first().click();
    await page.waitForURL((u) => u.pathname === '/activity-event/');
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/manage')), page.getByTestId('organised').getByRole('link', { name: 'Kelola' }).click()]);
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/edit')), page.getByTestId('edit-event').click()]);
    const effects = await page.getByTestId('edit-effects').textContent();
    expect(effects).to.contain('Terdaftar: 2 · daftar tunggu: 0');
    expect(effects).to.contain('tidak ada peserta terdaftar yang dikeluarkan');
    expect(await page.getByLabel('Judul').inputValue()).to.equal('Workshop Standar Pelayanan');

    // A mistake: the form comes back with the reason beside the field and what was typed.
    await page.getByLabel('Judul').fill('W');
    await page.getByLabel('Kapasitas').fill('1');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/events/${eventId}/edit`) && r.request().method() === 'POST'), page.getByRole('button', { name: 'Simpan perubahan' }).click()]);
    await page.waitForLoadState('load');
    expect(await page.locator('#title + .invalid-feedback').textContent()).to.contain('Judul 3 sampai 200 karakter');
    expect(await page.getByLabel('Kapasitas').inputValue()).to.equal('1');

    await page.getByLabel('Judul').fill('Workshop Standar Pelayanan Publik');
    await page.locator('#place-1').fill('Ruang Rapat Bupati');
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/manage')), page.getByRole('button', { name: 'Simpan perubahan' }).click()]);
    const saved = await page.getByTestId('edit-saved').textContent();
    expect(saved).to.contain('Perubahan acara disimpan');
    expect(saved).to.contain('1 peserta terdaftar melebihi kapasitas baru dan tetap terdaftar');
    const table = await page.getByTestId('participants').textContent();
    for (const n of ['Siti Nurhaliza', 'Budi Santoso']) expect(table).to.contain(n);
    expect(await page.locator('main').textContent()).to.contain('2 dari 1 kursi terisi');

    const participant = await (await suite.browser.newContext({ viewport: { width: 393, height: 851 } })).newPage();
    await loginThroughForm(participant, suite.env.url, people[0]!.username, TEST_PASSWORD);
    await participant.goto(`${suite.env.url}/activity-event/events/${eventId}`);
    const main = await participant.locator('main').textContent();
    expect(main).to.contain('Workshop Standar Pelayanan Publik');
    expect(main).to.contain('Ruang Rapat Bupati');
    expect(await participant.getByTestId('my-state').textContent()).to.equal('Terdaftar');
  });
});
