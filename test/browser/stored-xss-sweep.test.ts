/**
 * Stored XSS over the whole page sweep (issue 16, ADR 0063). The demo data is seeded, then every
 * human-written text in every collection gets a numbered payload (test/support/xss-payloads.ts:
 * names, unit and position names, course and lesson Markdown, questions' stems, options and
 * feedback, certificate texts and templates, notices, events, mentoring notes, Latsar comments,
 * JP claims, competencies, survey comments, public feedback and its answers, file names…). Then
 * every role walks every page it can reach, as the page sweep does (test/support/page-sweep.ts),
 * and types a payload into every free text field of every form it submits, so what forms store is
 * rendered by the pages the walk opens next. On every page: no payload's marker element, no
 * element with a payload's handler, no payload that ran, no inline script the CSP refused, no
 * payload shown escaped twice. A finding names the payload's field (`<collection> <id> <path>` or
 * `<form>|<field>`).
 *
 * One language (the page sweep checks both); each URL pattern once. The payloads that importers
 * turn into HTML (GIFT `[html]`, Moodle XML `format="html"`) are in test/browser/stored-xss.test.ts.
 */
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { findXss } from '../support/sweep-in-page';
import { walk, type Problem, type WalkResult } from '../support/page-sweep';
import { EXPECTED_STATUSES, FIELD_VALUES, FOREIGN_APPS, LOCALE_VALUES, MISSING_PAGE, newNip, ROLES, SKIP_FORMS } from '../support/sweep-config';
import { languageRules } from '../support/sweep-language';
import { startSweepServer, type SweepServer } from '../support/sweep-server';
import { payloadNumber, poisonDatabase, xssPayload, type PoisonReport } from '../support/xss-payloads';

/** Collections that must have had payloads put in: a rule that stopped matching them would pass silently. */
const MUST_POISON = [
  /^identity_users$/, /^identity_units$/, /^competency_positions$/, /^learning_courses$/, /lesson/, /^learning_questions$/, /achievement/, /certificates$/, /notice/,
  /^activity-event_events$/, /mentoring/, /latsar/, /^learning_jp_claims$/, /^learning_competencies$/, /skm/, /feedback/,
];

/**
 * Forms that store texts no demo row holds (the built-in certificate templates live in code): the
 * walks must have typed payloads into them, so the pages showing what they stored are judged.
 */
const MUST_TYPE = [/^POST \/certificate-pdf\/templates\/[^/ ]+\/edit\|t\d+_text$/, /^POST \/certificate-pdf\/templates\/[^/ ]+\/edit\|qr_caption$/];

describe('stored XSS over the page sweep: payloads in every stored text and every form field', function () {
  this.timeout(20 * 60_000);
  let browser: Browser;
  let server: SweepServer;
  let poison: PoisonReport;
  const results: WalkResult[] = [];
  const rules = languageRules();
  let next = 1;

  before(async () => {
    browser = await launchChromium();
    server = await startSweepServer({ afterSeed: async (env) => void (poison = await poisonDatabase(env.MONGODB_URI!)) });
  });
  after(async () => {
    const typed = results.reduce((s, r) => s + r.payloads.size, 0);
    console.log(`\n  stored-XSS sweep: ${poison?.where.size ?? 0} stored fields poisoned in ${Object.keys(poison?.perCollection ?? {}).length} collections, ${typed} payloads typed into forms; ${results.reduce((s, r) => s + r.pages.length, 0)} pages, ${results.reduce((s, r) => s + r.forms.length, 0)} forms in ${(results.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s`);
    await browser?.close();
    await server?.stop();
  });

  it('finds a payload shown as markup, and none shown as text (the check itself)', async () => {
    const page = await browser.newPage();
    const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    const findings = async (html: string) => {
      await page.setContent(html);
      // tsx wraps the in-page function's inner functions in __name(), as the walk's pages are told.
      await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
      return (await page.evaluate(findXss)).join('\n');
    };
    try {
      const live = await findings(`<p>${xssPayload(7)}</p><input value="${xssPayload(8)}"><p>${escape(xssPayload(9))}</p>`);
      expect(live).to.contain('payload 7 is live markup: <b data-xss>').and.contain('payload 7 is live markup: <img onerror>').and.contain('payload 8 is live markup: <svg onload>');
      expect(live).to.not.contain('payload 9');
      expect(await findings(`<p>${escape(escape(xssPayload(10)))}</p>`)).to.contain('payload 10 is shown escaped twice');
    } finally {
      await page.close();
    }
  });

  it('put payloads into the stored texts of every kind of record', () => {
    const collections = Object.keys(poison.perCollection);
    const missing = MUST_POISON.filter((re) => !collections.some((c) => re.test(c))).map(String);
    expect(missing, `no payload went into these (poisoned: ${collections.join(', ')})`).to.deep.equal([]);
  });

  /** Where a finding's payload was put, from its number. */
  const whereOf = (p: Problem, r: WalkResult) => {
    const n = payloadNumber(p.message);
    return n === undefined ? '' : ` [payload ${n}: ${poison.where.get(n) ?? r.payloads.get(n) ?? 'unknown'}]`;
  };

  for (const who of ROLES) {
    it(`${who.role}: no payload runs or shows as markup on any page`, async () => {
      const r = await walk({
        browser,
        server,
        who,
        locale: 'id',
        rules,
        expectedStatuses: EXPECTED_STATUSES,
        foreignApps: FOREIGN_APPS,
        skipForms: SKIP_FORMS,
        perPattern: 1,
        seeds: who.role === 'anonymous' ? [...server.demoPaths, MISSING_PAGE] : [],
        fieldValues: { ...FIELD_VALUES, ...LOCALE_VALUES.id, 'POST /admin/users/new|nip': newNip(who.role, 'id') },
        xss: { payload: xssPayload, next: () => next++ },
      });
      results.push(r);
      // Only what this sweep judges: payloads, and a page or form that broke on them (5xx, crash).
      const found = r.problems.filter((p) => p.kind === 'xss' || p.kind === 'crash' || /answered 5\d\d/.test(p.message));
      console.log(`    ${who.role}: ${r.pages.length} pages, ${r.forms.length} forms, ${r.payloads.size} payloads typed, ${(r.ms / 1000).toFixed(1)} s`);
      expect(found.map((p) => `${p.where} [${p.kind}] ${p.message}${whereOf(p, r)}`), `${found.length} findings for ${who.role}`).to.deep.equal([]);
    });
  }

  it('typed payloads into the forms that store texts no demo row holds', () => {
    const typed = results.flatMap((r) => [...r.payloads.values()]);
    expect(MUST_TYPE.filter((re) => !typed.some((t) => re.test(t))).map(String), `typed into: ${[...new Set(typed)].join(', ')}`).to.deep.equal([]);
  });

  it('shows the payloads as text a person can read (screenshots in /tmp/bina-xss-*.png)', async () => {
    const admin = ROLES.find((r) => r.role === 'admin')!;
    const context = await browser.newContext({ locale: 'id-ID', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/login`);
      await page.locator('#username').fill(admin.username!);
      await page.locator('#password').fill(admin.password!);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
      const demo = (part: string) => server.demoPaths.find((p) => p.includes(part));
      for (const [name, path] of [['people', '/admin/users'], ['event', demo('/activity-event/events/')], ['mentoring', demo('/activity-mentoring/pairs/')], ['latsar', demo('/activity-latsar/participants/')], ['templates', '/certificate-pdf/templates']] as const) {
        if (!path) continue;
        await page.goto(`${server.url}${path}`);
        // The payload's text is there (the template list shows built-in names only), and its marker is not an element.
        if (name !== 'templates') expect(await page.locator('main').innerText(), path).to.contain('<b data-xss=');
        expect(await page.locator('[data-xss]').count(), path).to.equal(0);
        await page.screenshot({ path: `/tmp/bina-xss-${name}.png`, fullPage: false });
      }
    } finally {
      await context.close();
    }
  });
});
