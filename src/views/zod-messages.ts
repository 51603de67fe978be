/**
 * Validation messages in the reader's language. A schema keeps its English `message`, which the
 * JSON API returns in its error `details` and which is every page's last resort. A custom issue
 * also carries an i18n key and its args in zod's issue `params` (built with `i18nIssue`), and zod's
 * own checks (required, too long, min/max…) map to the core's `bank.err.*` strings here, so the
 * authoring form, the preview's "try an answer" and the import preview and report all show the
 * same words. An issue with no key, or with a key that has no translation, shows its English text.
 */
import type { Locale, Translator } from './i18n';

type Args = Record<string, unknown>;
type Strings = Pick<Translator, 't' | 'exists'>;

/** A message either language can show: the English text, and the key (with args) that translates it. */
export interface LocalizableText {
  message: string;
  i18n?: string | undefined;
  args?: Args | undefined;
}

/** A localizable message about a field: `path` as in a zod issue (`['options', 1, 'fraction']`), [] for the whole. */
export interface LocalizableIssue extends LocalizableText {
  path: Array<string | number>;
}

/** The fields of a zod issue read here (zod 4's issues, loosely typed so that any of them fits). */
export interface IssueLike {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
  origin?: string;
  expected?: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  params?: Record<string, unknown>;
}

/**
 * The `message` and `params` of a custom issue: `ctx.addIssue({ code: 'custom', path, ...i18nIssue(…) })`
 * or `.refine(check, i18nIssue(…))`. `message` is the API's English text; `key` names the string
 * pages show instead (`<plugin-id>:errors.<name>`, or a core `bank.err.<name>`).
 */
export function i18nIssue(message: string, key: string, args?: Args): { message: string; params: { i18n: string; args?: Args } } {
  return { message, params: args ? { i18n: key, args } : { i18n: key } };
}

/**
 * The same for a message that no zod schema produces (the import file readers' problems):
 * `localizable('…', '<plugin-id>:problems.<name>', args)`. An arg may itself be a `LocalizableText`
 * (a reason inside "question not imported: …"): `localize` translates it first.
 */
export function localizable(message: string, key: string, args?: Args): LocalizableText {
  return args ? { message, i18n: key, args } : { message, i18n: key };
}

/** zod's built-in checks → the core's strings; undefined for anything else. */
function builtInKey(issue: IssueLike): Omit<LocalizableText, 'message'> | undefined {
  const { code, origin, minimum: min, maximum: max } = issue;
  const strict = issue.inclusive === false;
  if (code === 'too_small' && origin === 'string') return min === 1 ? { i18n: 'bank.err.required' } : { i18n: 'bank.err.tooShort', args: { min } };
  if (code === 'too_big' && origin === 'string') return { i18n: 'bank.err.tooLong', args: { max } };
  if (code === 'too_small' && origin === 'array') return { i18n: 'bank.err.tooFew', args: { min } };
  if (code === 'too_big' && origin === 'array') return { i18n: 'bank.err.tooMany', args: { max } };
  if (code === 'too_small' && origin === 'number') return { i18n: strict ? 'bank.err.above' : 'bank.err.min', args: { min } };
  if (code === 'too_big' && origin === 'number') return { i18n: strict ? 'bank.err.below' : 'bank.err.max', args: { max } };
  if (code === 'invalid_type' && issue.expected === 'number') return { i18n: 'bank.err.number' };
  if (code === 'invalid_type' && issue.expected === 'int') return { i18n: 'bank.err.integer' };
  if (code === 'invalid_type' && issue.expected === 'boolean') return { i18n: 'bank.err.choose' };
  // An enum or literal lists values that are internal names (`all_or_nothing`): the form shows the choices.
  if (code === 'invalid_value') return { i18n: 'bank.err.choose' };
  if (code === 'invalid_type' || code === 'invalid_union' || code === 'invalid_format' || code === 'unrecognized_keys') return { i18n: 'bank.err.invalid' };
  return undefined;
}

/** An issue's own key (`params.i18n`), else the core's string for a zod check, else none. */
export function issueKey(issue: IssueLike): Omit<LocalizableText, 'message'> {
  const own = issue.params?.i18n;
  if (typeof own === 'string') {
    const args = issue.params?.args;
    return { i18n: own, args: args && typeof args === 'object' ? (args as Args) : undefined };
  }
  return builtInKey(issue) ?? {};
}

/** A zod issue as plain data, to store or to show later in whichever language the reader has. */
export function toLocalizable(issue: IssueLike): LocalizableIssue {
  const { i18n, args } = issueKey(issue);
  return {
    path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: issue.message,
    ...(i18n ? { i18n } : {}),
    ...(args ? { args } : {}),
  };
}

function isLocalizable(v: unknown): v is LocalizableText {
  return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';
}

/** The text in `locale`: its key's translation when there is one (args that are texts translated too), otherwise its English message. */
export function localize(strings: Strings, locale: Locale, text: LocalizableText): string {
  if (!text.i18n || !strings.exists(locale, text.i18n)) return text.message;
  const args = text.args && Object.fromEntries(Object.entries(text.args).map(([k, v]) => [k, isLocalizable(v) ? localize(strings, locale, v) : v]));
  return strings.t(locale, text.i18n, args);
}

/**
 * An API error's `details` with `localizedMessage` beside the English `message` of each entry that
 * carries a key (a learner's refused answer…), for the caller's page to show. Other details stay as they are.
 */
export function withLocalizedMessages(strings: Strings, locale: Locale, details: unknown): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((d: unknown) => (isLocalizable(d) && typeof d.i18n === 'string' ? { ...d, localizedMessage: localize(strings, locale, d) } : d));
}

/** A zod issue's message in `locale`. */
export function localizedIssue(strings: Strings, locale: Locale, issue: IssueLike): string {
  return localize(strings, locale, { message: issue.message, ...issueKey(issue) });
}

/** `['options', 1, 'fraction']` → "Opsi › 2 › Nilai (%)" (`bank.path.*`; a segment without a translation stays as it is). */
export function pathLabel(strings: Strings, locale: Locale, path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? String(p + 1) : strings.exists(locale, `bank.path.${String(p)}`) ? strings.t(locale, `bank.path.${String(p)}`) : String(p))).join(' › ');
}

/** "Opsi › 2 › Nilai (%): …", or the message alone when it is about the whole question. */
export function localizedWithPath(strings: Strings, locale: Locale, issue: LocalizableIssue): string {
  const message = localize(strings, locale, issue);
  return issue.path.length ? `${pathLabel(strings, locale, issue.path)}: ${message}` : message;
}

/** An import's reasons in the reader's language; a report stored before reasons had details shows its English text. */
export function localizedReasons(strings: Strings, locale: Locale, r: { reasons: string[]; details?: LocalizableIssue[] | undefined }): string[] {
  return r.details?.length ? r.details.map((d) => localizedWithPath(strings, locale, d)) : r.reasons;
}
