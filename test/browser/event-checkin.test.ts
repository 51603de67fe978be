/**
 * An event in a real browser: a participant finds a workshop under Events and registers; the
 * organiser (staff of an external provider) opens the session's QR screen; the code is read from
 * a screenshot of that screen (jsQR) and opened on the participant's "phone" while logged in; the
 * check-in is recorded, the event's JP appear on the dashboard and the certificate of attendance
 * under My certificates.
 */
import { expect } from 'chai';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { createUser, TEST_PASSWORD, waitFor, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openNavMenu } from '../support/browser';

describe('event registration and QR check-in in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let organiser: TestUser;
  let participant: TestUser;
  let eventId: string;

  before(async () => {
    const admin = await createUser(suite.env, 'admin');
    organiser = await createUser(suite.env, 'learner', 'Dr. Rina Tadulako');
    participant = await createUser(suite.env, 'learner', 'Siti Nurhaliza');
    const provider = (await admin.api.post('/api/v1/activity-event/providers', { name: 'Universitas Tadulako', kind: 'external', staffIds: [organiser.id] })).body.provider;
    const start = Date.now() - 10 * 60_000;
    const e = await organiser.api.post('/api/v1/activity-event/events', {
      providerId: provider.id, title: 'Workshop Standar Pelayanan', kind: 'workshop', jp: 6, capacity: 20,
      sessions: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3 * 3600_000).toISOString(), place: 'Aula BKPSDM' }],
    });
    expect(e.status, JSON.stringify(e.body)).to.equal(201);
    eventId = e.body.event.id;
  });

  it('lets a participant register, check in by scanning the organiser’s code, and get the JP and a certificate', async () => {
    const phone = await (await suite.browser.newContext({ viewport: { width: 393, height: 851 } })).newPage();
    await loginThroughForm(phone, suite.env.url, participant.username, TEST_PASSWORD);
    await openNavMenu(phone);
    await phone.locator('nav a[href="/activity-event/"]').first().click();
    await phone.waitForURL((u) => u.pathname === '/activity-event/');
    await Promise.all([phone.waitForURL((u) => u.pathname === `/activity-event/events/${eventId}`), phone.getByRole('link', { name: 'Workshop Standar Pelayanan' }).click()]);
    await Promise.all([phone.waitForLoadState('load'), phone.getByRole('button', { name: 'Daftar' }).click()]);
    expect(await phone.getByTestId('my-state').textContent()).to.equal('Terdaftar');

    const screen = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await loginThroughForm(screen, suite.env.url, organiser.username, TEST_PASSWORD);
    await screen.goto(`${suite.env.url}/activity-event/`);
    await Promise.all([screen.waitForURL((u) => u.pathname.endsWith('/manage')), screen.getByTestId('organised').getByRole('link', { name: 'Kelola' }).click()]);
    expect(await screen.getByTestId('participants').textContent()).to.contain('Siti Nurhaliza');
    await Promise.all([screen.waitForURL((u) => u.pathname.endsWith('/qr')), screen.getByTestId('qr-link-s1').click()]);
    const png = PNG.sync.read(await screen.getByTestId('qr').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded, 'a QR code on the organiser’s screen').to.not.equal(null);
    const url = new URL(decoded!.data);
    expect(url.pathname).to.equal(`/activity-event/checkin/${eventId}/s1`);

    await phone.goto(`${suite.env.url}${url.pathname}${url.search}`);
    expect(await phone.getByTestId('checkin-ok').textContent()).to.contain('Kehadiran Anda tercatat');
    expect(await phone.getByTestId('credited').textContent()).to.contain('6 JP');
    // The same code again is refused as replayed, with a clear message.
    await phone.goto(`${suite.env.url}${url.pathname}${url.search}`);
    expect(await phone.getByTestId('checkin-error').textContent()).to.contain('sudah pernah dipakai');

    await phone.goto(`${suite.env.url}/`);
    expect(await phone.getByTestId('jp-summary').textContent()).to.match(/^6 /);
    await waitFor(async () => {
      await phone.goto(`${suite.env.url}/certificate-openbadges/me`);
      return (await phone.locator('main').textContent())?.includes('Sertifikat Kehadiran: Workshop Standar Pelayanan');
    }, 'the certificate of attendance on My certificates', 60_000, 500);
  });
});
