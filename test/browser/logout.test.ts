/**
 * Logging out through the navigation bar's button (issue 9, item 1): the server used to answer,
 * then redirect again from the session store's callback; Node threw ERR_HTTP_HEADERS_SENT outside
 * any handler and the process died, taking every learner in an exam with it. Now the learner lands
 * on the login page, the session is gone, and the same server keeps answering.
 */
import { expect } from 'chai';
import { createUser, TEST_PASSWORD } from '../support/harness';
import { loginThroughForm, withBrowserEnv } from '../support/browser';

describe('logging out in a real browser', function () {
  this.timeout(120_000);
  const suite = withBrowserEnv();

  it('ends the session, shows the login page and leaves the server running', async () => {
    const health = async () => (await (await fetch(`${suite.env.url}/health`)).json()) as { status: string; instance: string };
    const before = await health();
    const learner = await createUser(suite.env, 'learner', 'Andi Pratama');
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);

    const logout = page.locator('form[action="/logout"] button[type=submit]');
    expect((await logout.textContent())?.trim()).to.equal('Keluar');
    const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/logout'), page.waitForURL((u) => u.pathname === '/login'), logout.click()]);
    expect(response.status()).to.equal(303);
    expect(await page.locator('form[action="/login"]').count()).to.equal(1);

    // The session is gone: a page that needs a login sends the browser back to the login form.
    await page.goto(`${suite.env.url}/`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    expect((await context.cookies()).filter((c) => c.name === 'bina.sid' && c.value)).to.have.length.at.most(1);

    // The same server (same instance) is up, healthy, and serves the next login.
    const after = await health();
    expect(after.status).to.equal('ok');
    expect(after.instance).to.equal(before.instance);
    await loginThroughForm(page, suite.env.url, learner.username, TEST_PASSWORD);
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(pageErrors).to.deep.equal([]);
    await context.close();
  });
});
