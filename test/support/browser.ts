/**
 * Real-browser support: launches Debian's chromium (installed by scripts/install-system-deps)
 * headless through playwright-core, with a fresh temporary profile per launch (playwright-core
 * creates and removes it). A missing browser is a failure with a hint, never a skipped test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestEnv, TEST_PASSWORD, type TestEnv } from './harness';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless chromium; throws (so the test fails) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-system-deps (as root) to install it`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Logs in through the HTML login form, starting from `/` (which must redirect to /login). */
export async function loginThroughForm(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  if (!new URL(page.url()).pathname.startsWith('/login')) throw new Error(`expected a redirect to /login, got ${page.url()}`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
}

/**
 * A new context logged in as `user` (the test password unless `user.password` says otherwise, e.g.
 * a demo login), with the page's script errors and console errors collected
 * (a refused form is re-rendered with status 400 on purpose; the browser logs that as a failed load).
 */
/**
 * On a phone (below 768 px) the navigation's links fold behind its "Menu" button: opens it, as a
 * person taps it, before a test clicks a link of the bar. Does nothing where the button is hidden
 * (a laptop) or already open, or when no one is signed in (no button).
 */
export async function openNavMenu(page: Page): Promise<void> {
  const toggle = page.getByTestId('nav-toggle');
  if ((await toggle.count()) === 0 || !(await toggle.isVisible())) return;
  if ((await toggle.getAttribute('open')) === null) await toggle.locator('summary').click();
}

/** Opens the navigation's "Kelola" menu (people, audit, backups, …), as a person clicks it (on a phone, "Menu" first). */
export async function openManageMenu(page: Page): Promise<void> {
  await openNavMenu(page);
  const menu = page.getByTestId('nav-manage');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
}

export async function openLoggedIn(
  browser: Browser, url: string, user: { username: string; password?: string },
  opts: { locale?: string; width?: number; acceptDownloads?: boolean; ignoreFavicon?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: opts.locale ?? 'id-ID', viewport: { width: opts.width ?? 1280, height: 900 }, ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error' || m.text().includes('status of 400')) return;
    if (opts.ignoreFavicon && m.location().url.endsWith('/favicon.ico')) return;
    errors.push(`console: ${m.text()} (page ${page.url()})`);
  });
  await loginThroughForm(page, url, user.username, user.password ?? TEST_PASSWORD);
  return { context, page, errors };
}

/** The exam-session cookies the server set in this browser, as a Cookie header (to read what that device sees over the API). */
export async function examSessionCookies(context: BrowserContext): Promise<Record<string, string>> {
  const cookie = (await context.cookies()).filter((c) => c.name.startsWith('bina_exam_')).map((c) => `${c.name}=${c.value}`).join('; ');
  return cookie ? { cookie } : {};
}

/**
 * A real browser and a full kernel (web and workers) for one `describe` block: registers the
 * `before`/`after` hooks (call it first in the block, so its `before` runs before the block's own)
 * and hands both out once they exist. Chromium is launched first: a missing one fails at once with
 * the install hint.
 */
export function withBrowserEnv(opts: Parameters<typeof startTestEnv>[0] = {}): { readonly env: TestEnv; readonly browser: Browser } {
  let env: TestEnv | undefined;
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
    env = await startTestEnv({ role: 'all', ...opts });
  });
  after(async () => {
    await browser?.close();
    await env?.stop();
  });
  return {
    get env() {
      if (!env) throw new Error('the test env is not started yet (use it inside hooks and tests)');
      return env;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched yet (use it inside hooks and tests)');
      return browser;
    },
  };
}
