/**
 * Real-browser support: launches Debian's chromium (installed by scripts/install-system-deps)
 * headless through playwright-core, with a fresh temporary profile per launch (playwright-core
 * creates and removes it). A missing browser is a failure with a hint, never a skipped test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

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
