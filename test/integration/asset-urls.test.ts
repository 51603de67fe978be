/**
 * Pages link every asset by a versioned URL (src/http/asset-urls.ts): after an upgrade a browser
 * fetches the changed exam-room script at once instead of running last week's from its cache.
 */
import { expect } from 'chai';
import { startTestEnv, type TestEnv } from '../support/harness';

describe('asset URLs on pages', function () {
  this.timeout(60_000);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ only: ['notify-inbox'] });
  });
  after(() => env?.stop());

  it('links the stylesheets and scripts with their version, and serves them there', async () => {
    const html = await (await fetch(`${env.url}/login`)).text();
    const links = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links.length).to.be.greaterThan(2);
    for (const link of links) {
      expect(link, "every asset link carries its version").to.match(/\?v=[0-9a-f]{12}$/);
      const res = await fetch(`${env.url}${link}`);
      expect(res.status, link).to.equal(200);
    }
    expect(links.some((l) => l.startsWith('/assets/core/bina.css?v='))).to.equal(true);
  });
});
