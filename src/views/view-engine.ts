/**
 * Handlebars views. Layouts and partials come from `templates/`; each plugin's templates are
 * registered as `<plugin-id>/<name>`. A name registered twice fails the boot (no first-wins).
 * `{{…}}` escapes; only sanitised HTML (lessons) is ever inserted with `{{{…}}}`.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import { Errors } from '../kernel/errors';
import type { Translator, Locale } from './i18n';

type Template = Handlebars.TemplateDelegate;

export class ViewEngine {
  readonly hbs = Handlebars.create();
  private templates = new Map<string, { owner: string; tpl: Template }>();
  private helperOwners = new Map<string, string>();

  constructor(private translator: Translator) {
    this.registerCoreHelpers();
  }

  /** Loads every `.hbs` below `dir` as `<prefix><relative name>`; files under `partials/` also become partials. */
  loadDir(owner: string, dir: string, prefix = ''): void {
    if (!existsSync(dir)) return;
    const walk = (d: string) => {
      for (const ent of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (ent.name.endsWith('.hbs')) {
          const name = prefix + relative(dir, p).replace(/\\/g, '/').replace(/\.hbs$/, '');
          this.addTemplate(owner, name, readFileSync(p, 'utf8'));
        }
      }
    };
    walk(dir);
  }

  addTemplate(owner: string, name: string, source: string): void {
    const prev = this.templates.get(name);
    if (prev) throw Errors.pluginClash(`Template '${name}' is registered by ${prev.owner} and ${owner}`);
    source = csrfTokenByHelper(source);
    this.templates.set(name, { owner, tpl: this.hbs.compile(source, { strict: false, preventIndent: true }) });
    if (name.includes('partials/')) this.hbs.registerPartial(name.replace('partials/', ''), source);
  }

  helper(owner: string, name: string, fn: Handlebars.HelperDelegate): void {
    const prev = this.helperOwners.get(name);
    if (prev) throw Errors.pluginClash(`Handlebars helper '${name}' is registered by ${prev} and ${owner}`);
    this.helperOwners.set(name, owner);
    this.hbs.registerHelper(name, fieldBeforeBareHelper(name, fn));
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  render(name: string, data: Record<string, unknown>): string {
    const t = this.templates.get(name);
    if (!t) throw new Error(`Unknown template ${name}`);
    return t.tpl(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  }

  private registerCoreHelpers(): void {
    const tr = this.translator;
    /**
     * The page's CSRF token at any depth: a helper wins over the context for a bare `{{csrfToken}}`,
     * so a form inside `{{#each}}` or `{{#if}}` gets the page's token, never an empty one from a
     * miscounted `../`. Paths to it are refused when a template loads (assertCsrfTokenByHelper).
     */
    this.helper('core', 'csrfToken', (options: Handlebars.HelperOptions) => String(options.data?.root?.csrfToken ?? ''));
    this.helper('core', 't', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      const locale = (options.data?.root?.locale ?? 'id') as Locale;
      return tr.t(locale, key, options.hash ?? {});
    });
    this.helper('core', 'eq', (a: unknown, b: unknown) => a === b);
    this.helper('core', 'ne', (a: unknown, b: unknown) => a !== b);
    this.helper('core', 'and', (a: unknown, b: unknown) => Boolean(a && b));
    this.helper('core', 'or', (a: unknown, b: unknown) => Boolean(a || b));
    this.helper('core', 'not', (a: unknown) => !a);
    this.helper('core', 'add', (a: number, b: number) => Number(a) + Number(b));
    this.helper('core', 'concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    this.helper('core', 'array', (...args: unknown[]) => args.slice(0, -1));
    this.helper('core', 'object', (options: Handlebars.HelperOptions) => ({ ...options.hash }));
    this.helper('core', 'includes', (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v));
    /** Safe JSON for a `<script type="application/json">` block: `<` escaped so it cannot close the tag. */
    this.helper('core', 'json', (v: unknown) => new Handlebars.SafeString(JSON.stringify(v ?? null).replace(/</g, '\\u003c')));
    /** A number in the page's language (70,83 in Indonesian); `fixed` keeps trailing zeros; text is shown as it is. */
    this.helper('core', 'number', function (v: unknown, options: Handlebars.HelperOptions) {
      const digits = typeof options.hash?.digits === 'number' ? options.hash.digits : 2;
      if (typeof v === 'number') return formatNumber(options.data?.root?.locale === 'en' ? 'en' : 'id', v, digits, options.hash?.fixed === true);
      return v == null ? '' : String(v);
    });
    /**
     * A calendar day in the page's language (8 Des 2026). A plain `YYYY-MM-DD` is a day with no
     * zone (a mentoring period, a due date) and is shown as that day; a Date is shown as its day
     * in the viewer's zone.
     */
    this.helper('core', 'date', function (v: unknown, options: Handlebars.HelperOptions) {
      if (!v) return '';
      const root = options.data?.root ?? {};
      const plainDay = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
      const d = v instanceof Date ? v : new Date(plainDay ? `${String(v)}T00:00:00Z` : String(v));
      if (Number.isNaN(d.getTime())) return String(v);
      const locale = root.locale === 'en' ? 'en-GB' : 'id-ID';
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: plainDay ? 'UTC' : String(root.timeZone ?? 'Asia/Jakarta') }).format(d);
    });
    /** Date and time in the viewer's zone (WIB/WITA/WIT), in their language. */
    this.helper('core', 'datetime', function (v: unknown, options: Handlebars.HelperOptions) {
      if (!v) return '';
      const root = options.data?.root ?? {};
      const d = v instanceof Date ? v : new Date(String(v));
      if (Number.isNaN(d.getTime())) return '';
      const locale = root.locale === 'en' ? 'en-GB' : 'id-ID';
      const tz = String(root.timeZone ?? 'Asia/Jakarta');
      const s = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(d);
      return `${s} ${zoneAbbrev(tz)}`;
    });
  }
}

/**
 * Handlebars calls a helper for a bare `{{number}}` even when the context has a field `number`, so
 * a row's `number` or a template's `json` rendered the helper's output for no value (or threw).
 * A helper called with no arguments while the current context has a field of its name yields
 * that field instead, as the template's author meant.
 */
function fieldBeforeBareHelper(name: string, fn: Handlebars.HelperDelegate): Handlebars.HelperDelegate {
  return function (this: unknown, ...args: unknown[]) {
    if (args.length === 1 && this !== null && typeof this === 'object' && Object.prototype.hasOwnProperty.call(this, name)) {
      return (this as Record<string, unknown>)[name];
    }
    return (fn as (...a: unknown[]) => unknown).apply(this, args);
  };
}

/** A mustache that reads the CSRF token by a path (`{{../csrfToken}}`, `{{@root.csrfToken}}`…). */
export const CSRF_TOKEN_BY_PATH = /\{\{\s*(?:(?:\.\.\/)+|this\.|\.\/|@root\.)csrfToken\s*\}\}/g;

/**
 * A wrong count of `../` before `csrfToken` rendered an empty token and every row form answered
 * 403. The `csrfToken` helper resolves at any depth, so a path to it is read as the helper: the
 * bug cannot come back, and src/views/templates-csrf.test.ts asks authors to write it plainly.
 */
function csrfTokenByHelper(source: string): string {
  return source.replace(CSRF_TOKEN_BY_PATH, '{{csrfToken}}');
}

export function zoneAbbrev(tz: string): string {
  return tz === 'Asia/Makassar' ? 'WITA' : tz === 'Asia/Jayapura' ? 'WIT' : 'WIB';
}

/** A number for people to read, in their language: `id` writes 70,83 and 1.234; `fixed` keeps `digits` decimals. */
export function formatNumber(locale: string, v: number, digits = 2, fixed = false): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'id-ID', { maximumFractionDigits: digits, minimumFractionDigits: fixed ? digits : 0 }).format(v);
}
