/**
 * Functions the page sweep runs inside the browser page (page.evaluate). They see only the DOM
 * (the project's tsconfig has no DOM lib, hence the `any`), take plain JSON arguments and return
 * plain JSON. See test/support/page-sweep.ts for how their findings are judged.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export interface InspectArgs {
  locale: 'id' | 'en';
  /** Regular expression sources: raw i18n keys, words of the other language. */
  rawKey: string;
  foreignWords: string;
  /** Whole labels that exist only in the other language's strings (lower-cased, trimmed). */
  foreignLabels: string[];
}

export interface FormField {
  tag: string;
  type: string;
  name: string;
  required: boolean;
  value: string;
  pattern: string;
  min: string;
  max: string;
  step: string;
  minLength: number;
  maxLength: number;
  options: string[];
  checked: boolean;
  disabled: boolean;
  readOnly: boolean;
  hint: string | null;
  index: number;
}

export interface FormInfo {
  /** Position among the page's forms (document.forms). */
  index: number;
  method: string;
  action: string;
  /** `data-sweep` on the form: `skip: <reason>` or `last: <reason>`. */
  sweep: string | null;
  /** The submit button this entry presses (a form with several buttons is listed once per button). */
  submitter: { name: string; value: string; text: string; index: number } | null;
  fields: FormField[];
}

export interface PageFindings {
  view: string | null;
  title: string;
  links: Array<{ href: string; download: boolean }>;
  forms: FormInfo[];
  textProblems: string[];
}

/** Reads the page: its view, links, forms and what is wrong with its visible text. */
export function inspectPage(args: InspectArgs): PageFindings {
  const g: any = globalThis;
  const doc: any = g.document;
  const problems: string[] = [];
  const rawKey = new RegExp(args.rawKey, 'gu');
  const foreign = new RegExp(args.foreignWords, 'gu');
  const foreignLabels = new Set(args.foreignLabels);
  const skipTags = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'CODE', 'PRE', 'KBD', 'SAMP', 'TEXTAREA']);

  // Visible text, per text node: hidden nodes, code, and text marked as another language
  // (lang="…", e.g. the language switch) or as not to translate (translate="no") are left out.
  const skipped = (el: any): boolean => {
    for (let e = el; e && e !== doc.body; e = e.parentElement) {
      if (skipTags.has(e.tagName)) return true;
      if (e.getAttribute('translate') === 'no') return true;
      const lang = e.getAttribute('lang');
      if (lang && lang.slice(0, 2) !== args.locale) return true;
    }
    return false;
  };
  const visible = (el: any): boolean => (typeof el.checkVisibility === 'function' ? el.checkVisibility({ visibilityProperty: true }) : true);
  const texts: string[] = [];
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = String(n.nodeValue ?? '').trim();
    if (!t || !n.parentElement || skipped(n.parentElement) || !visible(n.parentElement)) continue;
    texts.push(t);
  }
  // Attributes people read (placeholders, button values, tooltips, accessible names).
  for (const el of Array.from(doc.querySelectorAll('[placeholder],[title],[aria-label],input[type=submit][value],input[type=button][value]')) as any[]) {
    if (skipped(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button') && el.value) texts.push(el.value);
  }
  const all = texts.join('\n');
  for (const bad of ['[object Object]', 'undefined', '{{', '}}', 'NaN', 'Invalid Date']) {
    const re = new RegExp(`(^|[^\\w])${bad.replace(/[[\]{}]/g, '\\$&')}([^\\w]|$)`);
    const line = texts.find((t) => re.test(t));
    if (line) problems.push(`text shows "${bad}": "${line.slice(0, 120)}"`);
  }
  for (const m of all.matchAll(rawKey)) problems.push(`raw i18n key in text: "${m[0]}"`);
  for (const m of all.matchAll(foreign)) {
    const line = texts.find((t) => t.includes(m[0])) ?? '';
    problems.push(`${args.locale === 'id' ? 'English' : 'Indonesian'} word "${m[0]}" on a page in ${args.locale}: "${line.slice(0, 120)}"`);
  }
  // Whole labels are compared on the page's own controls only (buttons, labels, legends, the
  // navigation, attributes), not on content such as a section titled "Esai" on an English page.
  const chrome: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('button,.btn,label,legend,nav a,input[type=submit],[placeholder],[title],[aria-label]')) as any[]) {
    if (skipped(el) || !visible(el)) continue;
    for (const t of [el.textContent, el.getAttribute('placeholder'), el.getAttribute('title'), el.getAttribute('aria-label'), el.tagName === 'INPUT' ? el.value : '']) {
      const v = String(t ?? '').replace(/\s+/g, ' ').trim();
      if (v) chrome.push(v);
    }
  }
  for (const t of new Set(chrome)) if (foreignLabels.has(t.toLowerCase())) problems.push(`label of the other language on a page in ${args.locale}: "${t}"`);

  const links: PageFindings['links'] = [];
  // In-page anchors (the skip link's #main) are not other pages.
  for (const a of Array.from(doc.querySelectorAll('a[href]')) as any[]) if (!String(a.getAttribute('href')).startsWith('#')) links.push({ href: a.href, download: a.hasAttribute('download') });

  const forms: FormInfo[] = [];
  // Attributes are read with getAttribute: a field named "action" or "id" shadows the form's property.
  Array.from(doc.forms as any[]).forEach((f: any, index: number) => {
    const formId = f.getAttribute('id');
    const buttons: any[] = Array.from(f.querySelectorAll('button[type=submit],button:not([type]),input[type=submit]'));
    if (formId) buttons.push(...Array.from(doc.querySelectorAll(`[form="${formId}"][type=submit]`) as any[]));
    const fields: FormField[] = [];
    Array.from(f.elements as any[]).forEach((el: any, i: number) => {
      if (!el.name || !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return;
      fields.push({
        tag: el.tagName.toLowerCase(),
        type: String(el.type ?? '').toLowerCase(),
        name: el.name,
        required: Boolean(el.required),
        value: el.tagName === 'SELECT' ? el.value : String(el.value ?? ''),
        pattern: el.getAttribute('pattern') ?? '',
        min: el.getAttribute('min') ?? '',
        max: el.getAttribute('max') ?? '',
        step: el.getAttribute('step') ?? '',
        minLength: Number(el.minLength ?? -1),
        maxLength: Number(el.maxLength ?? -1),
        options: el.tagName === 'SELECT' ? Array.from(el.options as any[]).filter((o: any) => !o.disabled).map((o: any) => String(o.value)) : [],
        checked: Boolean(el.checked),
        disabled: Boolean(el.disabled),
        readOnly: Boolean(el.readOnly),
        hint: el.getAttribute('data-sweep-value'),
        index: i,
      });
    });
    const base = {
      index,
      method: String(f.getAttribute('method') ?? 'get').toLowerCase(),
      action: new URL(f.getAttribute('action') ?? '', doc.baseURI).href,
      sweep: f.getAttribute('data-sweep'),
      fields,
    };
    // A disabled button (move the first row up) cannot be pressed.
    const enabled = buttons.filter((b) => !b.disabled);
    const named = enabled.filter((b) => b.getAttribute('name'));
    // Buttons that send a name=value do different things (save, submit): one entry each.
    const pressed = named.length > 1 ? named : enabled.slice(0, 1);
    if (!buttons.length) forms.push({ ...base, submitter: null });
    for (const b of pressed) {
      forms.push({ ...base, sweep: b.getAttribute('data-sweep') ?? base.sweep, submitter: { name: b.getAttribute('name') ?? '', value: b.getAttribute('value') ?? '', text: String(b.textContent ?? b.value ?? '').trim(), index: buttons.indexOf(b) } });
    }
  });
  return { view: doc.body?.getAttribute('data-bina-view') ?? null, title: doc.title, links, forms, textProblems: problems };
}

/** Fills form `index` with `values` (field position -> value or checked), then checks validity. */
export function fillForm(arg: { index: number; values: Array<{ index: number; value?: string; check?: boolean }> }): string[] {
  const doc: any = (globalThis as any).document;
  const f: any = doc.forms[arg.index];
  if (!f) return [`form ${arg.index} is gone`];
  const els: any[] = Array.from(f.elements);
  for (const v of arg.values) {
    const el = els[v.index];
    if (!el) continue;
    if (v.check !== undefined) el.checked = v.check;
    else el.value = v.value ?? '';
    el.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
    el.dispatchEvent(new (globalThis as any).Event('change', { bubbles: true }));
  }
  const invalid: string[] = [];
  for (const el of els) if (el.willValidate && !el.checkValidity()) invalid.push(`${el.name || el.tagName}: ${el.validationMessage}`);
  return invalid;
}

/** Presses submit button `button` of form `index` (its name=value is sent); a form without one is submitted as Enter would. */
export function submitForm(arg: { index: number; button: number }): void {
  const doc: any = (globalThis as any).document;
  const f: any = doc.forms[arg.index];
  const formId = f.getAttribute('id');
  const buttons: any[] = Array.from(f.querySelectorAll('button[type=submit],button:not([type]),input[type=submit]'));
  if (formId) buttons.push(...Array.from(doc.querySelectorAll(`[form="${formId}"][type=submit]`) as any[]));
  const btn = buttons[arg.button];
  // A click, as a person submits: scripts listening for it (confirmations) run.
  if (btn) btn.click();
  else f.requestSubmit();
}

/**
 * Stored-XSS findings on the page (test/support/xss-payloads.ts): a payload's marker element, an
 * element carrying a payload's handler, a payload that ran, or a payload shown escaped twice
 * (`&lt;b` as visible text). Each finding names the payload's number.
 */
export function findXss(): string[] {
  const g: any = globalThis;
  const doc: any = g.document;
  const out: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('[data-xss]')) as any[]) out.push(`payload ${el.getAttribute('data-xss')} is live markup: <${String(el.tagName).toLowerCase()} data-xss> in ${String(el.parentElement?.tagName ?? '').toLowerCase()}`);
  for (const el of Array.from(doc.querySelectorAll('*')) as any[]) {
    for (const a of Array.from(el.attributes ?? []) as any[]) {
      if (/^on/i.test(a.name) && /__xss/.test(a.value)) out.push(`payload ${/__xss=\W?(\d+)/.exec(a.value)?.[1] ?? '?'} is live markup: <${String(el.tagName).toLowerCase()} ${a.name}>`);
    }
  }
  if (g.__xss !== undefined) out.push(`payload ${g.__xss} ran (window.__xss is set)`);
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = String(n.nodeValue ?? '');
    const m = /XSS(\d+)(&quot;|&#x?\d+;|&amp;)|&lt;b data-xss="(\d+)"/.exec(t);
    if (m) out.push(`payload ${m[1] ?? m[3]} is shown escaped twice: "${t.trim().slice(0, 80)}"`);
  }
  return out;
}
