/**
 * An event's reaction survey in a real browser: a participant whose attendance was marked finds
 * the survey on the event's page (phone width) and answers it; the organiser opens the results
 * from the event's page, reads the averages and comments with no names, and changes the survey's
 * statements (a refused list comes back as typed, with the reason beside the field).
 * Screenshots go to /tmp/bina-event-survey-*.png (participant phone, organiser id/en, statements).
 */
import { expect } from 'chai';
import { createUser, type TestUser } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';

const PLUGINS = ['evaluation-training', 'question-likert', 'activity-event', 'certificate-openbadges', 'certificate-pdf', 'notify-inbox'];

describe('an event\'s reaction survey in a real browser', function () {
  this.timeout(300_000);
  const suite = withBrowserEnv({ only: PLUGINS });
  let organiser: TestUser;
  let eventId: string;
  const people: TestUser[] = [];

  before(async () => {
    const env = suite.env;
    const admin = await createUser(env, 'admin', 'Admin Acara');
    organiser = await createUser(env, 'learner', 'Nurul Penyelenggara');
    const provider = await admin.api.post('/api/v1/activity-event/providers', { name: 'BKPSDM Mamuju', kind: 'external', staffIds: [organiser.id] });
    const start = Date.now() + 3600_000;
    const created = await organiser.api.post('/api/v1/activity-event/events', {
      providerId: provider.body.provider.id, title: 'Sosialisasi Standar Pelayanan', kind: 'sosialisasi', jp: 2, capacity: 20, published: true,
      sessions: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 7200_000).toISOString(), place: 'Aula Kantor Bupati Mamuju' }],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    eventId = created.body.event.id;
    for (const name of ['Rahmat Peserta', 'Sri Peserta']) {
      const p = await createUser(env, 'learner', name);
      await p.api.post(`/api/v1/activity-event/events/${eventId}/register`);
      expect((await organiser.api.post(`/api/v1/activity-event/events/${eventId}/sessions/s1/attendance`, { userId: p.id, present: true })).status).to.equal(200);
      people.push(p);
    }
  });

  it('a participant answers the survey from the event page on a phone', async () => {
    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, { username: people[0]!.username }, { width: 393, ignoreFavicon: true });
    await page.goto(`${suite.env.url}/activity-event/`);
    await Promise.all([page.waitForURL(`**/activity-event/events/${eventId}`), page.locator(`a[href="/activity-event/events/${eventId}"]`).first().click()]);
    await Promise.all([page.waitForURL(`**/evaluation-training/events/${eventId}/reaction`), page.getByRole('link', { name: 'Isi survei reaksi acara ini' }).click()]);
    expect(await page.getByTestId('privacy').textContent()).to.contain('anonim');
    // With one statement unanswered the browser itself stops the form at it (the radios are required; the
    // server's own refusal, with the choices kept, is in plugins/evaluation-training/test/events-and-mentors.test.ts).
    for (let i = 1; i <= 5; i++) await page.locator(`label[for="q_s${i}_4"]`).click();
    await page.locator('#comment').fill('Contoh dari loket Disdukcapil sangat membantu.');
    await page.getByRole('button', { name: 'Kirim jawaban' }).click();
    expect(await page.locator('#q_s6_1').evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).to.equal(true);
    expect(new URL(page.url()).pathname).to.equal(`/evaluation-training/events/${eventId}/reaction`);
    await page.locator('label[for="q_s6_5"]').click();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
    expect(overflow, 'no sideways scrolling').to.be.at.most(0);
    await page.screenshot({ path: '/tmp/bina-event-survey-phone.png', fullPage: true });
    await Promise.all([page.waitForURL('**/reaction?sent=1'), page.getByRole('button', { name: 'Kirim jawaban' }).click()]);
    expect(await page.getByTestId('thanks').isVisible()).to.equal(true);
    expect(errors).to.deep.equal([]);
    await context.close();
    // The second participant answers over the API, so the cohort reaches the threshold.
    const form = await people[1]!.api.get(`/api/v1/evaluation-training/events/${eventId}/reaction`);
    const answers = Object.fromEntries((form.body.items as Array<{ key: string }>).map((i) => [i.key, '3']));
    expect((await people[1]!.api.post(`/api/v1/evaluation-training/events/${eventId}/reaction`, { answers, comment: 'Waktunya terlalu singkat.' })).status).to.equal(201);
  });

  it('the organiser reads the results and changes the statements', async () => {
    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, { username: organiser.username }, { ignoreFavicon: true });
    await page.goto(`${suite.env.url}/activity-event/events/${eventId}`);
    await Promise.all([page.waitForURL(`**/evaluation-training/events/${eventId}`), page.getByRole('link', { name: 'Hasil survei reaksi' }).click()]);
    const results = page.getByTestId('level-1');
    expect(await results.locator('tr[data-item="relevance"] [data-testid=mean]').textContent()).to.match(/^3[,.]5$/);
    const comments = await results.getByTestId('comments').textContent();
    expect(comments).to.contain('Contoh dari loket Disdukcapil').and.to.contain('Waktunya terlalu singkat.');
    for (const name of ['Rahmat', 'Sri Peserta']) expect(await results.textContent()).not.to.contain(name);
    await page.screenshot({ path: '/tmp/bina-event-survey-id.png', fullPage: true });

    await Promise.all([page.waitForURL(`**/evaluation-training/events/${eventId}/items`), page.getByTestId('edit-items').click()]);
    await page.locator('#item_2').fill('Oke');
    await page.locator('#item_7').fill('Jadwal sosialisasi sesuai dengan jam kerja saya.');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Simpan pernyataan' }).click()]);
    expect(await page.locator('#item_2_error').textContent()).to.contain('5 sampai 300');
    expect(await page.locator('#item_2').inputValue()).to.equal('Oke');
    expect(await page.locator('#item_7').inputValue()).to.equal('Jadwal sosialisasi sesuai dengan jam kerja saya.');
    await page.screenshot({ path: '/tmp/bina-event-survey-items.png', fullPage: true });
    await page.locator('#item_2').fill('Narasumber menjelaskan dengan bahasa yang mudah dipahami.');
    await Promise.all([page.waitForURL('**/items?saved=1'), page.getByRole('button', { name: 'Simpan pernyataan' }).click()]);
    expect(await page.getByTestId('items-saved').isVisible()).to.equal(true);
    expect(await page.getByTestId('items-answered').textContent()).to.contain('2 jawaban');

    await page.goto(`${suite.env.url}/evaluation-training/events/${eventId}?lang=en`);
    expect(await page.locator('h1').textContent()).to.equal('Participants\' reaction survey');
    expect(await page.getByTestId('level-1').textContent()).to.contain('no longer asked');
    await page.screenshot({ path: '/tmp/bina-event-survey-en.png', fullPage: true });
    expect(errors).to.deep.equal([]);
    await context.close();

    // On a phone the organiser's tools on the event page stay reachable.
    const phone = await openLoggedIn(suite.browser, suite.env.url, { username: organiser.username }, { width: 393, ignoreFavicon: true });
    await phone.page.goto(`${suite.env.url}/activity-event/events/${eventId}/manage`);
    expect(await phone.page.getByRole('link', { name: 'Hasil survei reaksi' }).isVisible()).to.equal(true);
    await phone.page.screenshot({ path: '/tmp/bina-event-survey-manage-phone.png', fullPage: true });
    expect(phone.errors).to.deep.equal([]);
    await phone.context.close();
  });
});
