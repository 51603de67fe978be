/**
 * A trainer reads a course's four-level evaluation in a real browser, on the demo data: from the
 * dashboard to the course, then the course's "Evaluasi pelatihan" link; the page shows the
 * reaction averages and comments (no names: the survey is anonymous), the pre/post chart and its
 * table, the supervisor's behaviour rating and the SKP comparison labelled as an association.
 * Screenshots go to /tmp/bina-evaluation-*.png (id, en, phone width 393 px).
 */
import { expect } from 'chai';
import { seedDemo } from '../support/harness';
import { openLoggedIn, withBrowserEnv } from '../support/browser';

const DEMO_PASSWORD = 'BinaDemo2026!';
const TRAINER = '198111032006042001';
const chartDrawn = (id: string) => `Boolean(window.Chart && window.Chart.getChart(document.getElementById(${JSON.stringify(id)})))`;

describe('training evaluation in a real browser', function () {
  this.timeout(300_000);
  const suite = withBrowserEnv();
  let courseId: string;

  before(async () => {
    const demo = await seedDemo(suite.env.kernel);
    courseId = /\/evaluation-training\/courses\/([a-f0-9]{24})/.exec(demo.links.map((l) => l.url).join(' '))![1]!;
  });

  async function open(opts: { locale?: string; width?: number } = {}) {
    const { context, page, errors } = await openLoggedIn(suite.browser, suite.env.url, { username: TRAINER, password: DEMO_PASSWORD }, { ...opts, ignoreFavicon: true });
    return { page, errors, close: () => context.close() };
  }

  it('reaches the evaluation from the course page and reads the four levels', async () => {
    const { page, errors, close } = await open();
    await page.goto(`${suite.env.url}/`);
    await Promise.all([page.waitForURL(`**/courses/${courseId}`), page.locator(`a[href="/courses/${courseId}"]`).first().click()]);
    await Promise.all([page.waitForURL(`**/evaluation-training/courses/${courseId}`), page.getByRole('link', { name: 'Evaluasi pelatihan' }).click()]);
    expect(await page.locator('h1').textContent()).to.equal('Evaluasi pelatihan empat level');

    const l1 = page.getByTestId('level-1');
    expect(await l1.locator('tr[data-item="relevance"] [data-testid=mean]').textContent()).to.match(/^4[,.]5$/);
    expect(await l1.getByTestId('comments').textContent()).to.contain('Contoh kasus pelayanan di Mamuju');
    for (const name of ['Muhammad Rizal', 'Siti Nurhaliza']) expect(await l1.textContent()).not.to.contain(name);

    const l2 = page.getByTestId('level-2');
    await page.waitForFunction(chartDrawn('gain-chart'));
    const rows = await l2.getByTestId('gain-table').locator('tbody tr').allTextContents();
    expect(rows).to.have.length(3);
    expect(rows.find((r) => r.includes('Muhammad Rizal'))).to.match(/40.*100.*1/);

    const l3 = page.getByTestId('level-3');
    expect(await l3.getByTestId('behaviour-table').textContent()).to.contain('Pelayanan Publik');
    expect(await l3.getByTestId('tasks').textContent()).to.contain('Muhammad Rizal').and.to.contain('Siti Nurhaliza');

    const l4 = page.getByTestId('level-4');
    expect(await l4.getByTestId('association').textContent()).to.contain('asosiasi, bukan bukti');
    expect(await l4.locator('tr[data-group="trained"] td').first().textContent()).to.equal('3');
    expect(await l4.getByTestId('difference').textContent()).not.to.contain('—');
    await page.screenshot({ path: '/tmp/bina-evaluation-id.png', fullPage: true });
    expect(errors).to.deep.equal([]);
    await close();
  });

  it('reads in English and at phone width', async () => {
    const en = await open({ locale: 'en-US' });
    await en.page.goto(`${suite.env.url}/evaluation-training/courses/${courseId}?lang=en`);
    expect(await en.page.locator('h1').textContent()).to.equal('Four-level training evaluation');
    expect(await en.page.getByTestId('association').textContent()).to.contain('association, not proof');
    await en.page.waitForFunction(chartDrawn('gain-chart'));
    await en.page.screenshot({ path: '/tmp/bina-evaluation-en.png', fullPage: true });
    expect(en.errors).to.deep.equal([]);
    await en.close();

    const phone = await open({ width: 393 });
    await phone.page.goto(`${suite.env.url}/evaluation-training/courses/${courseId}`);
    await phone.page.waitForFunction(chartDrawn('gain-chart'));
    const overflow = await phone.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
    expect(overflow, 'no sideways scrolling of the page').to.be.at.most(0);
    await phone.page.screenshot({ path: '/tmp/bina-evaluation-phone.png', fullPage: true });
    expect(phone.errors).to.deep.equal([]);
    await phone.close();
  });
});
