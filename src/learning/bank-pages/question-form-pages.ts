/**
 * The authoring form of every question type: the common fields plus the type's
 * `question-<type>/edit` partial, mapped by its `editForm` (new question, and edit as a new
 * version). A form with mistakes re-renders with what was typed and the reasons beside the fields.
 */
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { PageResult } from '../../http/route-table';
import type { Locale } from '../../views/i18n';
import { pathLabel, type IssueLike } from '../../views/zod-messages';
import type { BankDoc, QuestionDoc } from '../learning-models';
import { bankQuestionInput } from '../question-bank-routes';
import { defaultMarkOf, type QuestionType } from '../question-type';
import { fieldList, fieldRows, fieldValue, formNumber, type EditFields } from '../question-edit-fields';
import { anyForm, bankParams, excerpt, qidParams, type BankPagesKit } from './bank-pages-kit';

const COMMON_FIELDS = ['name', 'stem', 'stemFormat', 'generalFeedback', 'defaultMark', 'categoryId', 'tags', 'difficulty', 'competency', 'level'] as const;
type CommonForm = Record<(typeof COMMON_FIELDS)[number], string>;

/** A question type a trainer can write in the bank's form: one that brings its own form fields. */
type AuthorableType = QuestionType<unknown, unknown> & { editForm: NonNullable<QuestionType['editForm']> };

function hasEditForm(type: QuestionType<unknown, unknown>): type is AuthorableType {
  return type.editForm !== undefined;
}

export function registerQuestionFormPages({ kernel, learning, bank, models, page, tr, shownCategories, typeChoices, latestInBank, messageOf }: BankPagesKit): void {
  /** Rows of editable data for the type partials: `{{#each (editRows fields "opt" "id" "text" extra=2 min=4)}}`. */
  kernel.views.helper('core', 'editRows', (...args: unknown[]) => {
    const options = args.pop() as { hash?: { extra?: number; min?: number } };
    const [fields, prefix, ...keys] = args as [EditFields | undefined, string, ...string[]];
    const rows = fieldRows(fields ?? {}, prefix, keys);
    const blanks = Math.max(Number(options.hash?.extra ?? 0), Number(options.hash?.min ?? 0) - rows.length);
    const blank = Object.fromEntries(keys.map((key) => [key, '']));
    return [...rows.map((r) => ({ ...r, blank: false })), ...Array.from({ length: blanks }, () => ({ ...blank, blank: true }))].map((r, index) => ({ ...r, index, n: index + 1 }));
  });

  function authorable(typeId: string): AuthorableType {
    const type = kernel.registries.questionTypes.get(typeId);
    if (!type || !hasEditForm(type)) throw Errors.notFound(`No authoring form for question type '${typeId}'`);
    return type;
  }

  interface FormState {
    mode: 'new' | 'edit';
    bank: BankDoc;
    type: AuthorableType;
    form: CommonForm;
    fields: Record<string, string | string[]>;
    extra?: number;
    errors?: Partial<Record<(typeof COMMON_FIELDS)[number], string>>;
    dataErrors?: Array<{ path: string; message: string }>;
    question?: QuestionDoc;
    status?: number;
  }

  async function formPage(locale: Locale, state: FormState): Promise<PageResult> {
    const t = tr(locale);
    const typeName = kernel.translator.t(locale, `question-${state.type.id}:name`);
    const cats = shownCategories(locale, await bank.categories(String(state.bank._id)));
    const errors = state.errors ?? {};
    const dataErrors = state.dataErrors ?? [];
    // The summary lists the common fields' errors; the type's own are listed in its section.
    const errorList = COMMON_FIELDS.filter((f) => errors[f]).map((f) => ({ field: f, label: t(`bank.form.${f}`), message: errors[f] }));
    return {
      view: 'core/bank-question-form',
      title: state.mode === 'new' ? t('bank.form.newTitle', { type: typeName }) : t('bank.form.editTitle'),
      status: state.status,
      data: {
        mode: state.mode, isNew: state.mode === 'new', bank: { id: String(state.bank._id), name: state.bank.name },
        type: { id: state.type.id, name: typeName }, editPartial: `question-${state.type.id}/edit`,
        action: state.mode === 'new' ? `/banks/${String(state.bank._id)}/questions` : `/bank-questions/${state.question!.qid}/edit`,
        question: state.question ? { qid: state.question.qid, version: state.question.version, nextVersion: state.question.version + 1 } : null,
        form: state.form, fields: state.fields, extra: state.extra ?? 2, errors, dataErrors, errorList,
        categories: cats.map((c) => ({ id: String(c._id), path: c.path, depth: c.depth, selected: String(c._id) === state.form.categoryId })),
        competencies: (await models.Competency.find().sort({ code: 1 }).lean()).map((c) => ({ code: c.code, name: c.name, selected: c.code === state.form.competency })),
        levels: [1, 2, 3, 4, 5].map((n) => ({ n, selected: String(n) === state.form.level })),
        formats: ['plain', 'moodle', 'html', 'markdown'].map((f) => ({ id: f, selected: f === (state.form.stemFormat || 'plain') })),
        difficulties: ['easy', 'medium', 'hard'].map((d) => ({ id: d, selected: d === state.form.difficulty })),
      },
    };
  }

  function commonFromDoc(q: QuestionDoc): CommonForm {
    return {
      name: q.name, stem: q.stem, stemFormat: q.stemFormat, generalFeedback: q.generalFeedback ?? '', defaultMark: String(q.defaultMark), categoryId: String(q.categoryId ?? ''),
      tags: (q.tags ?? []).join(', '), difficulty: q.difficulty ?? '', competency: q.competency?.code ?? '', level: q.competency ? String(q.competency.level) : '',
    };
  }

  /** Reads the posted form; `ok` carries the question input, otherwise the errors to show. */
  async function readForm(locale: Locale, type: FormState['type'], posted: EditFields, bankId: string) {
    const form = Object.fromEntries(COMMON_FIELDS.map((f) => [f, fieldValue(posted, f)])) as CommonForm;
    const data = type.editForm.fromFields(posted);
    // Shown again normalised (blank rows dropped, new ids kept), whatever the data's validity.
    let fields: Record<string, string | string[]>;
    try {
      fields = keepTyped(type.editForm.toFields(data), posted);
    } catch {
      fields = Object.fromEntries(Object.entries(posted).filter((e): e is [string, string | string[]] => e[1] !== undefined));
    }
    const mark = formNumber(form.defaultMark);
    const level = formNumber(form.level);
    const input = {
      type: type.id, name: form.name.trim() || excerpt(form.stem, 60), stem: form.stem.trim() ? form.stem : '', stemFormat: form.stemFormat || 'plain',
      generalFeedback: form.generalFeedback.trim() ? form.generalFeedback : undefined, defaultMark: mark ?? defaultMarkOf(type),
      categoryId: form.categoryId, tags: [...new Set(form.tags.split(',').map((s) => s.trim()).filter(Boolean))],
      difficulty: form.difficulty || undefined, competency: form.competency ? { code: form.competency, level: level ?? Number.NaN } : undefined, data,
    };
    const errors: NonNullable<FormState['errors']> = {};
    const dataErrors: NonNullable<FormState['dataErrors']> = [];
    const common = bankQuestionInput.safeParse(input);
    if (!common.success) {
      for (const issue of common.error.issues as IssueLike[]) {
        const head = String(issue.path[0]);
        const field = head === 'competency' ? (issue.path[1] === 'level' ? 'level' : 'competency') : (COMMON_FIELDS as readonly string[]).includes(head) ? (head as (typeof COMMON_FIELDS)[number]) : undefined;
        if (!field) continue;
        errors[field] ??= field === 'level' ? tr(locale)('bank.err.level') : field === 'categoryId' ? tr(locale)('bank.err.category') : messageOf(locale, issue);
      }
    }
    const checked = type.dataSchema.safeParse(data);
    if (!checked.success) for (const issue of checked.error.issues as IssueLike[]) dataErrors.push({ path: pathLabel(kernel.translator, locale, issue.path), message: messageOf(locale, issue) });
    // The name is taken from the stem: with no stem either, the stem's error says it all.
    if (errors.stem && !form.name.trim()) delete errors.name;
    if (!errors.categoryId && form.categoryId && !(await models.Category.exists({ _id: form.categoryId, bankId }))) errors.categoryId = tr(locale)('bank.err.category');
    if (!errors.competency && input.competency && !(await models.Competency.exists({ code: input.competency.code }))) errors.competency = tr(locale)('bank.err.competency');
    const ok = Object.keys(errors).length === 0 && dataErrors.length === 0 && common.success ? common.data : null;
    return { form, fields, errors, dataErrors, ok };
  }

  page('/banks/:bankId/questions/new', { method: 'get', summary: 'New question: choose a type, then its authoring form', params: bankParams, query: z.object({ type: z.string().max(40).optional(), categoryId: z.string().max(30).optional() }) }, async ({ params, query, user, locale }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    if (!query.type) {
      return { view: 'core/bank-new', title: t('bank.new.title'), data: { bank: { id: String(b._id), name: b.name }, types: typeChoices(locale).filter((x) => x.authorable), categoryId: query.categoryId ?? '' } };
    }
    const type = authorable(query.type);
    const cats = await bank.categories(params.bankId);
    const categoryId = cats.some((c) => String(c._id) === query.categoryId) ? query.categoryId! : String(cats[0]?._id ?? '');
    const form: CommonForm = { name: '', stem: '', stemFormat: 'plain', generalFeedback: '', defaultMark: String(defaultMarkOf(type)), categoryId, tags: '', difficulty: '', competency: '', level: '' };
    return formPage(locale, { mode: 'new', bank: b, type, form, fields: {} });
  });
  page('/banks/:bankId/questions', { method: 'post', summary: 'Create a question (authoring form)', params: bankParams, body: anyForm }, async ({ params, body, user, res, locale }) => {
    const b = await bank.requireBank(user!, params.bankId);
    const posted = body as EditFields;
    const type = authorable(fieldValue(posted, 'type'));
    const r = await readForm(locale, type, posted, params.bankId);
    const extra = Math.min(50, (Number.parseInt(fieldValue(posted, 'rows_extra'), 10) || 2) + (fieldValue(posted, 'action') === 'more' ? 2 : 0));
    if (fieldValue(posted, 'action') === 'more') return formPage(locale, { mode: 'new', bank: b, type, form: r.form, fields: r.fields, extra });
    if (!r.ok) return formPage(locale, { mode: 'new', bank: b, type, form: r.form, fields: r.fields, extra, errors: r.errors, dataErrors: r.dataErrors, status: 400 });
    const q = await learning.createQuestion(user!, { ...r.ok, bankId: params.bankId });
    res.redirect(303, `/banks/${params.bankId}?msg=created&qid=${q.qid}`);
  });
  page('/bank-questions/:qid/edit', { method: 'get', summary: 'Edit a question (saves a new version)', params: qidParams }, async ({ params, user, locale }) => {
    const q = await latestInBank(user!, params.qid);
    const b = await bank.requireBank(user!, String(q.bankId));
    const type = authorable(q.type);
    return formPage(locale, { mode: 'edit', bank: b, type, form: commonFromDoc(q), fields: type.editForm.toFields(q.data), question: q });
  });
  page('/bank-questions/:qid/edit', { method: 'post', summary: 'Save a new version of a question (authoring form)', params: qidParams, body: anyForm }, async ({ params, body, user, res, locale }) => {
    const q = await latestInBank(user!, params.qid);
    const b = await bank.requireBank(user!, String(q.bankId));
    const type = authorable(q.type);
    const posted = body as EditFields;
    const r = await readForm(locale, type, posted, String(q.bankId));
    const extra = Math.min(50, (Number.parseInt(fieldValue(posted, 'rows_extra'), 10) || 2) + (fieldValue(posted, 'action') === 'more' ? 2 : 0));
    if (fieldValue(posted, 'action') === 'more') return formPage(locale, { mode: 'edit', bank: b, type, form: r.form, fields: r.fields, extra, question: q });
    if (!r.ok) return formPage(locale, { mode: 'edit', bank: b, type, form: r.form, fields: r.fields, extra, errors: r.errors, dataErrors: r.dataErrors, question: q, status: 400 });
    const { categoryId, ...input } = r.ok;
    const saved = await learning.reviseQuestion(user!, params.qid, input);
    // reviseQuestion keeps the previous difficulty and competency when none is given: a cleared field clears them.
    const unset: Record<string, 1> = {};
    if (!input.difficulty && saved.difficulty) unset.difficulty = 1;
    if (!input.competency && saved.competency) unset.competency = 1;
    if (Object.keys(unset).length) await models.Question.updateOne({ _id: saved._id }, { $unset: unset });
    if (categoryId !== String(q.categoryId)) await bank.move(user!, params.qid, categoryId);
    res.redirect(303, `/banks/${String(q.bankId)}?msg=saved&qid=${q.qid}`);
  });

}

/**
 * A number the person typed that is no number comes back from `toFields` as 'NaN': show what
 * they typed instead (for arrays, only when no blank row was dropped, so positions still match).
 */
function keepTyped(fields: Record<string, string | string[]>, posted: EditFields): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, v] of Object.entries(fields)) {
    const typed = fieldList(posted, key);
    if (typeof v === 'string') out[key] = v === 'NaN' ? (typed[typed.length - 1] ?? '') : v;
    else out[key] = typed.length === v.length ? v.map((x, i) => (x === 'NaN' ? (typed[i] ?? '') : x)) : v;
  }
  return out;
}
