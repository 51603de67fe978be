/**
 * The page sweep (docs/pages.md): one role in one language walks every page it can reach by links,
 * breadth first from `/` (and the demo's public links), and submits every form it is shown.
 *
 * Each URL pattern is visited once (ObjectIds, numbers and codes in the path count as one pattern;
 * the query string is ignored). On every page: the status is below 400 (or one listed as
 * expected), no console error (CSP violations are console errors in Chromium), no failed
 * sub-resource, no raw i18n key, `[object Object]`, `undefined` or `{{` in the visible text, no
 * word of the other language (test/support/sweep-language.ts), and axe-core finds no serious or
 * critical violation. Every page is loaded with `?lang=<locale>`, so the language switch is
 * exercised on every page too.
 *
 * Forms are filled with valid values derived from their fields (type, min/max, options; a field's
 * `data-sweep-value` overrides) and submitted through the browser; the result must not be an
 * error. A form marked `data-sweep="skip: <reason>"` is not submitted, one marked
 * `data-sweep="last: <reason>"` is submitted after every other form of the walk; the logout form
 * ends the walk, after which the server must still answer /health from the same process.
 *
 * Nothing waits for time: each step waits for a load event, a navigation or a response.
 */
import axe from 'axe-core';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { fillForm, findXss, inspectPage, submitForm, type FormField, type FormInfo, type PageFindings } from './sweep-in-page';
import type { LanguageRules } from './sweep-language';
import type { SweepServer } from './sweep-server';

export type Locale = 'id' | 'en';

export interface SweepRole {
  role: string;
  /** Absent for the anonymous visitor. */
  username?: string;
  password?: string;
}

export interface Problem {
  role: string;
  locale: Locale;
  /** The URL pattern of the page, or `<method> <action pattern>` of a form. */
  where: string;
  url: string;
  kind: 'status' | 'console' | 'subresource' | 'text' | 'axe' | 'form' | 'crash' | 'navigation' | 'xss';
  message: string;
}

/** A failure the sweep knows about and tolerates until its fix lands (remove it then). */
export interface KnownFailure {
  /** Why it is tolerated: the issue item whose fix will remove it. */
  item: string;
  kind?: Problem['kind'];
  role?: string;
  locale?: Locale;
  where?: RegExp;
  message?: RegExp;
}

export interface ExpectedStatus {
  where: RegExp;
  status: number;
  why: string;
}

export interface WalkResult {
  role: string;
  locale: Locale;
  pages: string[];
  forms: string[];
  skippedForms: Array<{ key: string; reason: string }>;
  /** Downloads, API documents and assets linked from pages: checked for status only. */
  files: string[];
  views: Set<string>;
  problems: Problem[];
  ms: number;
  /** Of which axe-core took. */
  axeMs: number;
  /** In the stored-XSS mode: the payloads the walk typed into forms, by number (`<form key>|<field>`). */
  payloads: Map<number, string>;
}

export interface WalkOptions {
  browser: Browser;
  server: SweepServer;
  who: SweepRole;
  locale: Locale;
  rules: LanguageRules;
  expectedStatuses: ExpectedStatus[];
  /** Extra starting points (paths), e.g. the demo's public links for the anonymous visitor. */
  seeds?: string[];
  /** Paths the walk does not enter (another application mounted in Bina, e.g. Bull Board): status only. */
  foreignApps?: RegExp[];
  /**
   * Values for fields that no template can declare because the data is made at run time (the demo
   * certificate's code), by field name; used when the field is empty.
   */
  fieldValues?: Record<string, string | string[]>;
  /** Forms not to submit, by form key, with the reason printed (the form cannot say it itself). */
  skipForms?: Record<string, string>;
  /** Files for file fields, by `<form key>|<field name>` or by field name. */
  files?: Record<string, () => Promise<{ name: string; mimeType: string; buffer: Buffer }>>;
  /**
   * How many different addresses of one pattern the walk opens (two courses, two exams): a
   * second instance often holds what the first lacks (an exam with attempts). @default 2
   */
  perPattern?: number;
  /**
   * axe-core is the slowest check: it runs once per role, pattern and view, shared across the
   * walks given the same set (the English walk skips what the Indonesian walk of that role checked).
   */
  axeDone?: Set<string>;
  /**
   * The stored-XSS mode (ADR 0063): every page is also searched for live payloads (findXss), a
   * refused inline script is a finding, text fields the walk fills get a numbered payload, and
   * axe-core is not run (the mode judges markup, not accessibility).
   */
  xss?: { payload: (n: number) => string; next: () => number };
}

const DESTRUCTIVE = /\/(delete|remove|destroy|archive)$/i;
const FILE_EXT = /\.(pdf|json|jsonld|csv|zip|xml|txt|png|jpe?g|svg|gift|ico|css|js|map|woff2?)$/i;

/** The pattern of a URL: ids, numbers and codes in the path become placeholders; the query is dropped. */
export function urlPattern(u: string | URL): string {
  const url = typeof u === 'string' ? new URL(u) : u;
  return url.pathname
    .split('/')
    .map((s) => {
      if (/^[0-9a-f]{24}$/i.test(s)) return ':id';
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return ':uuid';
      if (/^\d+$/.test(s)) return ':n';
      // Slot and section names (s1, s12) name a row like an id does.
      if (/^[a-z]\d+$/i.test(s)) return ':slot';
      if (s.length >= 6 && /\d/.test(s) && /[A-Za-z]/.test(s) && !s.includes('.')) return ':code';
      return s;
    })
    .join('/');
}

function withLang(url: string, locale: Locale): string {
  const u = new URL(url);
  u.searchParams.set('lang', locale);
  return u.toString();
}

/** A value for an empty required field, from its type and constraints; null keeps the field as it is. */
export function valueFor(f: FormField, n: number, tag = ''): { value?: string; check?: boolean; error?: string } | null {
  if (f.disabled || f.readOnly || f.type === 'hidden' || f.type === 'submit' || f.type === 'button') return null;
  if (f.hint !== null) return f.type === 'checkbox' || f.type === 'radio' ? { check: f.hint !== 'off' } : { value: f.hint };
  if (f.tag === 'select') {
    if (f.value || !f.required) return null;
    const opt = f.options.find((o) => o !== '');
    return opt !== undefined ? { value: opt } : f.required ? { error: `select ${f.name} has no option` } : null;
  }
  if (f.type === 'checkbox' || f.type === 'radio') return f.required && !f.checked ? { check: true } : null;
  if (f.value !== '' || !f.required) return null;
  if (f.type === 'file') return { error: `file field ${f.name} needs a file (declare data-sweep="skip: …" or data-sweep-value)` };
  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  switch (f.type) {
    case 'email':
      return { value: `sapu${n}${tag.replace(/\W/g, '')}@bina.test` };
    case 'number':
    case 'range': {
      const min = f.min !== '' ? Number(f.min) : undefined;
      const max = f.max !== '' ? Number(f.max) : undefined;
      return { value: String(min ?? Math.min(1, max ?? 1)) };
    }
    case 'date':
      return { value: f.min && f.min > day ? f.min : day };
    case 'datetime-local':
      return { value: `${day}T09:00` };
    case 'time':
      return { value: '09:00' };
    case 'url':
      return { value: 'https://bina.test/sapu' };
    case 'tel':
      return { value: '081234567890' };
    case 'password':
      return { value: 'Sapu-Uji-2026!' };
    default: {
      // Unique across walks: a code or name typed again in the next walk would be a duplicate.
      let v = `Uji sapu ${n}${tag}`;
      if (f.minLength > v.length) v = v.padEnd(f.minLength, 'x');
      if (f.maxLength > 0 && v.length > f.maxLength) v = v.slice(0, f.maxLength);
      if (f.pattern && !validPattern(f.pattern)) return { error: `field ${f.name}: pattern ${f.pattern} is not a valid browser regular expression (v flag)` };
      if (f.pattern && !new RegExp(`^(?:${f.pattern})$`, 'v').test(v)) return { error: `field ${f.name} has pattern ${f.pattern}, which "${v}" does not match: declare data-sweep-value` };
      return { value: v };
    }
  }
}

/** Whether an HTML pattern attribute compiles as browsers compile it (anchored, with the v flag). */
function validPattern(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`, 'v');
    return true;
  } catch {
    return false;
  }
}

export function formKey(form: FormInfo): string {
  // Forms that post to one address and say what they do in a button or a hidden `action` field
  // (preview, then store) are different forms.
  const s = form.submitter?.name ? ` ${form.submitter.name}=${form.submitter.value}` : '';
  const hidden = form.fields.find((f) => f.type === 'hidden' && f.name === 'action');
  const a = hidden && form.submitter?.name !== 'action' ? ` action=${hidden.value}` : '';
  return `${form.method.toUpperCase()} ${urlPattern(form.action)}${s}${a}`;
}

/** Walks Bina as one role in one language. */
export async function walk(opts: WalkOptions): Promise<WalkResult> {
  const started = Date.now();
  const { server, who, locale, rules } = opts;
  const base = new URL(server.url);
  const result: WalkResult = { role: who.role, locale, pages: [], forms: [], skippedForms: [], files: [], views: new Set(), problems: [], ms: 0, axeMs: 0, payloads: new Map() };
  const problem = (where: string, url: string, kind: Problem['kind'], message: string) => result.problems.push({ role: who.role, locale, where, url, kind, message });

  const context: BrowserContext = await opts.browser.newContext({ locale: locale === 'id' ? 'id-ID' : 'en-US', timezoneId: 'Asia/Makassar' });
  // tsx (esbuild keepNames) wraps the in-page functions' inner functions in __name(); give the page one.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  await context.addCookies([{ name: 'bina_lang', value: locale, url: server.url }]);
  const page: Page = await context.newPage();
  page.setDefaultTimeout(20_000);
  // Confirmations ("Submit your answers?") are answered yes, as the person submitting would.
  page.on('dialog', (d) => void d.accept().catch(() => undefined));

  // What the current page did wrong in the browser, collected between two visits.
  let events: string[] = [];
  let expectedDocument: string | undefined;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Bina's CSP refuses inline scripts and handlers: a refusal means markup from data got in.
    if (opts.xss && /Refused to execute inline|Content Security Policy/i.test(m.text())) return void events.push(`xss: the CSP refused an inline script: ${m.text().slice(0, 200)}`);
    if (expectedDocument && m.text().startsWith('Failed to load resource') && m.location().url === expectedDocument) return;
    events.push(`console error: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
  });
  page.on('pageerror', (e) => events.push(`script error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // Leaving a page aborts what it still loads (an open event stream): not a fault of the page.
    if (why.includes('ERR_ABORTED')) return;
    events.push(`request failed: ${r.method()} ${r.url()} (${why})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) events.push(`sub-resource ${r.request().method()} ${r.url()} answered ${r.status()}`);
  });

  // Pattern -> the addresses of it opened by following links (form results do not count). An
  // address is the path and the query without `lang` (`?type=essay` may be another page).
  const opened = new Map<string, Set<string>>();
  const perPattern = opts.perPattern ?? 2;
  const address = (u: URL) => {
    const q = new URLSearchParams(u.search);
    q.delete('lang');
    q.sort();
    return `${u.pathname}?${q}`;
  };
  const mayOpen = (u: URL) => {
    const set = opened.get(urlPattern(u));
    return !set || (set.size < perPattern && !set.has(address(u)));
  };
  const markOpened = (u: URL) => {
    const p = urlPattern(u);
    if (!opened.has(p)) opened.set(p, new Set());
    opened.get(p)!.add(address(u));
  };
  const seenFiles = new Set<string>();
  const seenForms = new Set<string>();
  const queue: string[] = [];
  const deferred: Array<{ pageUrl: string; form: FormInfo; key: string; reason: string }> = [];
  let logoutForm: { pageUrl: string; form: FormInfo } | undefined;
  let n = 0;
  /** The page the browser shows, unchanged since it was visited (no form sent from it yet). */
  let onPage: string | undefined;

  const enqueue = (href: string, download: boolean) => {
    let u: URL;
    try {
      u = new URL(href);
    } catch {
      return;
    }
    if (u.origin !== base.origin || !/^https?:$/.test(u.protocol)) return;
    u.hash = '';
    const pattern = urlPattern(u);
    const isFile = download || FILE_EXT.test(u.pathname) || u.pathname.startsWith('/api/') || u.pathname.startsWith('/assets/') || (opts.foreignApps ?? []).some((re) => re.test(u.pathname));
    if (isFile) {
      if (!seenFiles.has(pattern)) {
        seenFiles.add(pattern);
        queue.push(`file:${u.toString()}`);
      }
      return;
    }
    if (mayOpen(u) && !queue.some((q) => !q.startsWith('file:') && address(new URL(q)) === address(u))) queue.push(u.toString());
  };

  const expectedFor = (pattern: string) => opts.expectedStatuses.find((e) => e.where.test(pattern));

  /** Judges the page now shown (after a visit or a form's result) and queues its links and forms. */
  const judge = async (where: string, url: string, status: number): Promise<PageFindings | undefined> => {
    const expected = expectedFor(urlPattern(url));
    if (status >= 400 && expected?.status !== status) problem(where, url, 'status', `answered ${status}${await errorText(page)}`);
    let findings: PageFindings | undefined;
    const args = { locale, rawKey: rules.rawKey, foreignWords: rules.foreignWords[locale], foreignLabels: rules.foreignLabels[locale] };
    // A page whose script moves on at once (a saved answer that reloads) is read where it lands.
    for (let attempt = 0; !findings; attempt++) {
      try {
        findings = await page.evaluate(inspectPage, args);
      } catch (e) {
        if (attempt === 0 && /context was destroyed|navigat/i.test((e as Error).message)) {
          await page.waitForLoadState('load');
          continue;
        }
        problem(where, url, 'navigation', `could not read the page: ${(e as Error).message.split('\n')[0]}`);
        return undefined;
      }
    }
    if (findings.view) result.views.add(findings.view);
    for (const t of new Set(findings.textProblems)) problem(where, url, 'text', t);
    const axeKey = `${who.role} ${urlPattern(page.url())} ${findings.view}`;
    if (opts.xss) for (const x of await page.evaluate(findXss).catch((e: Error) => [`could not search the page: ${e.message.split('\n')[0]}`])) problem(where, url, 'xss', x);
    if (!opts.xss && !opts.axeDone?.has(axeKey)) {
      opts.axeDone?.add(axeKey);
      const t0 = Date.now();
      for (const v of await runAxe(page)) problem(where, url, 'axe', v);
      result.axeMs += Date.now() - t0;
    }
    for (const e of new Set(events)) problem(where, url, e.startsWith('xss: ') ? 'xss' : e.startsWith('sub-resource') || e.startsWith('request failed') ? 'subresource' : 'console', e);
    events = [];
    for (const l of findings.links) enqueue(l.href, l.download);
    return findings;
  };

  const visit = async (url: string): Promise<{ status: number; findings?: PageFindings } | undefined> => {
    events = [];
    const pattern = urlPattern(url);
    const target = withLang(url, locale);
    expectedDocument = expectedFor(pattern) ? target : undefined;
    let resp: Response | null = null;
    for (let attempt = 0; ; attempt++) {
      try {
        resp = await page.goto(target, { waitUntil: 'load' });
        break;
      } catch (e) {
        // A navigation the page itself starts while loading aborts ours (a quiz attempt's script
        // moving on to its result as the walk leaves): load it again, twice at most.
        if (attempt < 2 && /ERR_ABORTED|interrupted by another navigation/.test((e as Error).message)) continue;
        problem(pattern, url, 'navigation', (e as Error).message.split('\n')[0]!);
        return undefined;
      }
    }
    onPage = page.url();
    const status = resp?.status() ?? 0;
    const landed = urlPattern(page.url());
    markOpened(new URL(url));
    markOpened(new URL(page.url()));
    result.pages.push(pattern === landed ? pattern : `${pattern} -> ${landed}`);
    const findings = await judge(pattern, url, status);
    return { status, findings };
  };

  const checkFile = async (url: string) => {
    const pattern = urlPattern(url);
    const r = await page.request.get(url, { maxRedirects: 5, failOnStatusCode: false }).catch((e: Error) => e);
    result.files.push(pattern);
    // A download that never ends is the file's fault, not the walk's: said, and the walk goes on.
    if (r instanceof Error) {
      problem(pattern, url, 'status', `linked file did not answer: ${r.message.split('\n')[0]}`);
      return;
    }
    const expected = expectedFor(pattern);
    if (r.status() >= 400 && expected?.status !== r.status()) problem(pattern, url, 'status', `linked file answered ${r.status()}`);
  };

  const submit = async (pageUrl: string, form: FormInfo, key: string) => {
    // Start from the page as the role sees it now (an earlier form may have changed it); the page
    // just visited is still as it was.
    events = [];
    if (onPage !== pageUrl) await page.goto(withLang(pageUrl, locale), { waitUntil: 'load' });
    onPage = undefined;
    const current = (await page.evaluate(inspectPage, { locale, rawKey: rules.rawKey, foreignWords: rules.foreignWords[locale], foreignLabels: [] })).forms;
    const same = current.find((f) => formKey(f) === key);
    if (!same) {
      result.skippedForms.push({ key, reason: 'gone from the page after earlier forms' });
      return;
    }
    const values: Array<{ index: number; value?: string; check?: boolean }> = [];
    for (const f of same.fields) {
      if (f.type === 'file') {
        const provide = opts.files?.[`${key}|${f.name}`] ?? opts.files?.[f.name];
        if (provide) {
          const file = await provide();
          await page.locator('form').nth(same.index).locator(`input[type=file][name="${f.name}"]`).setInputFiles(file);
        } else if (f.required) {
          problem(key, pageUrl, 'form', `file field ${f.name} needs a file: give the walk one (files) or mark the form data-sweep="skip: …"`);
          return;
        }
        continue;
      }
      // A list gives the n-th field of that name its n-th value (the rows of a repeated group).
      const nth = same.fields.filter((x) => x.name === f.name).indexOf(f);
      const declared = opts.fieldValues?.[`${key}|${f.name}`] ?? opts.fieldValues?.[f.name];
      const isBox = f.type === 'checkbox' || f.type === 'radio';
      const fillable = f.hint === null && !f.disabled && (isBox ? !f.checked : f.value === '');
      const given = fillable ? (Array.isArray(declared) ? declared[nth] : declared) : undefined;
      // A language choice is the walk's language (choosing the other one would switch the walk).
      // For a select, `*` stands for its first real option (an id made at run time).
      const chosen = f.tag === 'select' && given === '*' ? f.options.find((o) => o !== '') : given;
      let v: { value?: string; check?: boolean; error?: string } | null = f.name === 'locale' && f.tag === 'select' ? { value: locale } : chosen === undefined ? valueFor(f, ++n, ` ${who.role.slice(0, 3)} ${locale}`) : isBox ? { check: chosen !== 'off' } : { value: chosen };
      // In the stored-XSS mode a free text field (no pattern, room for it) carries a payload, added
      // to what the walk types or to what the form already holds (an edit form's name).
      // Not a number typed as text, nor a password (the form would only refuse it).
      const base = v?.value ?? f.value;
      const freeText = (f.tag === 'textarea' || ['text', 'search'].includes(f.type)) && !f.pattern && !f.disabled && !f.readOnly && f.hint === null && !/password/i.test(f.name) && !/^[\d\s.,:/-]*$/.test(base);
      if (opts.xss && chosen === undefined && freeText && (v?.value !== undefined || (v === null && f.value !== ''))) {
        const p = opts.xss.next();
        const typed = `${base} ${opts.xss.payload(p)}`;
        if (f.maxLength <= 0 || typed.length <= f.maxLength) {
          v = { value: typed };
          result.payloads.set(p, `${key}|${f.name}`);
        }
      }
      if (!v) continue;
      if (v.error) {
        problem(key, pageUrl, 'form', v.error);
        return;
      }
      if (f.type === 'radio' && values.some((x) => same.fields[x.index]?.name === f.name)) continue;
      values.push({ index: f.index, ...v });
    }
    const invalid = await page.evaluate(fillForm, { index: same.index, values });
    if (invalid.length) {
      problem(key, pageUrl, 'form', `the browser refuses the filled form: ${invalid.join('; ')}`);
      return;
    }
    events = [];
    const action = new URL(same.action);
    const nav = page.waitForNavigation({ waitUntil: 'load', timeout: 20_000 }).then((r) => ({ how: 'navigation' as const, r }));
    // A form that a script takes over (e.g. the import preview) answers through fetch: to its
    // action, or as a write to the API.
    // Only requests the submission itself starts: a script's request already under way (an exam
    // page's session claim, say) is no answer to the form.
    const started = new Set<unknown>();
    const onRequest = (req: unknown) => void started.add(req);
    page.on('request', onRequest);
    const isFormFetch = (r: Response) => {
      const req = r.request();
      if (!started.has(req)) return false;
      if (!['fetch', 'xhr'].includes(req.resourceType())) return false;
      const path = new URL(r.url()).pathname;
      return (req.method().toLowerCase() === same.method && path === action.pathname) || (req.method() !== 'GET' && path.startsWith('/api/'));
    };
    const xhr = page
      .waitForResponse(isFormFetch, { timeout: 20_000 })
      .then((r) => ({ how: 'fetch' as const, r }));
    nav.catch(() => undefined);
    xhr.catch(() => undefined);
    await page.evaluate(submitForm, { index: same.index, button: same.submitter?.index ?? -1 });
    let outcome: { how: 'navigation' | 'fetch'; r: Response | null };
    try {
      outcome = await Promise.race([nav, xhr]);
    } catch (e) {
      problem(key, pageUrl, 'form', `no answer to the submission: ${(e as Error).message.split('\n')[0]}`);
      return;
    } finally {
      page.off('request', onRequest);
    }
    result.forms.push(key);
    if (outcome.how === 'fetch') {
      const status = outcome.r!.status();
      if (status >= 400) problem(key, pageUrl, 'form', `the form's request answered ${status}: ${(await outcome.r!.text()).slice(0, 200)}`);
      await page.waitForLoadState('load');
    }
    const status = outcome.how === 'navigation' ? (outcome.r?.status() ?? 0) : 200;
    const landed = page.url();
    if (outcome.how === 'navigation' && status >= 400) problem(key, pageUrl, 'form', `submitting answered ${status}${await errorText(page)}`);
    result.pages.push(`${urlPattern(landed)} (after ${key})`);
    const findings = await judge(key, landed, status >= 400 ? 200 : status);
    // A page that answers a POST has no address to load again: its forms are sent when a link
    // reaches the page they live on.
    const answeredPost = outcome.how === 'navigation' && outcome.r?.request().method() !== 'GET';
    if (findings && !answeredPost) queueForms(landed, findings.forms);
  };

  const pendingForms: Array<{ pageUrl: string; form: FormInfo; key: string }> = [];
  const queueForms = (pageUrl: string, forms: FormInfo[]) => {
    for (const form of forms) {
      const key = formKey(form);
      if (seenForms.has(key)) continue;
      seenForms.add(key);
      const action = new URL(form.action);
      if (action.origin !== base.origin) {
        result.skippedForms.push({ key, reason: 'posts to another site' });
        continue;
      }
      if (action.pathname === '/logout') {
        logoutForm = { pageUrl, form };
        continue;
      }
      if (action.pathname === '/login' && !who.username) {
        result.skippedForms.push({ key, reason: 'the login form: each role\'s walk logs in through it' });
        continue;
      }
      if (opts.skipForms?.[key]) {
        result.skippedForms.push({ key, reason: opts.skipForms[key]! });
        continue;
      }
      const mark = form.sweep?.match(/^\s*(skip|last)\s*:\s*(.+)$/);
      if (mark?.[1] === 'skip') {
        result.skippedForms.push({ key, reason: mark[2]!.trim() });
        continue;
      }
      if (mark?.[1] === 'last') {
        deferred.push({ pageUrl, form, key, reason: mark[2]!.trim() });
        continue;
      }
      // Deleting something first would leave the links to it dead for the rest of the walk.
      if (DESTRUCTIVE.test(action.pathname) || DESTRUCTIVE.test(`/${form.submitter?.value ?? ''}`)) {
        deferred.push({ pageUrl, form, key, reason: 'deletes something the walk may still visit' });
        continue;
      }
      pendingForms.push({ pageUrl, form, key });
    }
  };

  try {
    if (!(await server.ensureUp())) problem('(server)', server.url, 'crash', 'the server was down when the walk began');
    if (who.username) await logIn(page, server.url, who.username, who.password!, locale);
    queue.push(`${server.url}/`);
    for (const s of opts.seeds ?? []) queue.push(new URL(s, server.url).toString());
    while (queue.length || pendingForms.length) {
      if (!server.alive()) {
        problem('(server)', '', 'crash', `the server process died: ${server.stderrTail().slice(-600)}`);
        await server.restart();
        if (who.username) await logIn(page, server.url, who.username, who.password!, locale);
      }
      if (pendingForms.length) {
        const f = pendingForms.shift()!;
        await submit(f.pageUrl, f.form, f.key);
        continue;
      }
      const next = queue.shift()!;
      if (next.startsWith('file:')) {
        await checkFile(next.slice(5));
        continue;
      }
      if (!mayOpen(new URL(next))) continue;
      const v = await visit(next);
      if (v?.findings) queueForms(page.url(), v.findings.forms);
    }
    for (const d of deferred) {
      result.skippedForms.push({ key: d.key, reason: `submitted last: ${d.reason}` });
      await submit(d.pageUrl, d.form, d.key);
    }
    if (who.username) await logOut(page, server, logoutForm, (kind, message) => problem('POST /logout', `${server.url}/logout`, kind, message));
  } finally {
    await context.close();
    result.ms = Date.now() - started;
  }
  return result;
}

async function logIn(page: Page, baseUrl: string, username: string, password: string, locale: Locale): Promise<void> {
  await page.goto(`${baseUrl}/login?lang=${locale}`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form[action="/login"] button[type=submit]').click()]);
}

/** Logs out through the navigation bar's form; the server must still answer from the same process. */
async function logOut(page: Page, server: SweepServer, form: { pageUrl: string } | undefined, problem: (kind: Problem['kind'], message: string) => void): Promise<void> {
  if (!form) return problem('form', 'no logout form was found on any page');
  const pid = server.pid;
  await page.goto(form.pageUrl, { waitUntil: 'load' });
  try {
    const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('form[action="/logout"] button[type=submit]').first().click()]);
    if (!resp || resp.status() >= 400) problem('form', `logging out answered ${resp?.status()}`);
    if (new URL(page.url()).pathname !== '/login') problem('form', `logging out landed on ${page.url()}, not /login`);
  } catch (e) {
    problem('form', `logging out: ${(e as Error).message.split('\n')[0]}`);
  }
  // The server must have survived: /health from the same process.
  const health = await page.request.get(`${server.url}/health`, { failOnStatusCode: false }).catch((e: Error) => e);
  const healthy = !(health instanceof Error) && health.status() === 200;
  if (!healthy || !server.alive() || server.pid !== pid) {
    problem('crash', `after logout: /health ${health instanceof Error ? health.message.split('\n')[0] : health.status()}, process ${server.alive() && server.pid === pid ? 'still there' : 'gone'}: ${server.stderrTail().slice(-600)}`);
    // Later walks need a server: start a new one.
    await server.ensureUp();
  }
}

async function errorText(page: Page): Promise<string> {
  // The reasons a refused form shows (beside its fields, or in an alert) say most; then the page.
  const reasons = await page.locator('main .invalid-feedback, main .alert-danger').allInnerTexts().catch(() => [] as string[]);
  if (reasons.some((r) => r.trim())) return `: ${reasons.map((r) => r.trim()).filter(Boolean).join(' | ').replace(/\s+/g, ' ').slice(0, 300)}`;
  const t = await page.locator('main').innerText().catch(() => '');
  return t ? `: ${t.replace(/\s+/g, ' ').slice(0, 200)}` : '';
}

/** axe-core inside the page (evaluated, so the page's CSP does not block it); serious and critical only. */
async function runAxe(page: Page): Promise<string[]> {
  const has = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!has) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const a = (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await a.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ', …' : ''})`);
  });
  return violations;
}
