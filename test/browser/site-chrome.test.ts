/**
 * What every page shares, in a real browser (issue 9, items 9 and 10): the navigation bar's user
 * name and the keyboard focus ring meet WCAG 2.1 AA contrast (4.5:1 for text, 3:1 for the ring
 * against the page behind it), Bull Board, which is not one of our pages, leads back to Bina, and
 * the public certificate check is no dead end when a code finds nothing.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, TEST_PASSWORD, type TestUser } from '../support/harness';
import { loginThroughForm, openManageMenu, withBrowserEnv } from '../support/browser';

/** The browser's getComputedStyle, typed here (the tests compile without the DOM library). */
type Styles = { getComputedStyle(el: unknown): { color: string; backgroundColor: string; outlineColor: string; outlineStyle: string } };
type Node = { parentElement: Node | null; matches(selector: string): boolean };

/** WCAG 2.1 contrast ratio of two CSS colours as the browser computes them (`rgb(…)` / `rgba(…)`), the first blended over the second. */
function contrast(fg: string, bg: string): number {
  const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const [br = 255, bgG = 255, bb = 255] = parse(bg);
  const [fr = 0, fgG = 0, fb = 0, fa = 1] = parse(fg);
  const blend = [fr * fa + br * (1 - fa), fgG * fa + bgG * (1 - fa), fb * fa + bb * (1 - fa)];
  const lum = (rgb: number[]) => {
    const [r = 0, g = 0, b = 0] = rgb.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(blend), lum([br, bgG, bb])];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The first opaque background colour at or above `selector`. */
async function backgroundOf(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((start) => {
    for (let el = start as unknown as Node | null; el; el = el.parentElement) {
      const c = (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  });
}

describe('site chrome in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();
  let admin: TestUser;
  let page: Page;

  before(async () => {
    admin = await createUser(suite.env, 'admin', 'Admin Kontras');
    page = await (await suite.browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    await loginThroughForm(page, suite.env.url, admin.username, TEST_PASSWORD);
  });

  it('shows the user name on the navigation bar at 4.5:1 or more', async () => {
    await page.goto(`${suite.env.url}/`);
    const name = page.getByTestId('user-name');
    const color = await name.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).color);
    const ratio = contrast(color, await backgroundOf(page, '[data-testid="user-name"]'));
    expect(ratio, `user name ${color}`).to.be.at.least(4.5);
  });

  it('draws the focus ring at 3:1 or more on white and on the navigation bar', async () => {
    await page.goto(`${suite.env.url}/`);
    // A link in the page body, on white: focus it from the keyboard so :focus-visible applies.
    const footerLink = page.locator('footer a[href="/verify"]');
    await footerLink.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const onWhite = await footerLink.evaluate((el) => {
      const style = (globalThis as unknown as Styles).getComputedStyle(el);
      return { color: style.outlineColor, style: style.outlineStyle, focused: (el as unknown as Node).matches(':focus-visible') };
    });
    expect(onWhite.focused).to.equal(true);
    expect(onWhite.style).to.equal('solid');
    expect(contrast(onWhite.color, await backgroundOf(page, 'footer a[href="/verify"]')), `focus ring ${onWhite.color} on white`).to.be.at.least(3);

    const navLink = page.locator('.bina-navbar a.navbar-brand');
    await navLink.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    const onNav = await navLink.evaluate((el) => ({ color: (globalThis as unknown as Styles).getComputedStyle(el).outlineColor, focused: (el as unknown as Node).matches(':focus-visible') }));
    expect(onNav.focused).to.equal(true);
    expect(contrast(onNav.color, await backgroundOf(page, '.bina-navbar')), `focus ring ${onNav.color} on the navigation bar`).to.be.at.least(3);
  });

  it('shows the code that found no certificate and a field to try another, on a phone', async () => {
    const context = await suite.browser.newContext({ locale: 'id-ID', viewport: { width: 393, height: 800 }, isMobile: true });
    try {
      const phone = await context.newPage();
      const res = await phone.goto(`${suite.env.url}/verify/aaaabbbbccccddddeeeeffffgg`);
      expect(res?.status()).to.equal(404);
      expect(await phone.getByTestId('verify-status').innerText()).to.include('Sertifikat tidak ditemukan');
      expect(await phone.getByTestId('verify-tried').innerText()).to.equal('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG');
      const field = phone.getByLabel('Periksa kode lain');
      expect(await field.inputValue()).to.equal('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG');
      await phone.screenshot({ path: '/tmp/pages-verify-not-found-phone.png', fullPage: true });
      expect(await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number }).document.documentElement.scrollWidth <= (globalThis as unknown as { innerWidth: number }).innerWidth)).to.equal(true);
      await field.fill('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-G2');
      await Promise.all([phone.waitForURL('**/verify/aaaabbbbccccddddeeeeffffg2'), phone.getByRole('button', { name: 'Periksa', exact: true }).click()]);
      expect(await phone.getByTestId('verify-tried').innerText()).to.equal('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-G2');
    } finally {
      await context.close();
    }
  });

  it('leads from Bull Board back to Bina', async () => {
    await page.goto(`${suite.env.url}/`);
    await openManageMenu(page);
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/admin/queues')), page.locator('.bina-navbar a[href="/admin/queues"]').click()]);
    // The board's own UI has loaded (its header names Bina) and the way back is a visible link.
    await page.locator('header', { hasText: 'Bina · Antrean tugas' }).waitFor();
    const back = page.getByTestId('back-to-bina');
    expect(await back.textContent()).to.include('Kembali ke Bina');
    await page.screenshot({ path: '/tmp/pages-bull-board.png' });
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), back.click()]);
    expect(await page.getByTestId('user-name').textContent()).to.equal('Admin Kontras');
  });
});
