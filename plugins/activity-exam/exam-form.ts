/**
 * The exam form (new and edit), without JavaScript: settings plus up to five sections, each
 * drawing from a bank the author may use (the whole bank, or a category and the categories below
 * it), narrowed by a tag and a competency with its level. The form's script asks the pool route
 * how many questions each row can draw from as the author types (`public/exam-form.js`); without
 * it the exam page lists the same counts after saving. A refused form comes back with what was
 * typed and the reasons beside the fields. Access rules bring their own fields (their `form` in
 * the core's access-rule contract), so the form names none of them.
 */
import { Types } from 'mongoose';
import type { SessionUser } from '../../src/identity/session-user';
import type { AccessRule } from '../../src/learning/access-rule';
import type { LearningService } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import { shownCategories } from '../../src/learning/bank-category-names';
import type { ExamDoc } from './exam-models';

export const SECTION_ROWS = 5;
const ZONE_OFFSET: Record<string, string> = { 'Asia/Jakarta': '+07:00', 'Asia/Makassar': '+08:00', 'Asia/Jayapura': '+09:00' };
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type FormValues = Record<string, string>;
type Body = Record<string, string | string[] | undefined>;

const str = (body: Body, k: string) => {
  const v = body[k];
  return (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '')).trim();
};

/** The source of a row: `bankId` (whole bank) or `bankId:categoryId`. */
export function parseSource(source: string): { bankId: string; categoryId?: string } | null {
  const m = /^([a-f0-9]{24})(?::([a-f0-9]{24}))?$/i.exec(source);
  return m ? { bankId: m[1]!, ...(m[2] ? { categoryId: m[2] } : {}) } : null;
}

/** A category and every category below it (what "draw from this category" means to an author). */
export async function categoryWithDescendants(learning: LearningService, bankId: string, categoryId: string): Promise<string[]> {
  const cat = await learning.models.Category.findOne({ _id: categoryId, bankId }).lean();
  if (!cat) return [categoryId];
  const subs = await learning.models.Category.find({ bankId, path: { $regex: `^${escapeRegex(cat.path)}/` } }, { _id: 1 }).lean();
  return [categoryId, ...subs.map((s) => String(s._id))];
}

/** Access rules that add fields to the form. */
type FormRule = AccessRule & { form: NonNullable<AccessRule['form']> };
const withForm = (rules: readonly AccessRule[]): FormRule[] => rules.filter((r): r is FormRule => Boolean(r.form));
/** A rule's field as the form posts it. */
const accessField = (rule: AccessRule, name: string) => `${rule.id}:${name}`;

/**
 * The exam's access rules from the posted form: each rule with fields gives its settings (`null`:
 * off), checked with its schema; rules with no fields keep what the exam holds (`kept`, on edit).
 */
export function accessFromValues(rules: readonly AccessRule[], v: FormValues, kept: ReadonlyArray<{ rule: string; settings: unknown }> = []) {
  const formRules = withForm(rules);
  const access = kept.filter((a) => !formRules.some((r) => r.id === a.rule));
  const errors: Record<string, string> = {};
  for (const rule of formRules) {
    const typed = Object.fromEntries(rule.form.fields.map((f) => [f.name, v[accessField(rule, f.name)] ?? '']));
    const settings = rule.form.fromFields(typed);
    if (settings === null) continue;
    if (!rule.settingsSchema.safeParse(settings).success) errors[accessField(rule, rule.form.fields[0]!.name)] = rule.form.invalidKey;
    access.push({ rule: rule.id, settings });
  }
  return { access, errors };
}

/** Local `datetime-local` text of a UTC date in the user's zone. */
function localInput(d: Date | undefined | null, zone: string): string {
  if (!d) return '';
  const offset = ZONE_OFFSET[zone] ?? '+07:00';
  const hours = Number(offset.slice(1, 3));
  return new Date(d.getTime() + hours * 3600_000).toISOString().slice(0, 16);
}

/** The form's values for an existing exam (edit), one row per section. */
export function valuesOf(exam: ExamDoc, zone: string, rules: readonly AccessRule[]): FormValues {
  const v: FormValues = {
    title: exam.title, intro: exam.intro, opensAt: localInput(exam.opensAt, zone), closesAt: localInput(exam.closesAt, zone),
    timeLimitMinutes: exam.timeLimitMinutes ? String(exam.timeLimitMinutes) : '', attemptsAllowed: String(exam.attemptsAllowed), navigation: exam.navigation,
    passPoints: exam.pass?.mode === 'points' ? String(exam.pass.value) : '', boardIdentity: exam.board.identity, boardPublic: exam.board.public ? 'on' : '',
  };
  for (const rule of withForm(rules)) {
    const held = exam.access.find((a) => a.rule === rule.id);
    if (held) for (const [name, value] of Object.entries(rule.form.toFields(held.settings))) v[accessField(rule, name)] = value;
  }
  exam.sections.forEach((s, i) => {
    const n = i + 1;
    v[`s${n}_key`] = s.key;
    v[`s${n}_title`] = s.title;
    v[`s${n}_source`] = s.draw?.bankId ? `${s.draw.bankId}${s.draw.categoryIds?.[0] ? `:${s.draw.categoryIds[0]}` : ''}` : '';
    v[`s${n}_tag`] = s.draw?.tags?.[0] ?? '';
    v[`s${n}_competency`] = s.draw?.competencyCode ?? '';
    v[`s${n}_level`] = s.draw?.competencyLevel ? String(s.draw.competencyLevel) : '';
    v[`s${n}_count`] = s.draw ? String(s.draw.count) : '';
    v[`s${n}_mark`] = s.draw?.mark !== undefined ? String(s.draw.mark) : '';
    v[`s${n}_pass`] = s.pass?.mode === 'points' ? String(s.pass.value) : '';
  });
  return v;
}

export function valuesFromBody(body: Body): FormValues {
  const v: FormValues = {};
  for (const k of Object.keys(body)) if (k !== '_csrf') v[k] = str(body, k);
  return v;
}

/**
 * The examInput-shaped object of a posted form (settings and sections); the caller validates it
 * with the same schema as the API, so form and API cannot disagree.
 */
export async function inputFromValues(learning: LearningService, v: FormValues, user: SessionUser, access: Array<{ rule: string; settings: unknown }>) {
  const num = (k: string) => (v[k] ? Number(v[k]) : undefined);
  const zone = ZONE_OFFSET[user.timeZone] ?? '+07:00';
  const when = (k: string) => (v[k] ? `${v[k]}:00${zone}` : undefined);
  const sections = [];
  for (let i = 1; i <= SECTION_ROWS; i++) {
    if (!v[`s${i}_key`]) continue;
    const source = parseSource(v[`s${i}_source`] ?? '');
    const competency = v[`s${i}_competency`] ? { code: v[`s${i}_competency`]!, ...(num(`s${i}_level`) ? { level: num(`s${i}_level`)! } : {}) } : undefined;
    sections.push({
      key: v[`s${i}_key`]!.toLowerCase(), title: v[`s${i}_title`] || v[`s${i}_key`]!.toUpperCase(),
      draw: {
        count: num(`s${i}_count`) ?? 0, mark: num(`s${i}_mark`),
        ...(source ? { bankId: source.bankId, categoryIds: source.categoryId ? await categoryWithDescendants(learning, source.bankId, source.categoryId) : [] } : {}),
        tags: v[`s${i}_tag`] ? [v[`s${i}_tag`]!] : [],
        ...(competency ? { competency } : {}),
      },
      ...(num(`s${i}_pass`) !== undefined ? { pass: { mode: 'points' as const, value: num(`s${i}_pass`)! } } : {}),
    });
  }
  return {
    title: v.title ?? '', intro: v.intro ?? '', opensAt: when('opensAt'), closesAt: when('closesAt'),
    timeLimitMinutes: num('timeLimitMinutes'), attemptsAllowed: num('attemptsAllowed') ?? 1, navigation: v.navigation === 'sequential' ? 'sequential' as const : 'free' as const,
    ...(num('passPoints') !== undefined ? { pass: { mode: 'points' as const, value: num('passPoints')! } } : {}),
    board: { identity: v.boardIdentity === 'names' ? 'names' as const : 'masked_nip' as const, public: v.boardPublic === 'on' },
    access,
    sections,
  };
}

/** Reasons by form field name (`title`, `s2_count`, …) from validation issues of examInput. */
export function fieldErrors(issues: Array<{ path: PropertyKey[]; message: string }>, t: (k: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  const name = (path: PropertyKey[]): string => {
    if (path[0] === 'sections' && typeof path[1] === 'number') {
      const row = path[1] + 1;
      const field = String(path[3] === 'competency' ? 'competency' : path[2] === 'draw' ? path[3] ?? 'count' : path[2] ?? 'key');
      const map: Record<string, string> = { bankId: 'source', categoryIds: 'source', tags: 'tag', competency: 'competency', count: 'count', mark: 'mark', pass: 'pass', key: 'key', title: 'title' };
      return `s${row}_${map[field] ?? 'key'}`;
    }
    if (path[0] === 'pass') return 'passPoints';
    if (path[0] === 'sections') return 's1_key';
    return String(path[0] ?? 'title');
  };
  for (const i of issues) {
    const field = name(i.path);
    const generic = field.replace(/^s\d+_/, 'section.');
    out[field] ??= t(`activity-exam:form.invalid.${generic}`);
  }
  return out;
}

/** What the form shows: the banks (with categories) the author may use, competencies, rows. */
export async function formData(learning: LearningService, bank: QuestionBank, user: SessionUser, values: FormValues, errors: Record<string, string>, rules: readonly AccessRule[], defaultCategoryName: string) {
  const banks = await bank.banksFor(user);
  const sources = await Promise.all(banks.map(async (b) => ({
    id: String(b._id), name: b.name,
    categories: shownCategories(await bank.categories(String(b._id)), defaultCategoryName).map((c) => ({ value: `${b._id}:${c._id}`, label: `${'— '.repeat(Math.min(c.depth, 6))}${c.name} (${c.count})` })),
  })));
  const competencies = await learning.models.Competency.find().sort({ code: 1 }).lean();
  const rows = Array.from({ length: SECTION_ROWS }, (_, i) => {
    const n = i + 1;
    const f = (k: string) => values[`s${n}_${k}`] ?? '';
    return {
      n, key: f('key'), title: f('title'), tag: f('tag'), count: f('count'), mark: f('mark'), pass: f('pass'), level: f('level'),
      sources: sources.map((b) => ({ ...b, selected: f('source') === b.id, categories: b.categories.map((c) => ({ ...c, selected: c.value === f('source') })) })),
      competencies: competencies.map((c) => ({ code: c.code, name: c.name, selected: c.code === f('competency') })),
      levels: [1, 2, 3, 4, 5].map((l) => ({ l, selected: String(l) === f('level') })),
      errors: Object.fromEntries(Object.entries(errors).filter(([k]) => k.startsWith(`s${n}_`)).map(([k, m]) => [k.slice(`s${n}_`.length), m])),
    };
  });
  const accessFields = withForm(rules).flatMap((rule) => rule.form.fields.map((f) => {
    const name = accessField(rule, f.name);
    return { name, labelKey: f.labelKey, maxLength: f.maxLength ?? 200, value: values[name] ?? '', error: errors[name] ?? null };
  }));
  return { values, errors, rows, accessFields, noBanks: banks.length === 0, hasErrors: Object.keys(errors).length > 0 };
}

/** The draw of one row for the live pool count (same filter as a start would use). */
export function poolDraw(input: { bankId?: string; categoryIds: string[]; tag?: string; competency?: string; level?: number }) {
  return {
    count: 1, categoryIds: input.categoryIds.map((c) => new Types.ObjectId(c)), tags: input.tag ? [input.tag] : [],
    ...(input.bankId ? { bankId: new Types.ObjectId(input.bankId) } : {}),
    ...(input.competency ? { competencyCode: input.competency } : {}), ...(input.level ? { competencyLevel: input.level } : {}),
  };
}
