/**
 * Mentoring in a real browser: a mentee starts mentoring with their direct supervisor from the
 * navigation, ticking a competency gap from their profile as a goal, logs a session; the mentor finds it waiting on their mentoring home and signs it off;
 * the session's JP appears on the pair page and in the mentee's yearly JP on the dashboard. The
 * mentor links another gap to the goals, and the mentee sees both with their levels.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, withBrowserEnv, openNavMenu } from '../support/browser';

describe('mentoring in a real browser', function () {
  this.timeout(180_000);
  const suite = withBrowserEnv();
  let mentor: TestUser;
  let mentee: TestUser;

  before(async () => {
    mentor = await createUser(suite.env, 'mentor', 'Andi Mappanyukki');
    mentee = await createUser(suite.env, 'learner', 'Muhammad Rizal');
    const admin = await createUser(suite.env, 'admin');
    const put = await admin.api.request('PUT', '/api/v1/competency/positions/ANALIS-SDM-UJI', { name: 'Analis SDM Uji', standard: [{ competency: 'MNJ-KOM', required: 3 }, { competency: 'MNJ-PP', required: 2 }] });
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    await suite.env.kernel.identity.models.User.updateOne({ _id: mentee.id }, { $set: { supervisorId: new Types.ObjectId(mentor.id), positionName: 'Analis SDM Uji' } });
  });

  it('lets a mentee log a session and the mentor sign it off, and the JP appears', async () => {
    const menteePage = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(menteePage, suite.env.url, mentee.username, TEST_PASSWORD);
    const jpBefore = await menteePage.getByTestId('jp-summary').textContent();
    expect(jpBefore).to.match(/^0 /);
    await openNavMenu(menteePage);
    await menteePage.locator('nav a[href="/activity-mentoring/"]').first().click();
    await menteePage.waitForURL((u) => u.pathname === '/activity-mentoring/');
    expect(await menteePage.locator('main').textContent()).to.contain('Andi Mappanyukki');
    await menteePage.locator('#gap-MNJ-KOM').check();
    await menteePage.locator('#goals').fill('Menyusun standar pelayanan');
    await Promise.all([menteePage.waitForURL((u) => u.pathname.startsWith('/activity-mentoring/pairs/')), menteePage.getByRole('button', { name: 'Mulai mentoring' }).click()]);
    expect(await menteePage.getByTestId('pair-mentor').textContent()).to.contain('Andi Mappanyukki');
    expect(await menteePage.getByTestId('pair-goals').locator('[data-competency]').allTextContents()).to.deep.equal(['MNJ-KOM']);
    // The period reads as days in Indonesian ("8 Des 2026 s.d. …"), not as ISO dates.
    expect(await menteePage.getByTestId('pair-period').textContent()).to.match(/^\d{1,2} \w{3} \d{4} s\.d\. \d{1,2} \w{3} \d{4}/);

    await menteePage.locator('#minutes').fill('90');
    await menteePage.locator('#topic').fill('Memetakan alur layanan');
    await menteePage.locator('#notes').fill('Saya belajar membaca alur dari sisi warga.');
    await Promise.all([menteePage.waitForLoadState('load'), menteePage.getByRole('button', { name: 'Catat sesi' }).click()]);
    const logged = menteePage.locator('[data-session]');
    await logged.first().waitFor();
    expect(await logged.first().getAttribute('data-state')).to.equal('pending');
    expect(await logged.first().getByTestId('confirm').count(), 'the logger cannot confirm').to.equal(0);

    const mentorPage = await (await suite.browser.newContext()).newPage();
    await loginThroughForm(mentorPage, suite.env.url, mentor.username, TEST_PASSWORD);
    await mentorPage.goto(`${suite.env.url}/activity-mentoring/`);
    const waiting = mentorPage.getByTestId('waiting');
    expect(await waiting.textContent()).to.contain('Memetakan alur layanan');
    expect(await mentorPage.getByTestId('my-mentees').textContent()).to.contain('Muhammad Rizal');
    await Promise.all([mentorPage.waitForURL((u) => u.pathname.startsWith('/activity-mentoring/pairs/')), waiting.getByRole('link', { name: 'Tinjau' }).click()]);
    await mentorPage.locator('textarea[name=notes]').first().fill('Rizal memetakan lima layanan.');
    await Promise.all([mentorPage.waitForLoadState('load'), mentorPage.getByTestId('confirm').first().click()]);
    await mentorPage.locator('[data-session][data-state="signed"]').waitFor();
    expect(await mentorPage.getByTestId('session-jp').first().textContent()).to.equal('2 JP');

    await menteePage.reload();
    expect(await menteePage.getByTestId('pair-jp').textContent()).to.contain('2 JP');
    await menteePage.goto(`${suite.env.url}/`);
    expect(await menteePage.getByTestId('jp-summary').textContent()).to.match(/^2 /);

    // The mentor links a second gap to the goals; the mentee sees both, with their levels.
    await mentorPage.locator('#goals summary').click();
    await mentorPage.locator('#gap-MNJ-PP').check();
    await Promise.all([mentorPage.waitForURL((u) => u.search.includes('goals=saved')), mentorPage.getByRole('button', { name: 'Simpan tujuan' }).click()]);
    expect(await mentorPage.getByTestId('pair-goals').locator('[data-competency]').allTextContents()).to.deep.equal(['MNJ-KOM', 'MNJ-PP']);
    await menteePage.goto(`${suite.env.url}/activity-mentoring/`);
    const goals = await menteePage.getByTestId('my-goals').textContent();
    expect(goals).to.contain('MNJ-PP').and.contain('level 0 dari 2 yang dipersyaratkan').and.contain('Menyusun standar pelayanan');
  });
});
