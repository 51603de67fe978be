/**
 * A citizen fills a service unit's satisfaction survey on a phone, without an account, from the
 * public hub, and lands on the unit's IKM report with a thank-you; the page fits the phone's width.
 */
import { expect } from 'chai';
import { ManualClock, createUser, uniqueName } from '../support/harness';
import { withBrowserEnv } from '../support/browser';

describe('SKM survey in a browser', function () {
  this.timeout(180_000);
  const clock = new ManualClock();
  const suite = withBrowserEnv({ only: ['question-likert', 'survey-skm'], clock, env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'survey-skm': { minRespondents: 1 } }) } });
  const shots = process.env.BINA_SCREENSHOTS_DIR;

  it('a citizen fills the survey on a phone viewport', async () => {
    const env = suite.env;
    const admin = await createUser(env, 'admin');
    const slug = uniqueName('samsat').toLowerCase().replace(/_/g, '-');
    await admin.api.request('POST', '/survey-skm/admin/units', { name: 'Loket Samsat Mamuju', slug, coreUnitId: '', serviceStandardDays: '5' }, { accept: 'text/html' });

    for (const locale of ['id', 'en'] as const) {
      const phone = await suite.browser.newContext({ viewport: { width: 393, height: 851 }, isMobile: true, hasTouch: true, locale: locale === 'id' ? 'id-ID' : 'en-GB' });
      const page = await phone.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
      await page.goto(`${env.url}/survey-skm/?lang=${locale}`);
      await page.locator(`[data-unit="${slug}"]`).getByRole('link', { name: locale === 'id' ? 'Isi survei kepuasan' : 'Take the satisfaction survey' }).click();
      // A light page: no script beyond the layout's own for the public form.
      expect(scripts.filter((s) => /chart/.test(s))).to.deep.equal([]);
      const overflow = () => page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(await overflow()).to.equal(0);
      const picks = [4, 3, 3, 4, 3, 4, 4, 3, 3];
      // In Indonesian the citizen misses the last question at first.
      const answered = locale === 'id' ? picks.slice(0, 8) : picks;
      for (const [i, v] of answered.entries()) await page.locator(`[data-element="u${i + 1}"] input[value="${v}"]`).check();
      await page.getByLabel(locale === 'id' ? 'Pekerjaan' : 'Occupation').selectOption('wirausaha');
      if (shots) await page.screenshot({ path: `${shots}/skm-survey-phone-${locale}.png`, fullPage: true });
      clock.advance(30_000); // answering nine questions takes a person a while
      await page.getByRole('button', { name: locale === 'id' ? 'Kirim jawaban' : 'Send my answers' }).click();
      if (locale === 'id') {
        // The summary at the top links to the question; fixed and sent at once, without the
        // minimum fill time starting again (the form keeps the time it was first served).
        const summary = page.getByTestId('error-summary');
        await summary.waitFor();
        expect(await summary.innerText()).to.contain('Periksa lagi isian berikut').and.not.contain('terlalu cepat');
        await summary.getByRole('link', { name: /^Pertanyaan 9 \(/ }).click();
        expect(new URL(page.url()).hash).to.equal('#u9-1');
        if (shots) await page.screenshot({ path: `${shots}/skm-survey-missing-phone.png` });
        await page.locator('[data-element="u9"] input[value="3"]').check();
        await page.getByRole('button', { name: 'Kirim jawaban' }).click();
      }
      await page.getByTestId('thanks').waitFor();
      expect(await overflow()).to.equal(0);
      if (shots) await page.screenshot({ path: `${shots}/skm-report-phone-${locale}.png`, fullPage: true });
      await phone.close();
    }
    const report = await fetch(`${env.url}/survey-skm/u/${slug}/report`, { headers: { accept: 'text/html' } });
    // Two respondents with [4,3,3,4,3,4,4,3,3]: Σ averages 31 → 31/9 × 25 = 86.11 B.
    expect(await report.text()).to.match(/data-testid="ikm">86,11</);
  });
});
