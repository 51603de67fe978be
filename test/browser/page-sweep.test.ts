/**
 * The page sweep (docs/pages.md, ADR 0031): every role, in Indonesian and in English, walks every
 * page it can reach by links and submits every form it is shown, against a Bina with the demo
 * data; then every page template must have been rendered by some walk.
 *
 * A new page needs no change here: it joins when a link reaches it. A new form joins the same way;
 * it may declare `data-sweep-value` on a field or `data-sweep="skip|last: <reason>"` on the form.
 * What the walks are given (roles, values from the demo data, forms not sent) is in
 * test/support/sweep-config.ts, shared with the stored-XSS sweep.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { walk, type KnownFailure, type Problem, type WalkResult } from '../support/page-sweep';
import { languageRules } from '../support/sweep-language';
import { startSweepServer, type SweepServer } from '../support/sweep-server';
import { pageTemplates } from '../support/page-templates';
import { EXPECTED_STATUSES, FIELD_VALUES, FOREIGN_APPS, LOCALE_VALUES, MISSING_PAGE, newNip, ROLES, SKIP_FORMS } from '../support/sweep-config';

/**
 * Failures whose fixes are on their way (issue 9; `pages` fixes items 2-10, the lead item 1).
 * Remove an entry when its fix lands on main: the sweep prints the entries it no longer needs.
 */
const KNOWN_FAILURES: KnownFailure[] = [
];

/** Page templates no walk can render until a known failure above is fixed (remove with it). */
const UNRENDERED_UNTIL_FIXED = new Map<string, string>([
]);

/**
 * Pages a browser with JavaScript never loads, because a script does their work in place; the
 * walks run with JavaScript, so these are rendered by the test named.
 */
const ONLY_WITHOUT_JAVASCRIPT = new Map([
  // Not a page without JavaScript, but one no link leads to: it replaces every page after an admin
  // resets a password (the sweep does not reset the demo users' passwords).
  ['core/profile-password', 'shown instead of any page after a password reset; test/browser/people-admin.test.ts reaches it'],
  ['feedback-public/follow', 'the thank-you page after sending public feedback, at its unguessable follow-up address (the sweep skips the public forms, which refuse a form sent at once); test/browser/public-feedback.test.ts sends one and follows it'],
  ['core/login-totp', 'asked at login only of a user with a second factor (the demo users have none); test/browser/totp.test.ts'],
  ['core/totp-recovery', 'shown once when a second factor is turned on, which needs an authenticator app; test/browser/totp.test.ts'],
  ['activity-event/checkin', 'opened by a phone camera from the organiser\'s QR code, which no link leads to; test/browser/event-checkin.test.ts scans one'],
  ['core/bank-import-report', 'the import page stores and reports in place; test/browser/question-bank.test.ts imports without JavaScript'],
  ['activity-quiz/grade', 'linked from a quiz result beside an essay that waits for a grade, and the demo quiz has no essay attempt; test/browser/quiz-essay-grading.test.ts walks to it'],
]);

function isKnown(p: Problem): KnownFailure | undefined {
  return KNOWN_FAILURES.find(
    (k) => (!k.kind || k.kind === p.kind) && (!k.role || k.role === p.role) && (!k.locale || k.locale === p.locale) && (!k.where || k.where.test(p.where)) && (!k.message || k.message.test(p.message)),
  );
}

/** Everything each walk saw, for reading after a run: .data/page-sweep/<role>-<locale>.json. */
function reportTo(r: WalkResult): void {
  const dir = join(REPO_ROOT, '.data', 'page-sweep');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${r.role}-${r.locale}.json`), JSON.stringify({ ...r, views: [...r.views] }, null, 2));
}

describe('page sweep: every page and form, for every role, in both languages', function () {
  this.timeout(15 * 60_000);
  let browser: Browser;
  let server: SweepServer;
  const results: WalkResult[] = [];
  const usedKnown = new Set<KnownFailure>();
  const axeDone = new Set<string>();
  const rules = languageRules();
  // The demo certificate (seeded with a random code): its code for the check form, its signed
  // credential for the upload form.
  const certificateCode = () => server.demoPaths.map((p) => /^\/verify\/([^/?]+)$/.exec(p)?.[1]).find(Boolean) ?? '';
  const demoCredential = async () => {
    const r = await fetch(`${server.url}/verify/${certificateCode()}/credential.json`);
    if (r.status !== 200) throw new Error(`demo credential: ${r.status}`);
    return { name: 'sertifikat.json', mimeType: 'application/json', buffer: Buffer.from(await r.arrayBuffer()) };
  };

  before(async () => {
    browser = await launchChromium();
    server = await startSweepServer();
  });
  after(async () => {
    const total = results.reduce((s, r) => s + r.ms, 0);
    console.log(`\n  page sweep: ${results.reduce((s, r) => s + r.pages.length, 0)} pages, ${results.reduce((s, r) => s + r.forms.length, 0)} forms in ${(total / 1000).toFixed(1)} s`);
    for (const k of KNOWN_FAILURES) if (!usedKnown.has(k)) console.log(`  known failure no longer seen, remove it: ${k.item}`);
    await browser?.close();
    await server?.stop();
  });

  // BINA_SWEEP_ROLES=learner,trainer narrows the sweep while working on it (never in CI).
  const only = process.env.BINA_SWEEP_ROLES?.split(',');
  for (const who of ROLES.filter((r) => !only || only.includes(r.role))) {
    for (const locale of ['id', 'en'] as const) {
      it(`${who.role} (${locale})`, async () => {
        const r = await walk({
          browser,
          server,
          who,
          locale,
          rules,
          expectedStatuses: EXPECTED_STATUSES,
          foreignApps: FOREIGN_APPS,
          axeDone,
          skipForms: SKIP_FORMS,
          // The Indonesian walk opens a second instance of each pattern (a course with a quiz, an
          // exam with attempts); the English one checks the language of each pattern once.
          perPattern: locale === 'id' ? 2 : 1,
          seeds: who.role === 'anonymous' ? [...server.demoPaths, MISSING_PAGE] : [],
          fieldValues: { ...FIELD_VALUES, ...LOCALE_VALUES[locale], 'POST /admin/users/new|nip': newNip(who.role, locale), code: certificateCode() },
          files: { 'POST /verify|file': demoCredential },
        });
        results.push(r);
        reportTo(r);
        const known = r.problems.filter((p) => {
          const k = isKnown(p);
          if (k) usedKnown.add(k);
          return k;
        });
        const fresh = r.problems.filter((p) => !isKnown(p));
        console.log(`    ${who.role}/${locale}: ${r.pages.length} pages, ${r.forms.length} forms submitted, ${r.skippedForms.length} forms skipped or last, ${r.files.length} files, ${(r.ms / 1000).toFixed(1)} s (axe ${(r.axeMs / 1000).toFixed(1)} s)`);
        for (const s of r.skippedForms) console.log(`      form ${s.key}: ${s.reason}`);
        for (const p of known) console.log(`      known (${isKnown(p)!.item}): ${p.where} ${p.kind}: ${p.message}`);
        expect(fresh.map((p) => `${p.where} [${p.kind}] ${p.message}`), `${fresh.length} problems for ${who.role}/${locale}`).to.deep.equal([]);
      });
    }
  }

  it('rendered every page template', () => {
    const seen = new Set(results.flatMap((r) => [...r.views]));
    const never = pageTemplates().filter((v) => !seen.has(v) && !UNRENDERED_UNTIL_FIXED.has(v) && !ONLY_WITHOUT_JAVASCRIPT.has(v));
    expect(never, 'page templates no walk rendered: link them from where their users look (docs/pages.md)').to.deep.equal([]);
  });
});
