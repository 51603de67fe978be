/**
 * The trainer's question-bank pages, server-rendered and usable without JavaScript: my banks; a
 * bank with its category tree and a filtered, paginated question list (preview, edit, versions,
 * move, copy, hide/show, delete); the authoring form of every question type (common fields plus
 * the type's `question-<type>/edit` partial, mapped by its `editForm`); the preview as a learner
 * and as a trainer, with a "try an answer" grader and the versions; and the import wizard
 * (paste or upload, preview table with line-numbered problems, confirm, progress, report).
 *
 * Every change goes through QuestionBank, QuestionImport and LearningService, the same services
 * as the JSON API, so a page can do nothing the API would refuse. A bank the user may not edit is
 * a 404, as in the API. The form fields are read with the helpers of question-edit-fields.ts,
 * which the types' `edit-form.ts` modules use too.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BinaError, Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { PageResult, RouteHandler, RouteSpec } from '../http/route-table';
import { objectId } from '../identity/identity-service';
import type { IdentityService } from '../identity/identity-service';
import type { SessionUser } from '../identity/session-user';
import type { Locale } from '../views/i18n';
import { localize, localizedIssue, localizedReasons, localizedWithPath, pathLabel, type IssueLike, type LocalizableIssue, type LocalizableText } from '../views/zod-messages';
import type { BankDoc, QuestionDoc } from './learning-models';
import { toQuestion, type LearningService } from './learning-service';
import type { QuestionBank } from './question-bank';
import { bankQuestionInput } from './question-bank-routes';
import { defaultMarkOf, type QuestionType } from './question-type';
import { fieldList, fieldRows, fieldValue, formNumber, type EditFields } from './question-edit-fields';
import { SYNC_IMPORT_LIMIT, type ImportDoc, type QuestionImport } from './interchange/question-import';

const CAP = 'learning:question-author';
const PAGE_SIZE = 20;
const COMMON_FIELDS = ['name', 'stem', 'stemFormat', 'generalFeedback', 'defaultMark', 'categoryId', 'tags', 'difficulty', 'competency', 'level'] as const;
type CommonForm = Record<(typeof COMMON_FIELDS)[number], string>;

/** Any urlencoded form: names to strings or lists of strings. */
const anyForm = z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(20_000)).max(500)]));
const looseQuery = z.record(z.string().max(60), z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]));
const bankParams = z.object({ bankId: objectId });
const qidParams = z.object({ qid: z.uuid() });

export function registerQuestionBankPages(k: KernelServices, learning: LearningService, bank: QuestionBank, imports: QuestionImport): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'capability' | 'path'>, h: RouteHandler) =>
    k.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page', capability: CAP }, h);
  const models = learning.models;

  /** Rows of editable data for the type partials: `{{#each (editRows fields "opt" "id" "text" extra=2 min=4)}}`. */
  k.views.helper('core', 'editRows', (...args: unknown[]) => {
    const options = args.pop() as { hash?: { extra?: number; min?: number } };
    const [fields, prefix, ...keys] = args as [EditFields | undefined, string, ...string[]];
    const rows = fieldRows(fields ?? {}, prefix, keys);
    const blanks = Math.max(Number(options.hash?.extra ?? 0), Number(options.hash?.min ?? 0) - rows.length);
    const blank = Object.fromEntries(keys.map((key) => [key, '']));
    return [...rows.map((r) => ({ ...r, blank: false })), ...Array.from({ length: blanks }, () => ({ ...blank, blank: true }))].map((r, index) => ({ ...r, index, n: index + 1 }));
  });

  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => k.translator.t(locale, key, args);
  /**
   * Categories as readers see them: the category every bank starts with is stored as `Default` (the
   * name Moodle files use, so exports round-trip) and shown in the reader's language.
   */
  const shownCategories = <C extends { name: string; path: string }>(locale: Locale, cats: C[]): C[] => {
    const shown = k.translator.t(locale, 'bank.defaultCategory');
    const rename = (p: string) => (p === 'Default' || p.startsWith('Default/') ? shown + p.slice('Default'.length) : p);
    return cats.map((c) => ({ ...c, name: c.path === 'Default' ? shown : c.name, path: rename(c.path) }));
  };

  async function ownerLabels(banks: BankDoc[]): Promise<Map<string, string>> {
    const courseIds = banks.filter((b) => b.owner.type === 'course').map((b) => b.owner.id);
    const unitIds = banks.filter((b) => b.owner.type === 'unit').map((b) => b.owner.id);
    const labels = new Map<string, string>();
    for (const c of await models.Course.find({ _id: { $in: courseIds } }, { title: 1 }).lean()) labels.set(String(c._id), c.title);
    const identity = k.services.get('identity')?.impl as IdentityService | undefined;
    if (identity && unitIds.length) for (const u of await identity.models.Unit.find({ _id: { $in: unitIds } }, { name: 1 }).lean()) labels.set(String(u._id), u.name);
    return labels;
  }

  async function ownerChoices(user: SessionUser) {
    const courses = await models.Course.find(user.roles.includes('admin') ? {} : { trainerIds: user.id }, { title: 1 }).sort({ title: 1 }).limit(500).lean();
    const choices = courses.map((c) => ({ value: `course:${String(c._id)}`, label: c.title, group: 'course' }));
    const identity = k.services.get('identity')?.impl as IdentityService | undefined;
    if (user.unitId && identity) {
      const unit = await identity.models.Unit.findById(user.unitId, { name: 1 }).lean();
      if (unit) choices.unshift({ value: `unit:${user.unitId}`, label: unit.name, group: 'unit' });
    }
    return choices;
  }

  async function banksPage(user: SessionUser, locale: Locale, extra: { status?: number; errors?: string[]; form?: Record<string, string> } = {}): Promise<PageResult> {
    const t = tr(locale);
    const banks = await bank.banksFor(user);
    const labels = await ownerLabels(banks);
    const counts = new Map(
      (await models.Question.aggregate<{ _id: unknown; n: number }>([{ $match: { bankId: { $in: banks.map((b) => b._id) }, latest: true } }, { $group: { _id: '$bankId', n: { $sum: 1 } } }])).map((c) => [String(c._id), c.n]),
    );
    return {
      view: 'core/bank-list', title: t('bank.title'), status: extra.status,
      data: {
        banks: banks.map((b) => ({ id: String(b._id), name: b.name, ownerType: b.owner.type, owner: labels.get(String(b.owner.id)) ?? String(b.owner.id), count: counts.get(String(b._id)) ?? 0 })),
        owners: await ownerChoices(user), errors: extra.errors ?? [], form: extra.form ?? {},
      },
    };
  }

  // ---- my banks ----
  page('/banks', { method: 'get', summary: 'My question banks' }, ({ user, locale }) => banksPage(user!, locale));
  page('/banks', { method: 'post', summary: 'Create a question bank (form)', body: z.object({ name: z.string().max(500).default(''), owner: z.string().max(100).default(''), _csrf: z.string().optional() }) }, async ({ body, user, res, locale }) => {
    const t = tr(locale);
    const [type, id] = body.owner.split(':');
    const parsed = z.strictObject({ name: z.string().trim().min(1).max(200), owner: z.strictObject({ type: z.enum(['unit', 'course']), id: objectId }) }).safeParse({ name: body.name, owner: { type, id } });
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => (i.path[0] === 'name' ? t('bank.list.nameRequired') : t('bank.list.ownerRequired')));
      return banksPage(user!, locale, { status: 400, errors: [...new Set(errors)], form: body });
    }
    const b = await bank.createBank(user!, parsed.data);
    res.redirect(303, `/banks/${String(b._id)}`);
  });

  // ---- one bank ----
  function bankLink(bankId: string, q: Record<string, string | undefined>): string {
    const s = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return `/banks/${bankId}${s ? `?${s}` : ''}`;
  }

  /** A `back` URL from a form, accepted only when it is this bank's page (no open redirect). */
  function backTo(bankId: string, back: string | undefined, msg: Record<string, string>): string {
    let search = new URLSearchParams();
    if (back) {
      try {
        const u = new URL(back, 'http://bina.invalid');
        if (u.origin === 'http://bina.invalid' && u.pathname === `/banks/${bankId}`) search = u.searchParams;
      } catch {
        /* ignore a malformed back link */
      }
    }
    for (const key of ['msg', 'qid']) search.delete(key);
    for (const [key, v] of Object.entries(msg)) search.set(key, v);
    const s = search.toString();
    return `/banks/${bankId}${s ? `?${s}` : ''}`;
  }

  /** The usual types first, in the order trainers think of them; any other installed type after, and types that carry no mark last. */
  const TYPE_ORDER = ['multichoice', 'truefalse', 'shortanswer', 'numerical', 'matching', 'ordering', 'essay'];
  const rank = (id: string) => (k.registries.questionTypes.get(id)?.scored === false ? TYPE_ORDER.length + 1 : TYPE_ORDER.includes(id) ? TYPE_ORDER.indexOf(id) : TYPE_ORDER.length);
  const typeChoices = (locale: Locale) =>
    k.registries.questionTypes.list().sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id)).map((q) => ({ id: q.id, name: k.translator.t(locale, `question-${q.id}:name`), authorable: Boolean(q.editForm) }));

  page('/banks/:bankId', { method: 'get', summary: 'A question bank: category tree, filtered questions', params: bankParams, query: looseQuery }, async ({ params, query, user, locale, req }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const q = Object.fromEntries(Object.entries(query as Record<string, string | string[]>).map(([key, v]) => [key, Array.isArray(v) ? (v[v.length - 1] ?? '') : v]));
    const cats = shownCategories(locale, await bank.categories(params.bankId));
    const catIds = new Set(cats.map((c) => String(c._id)));
    const filter = {
      categoryId: q.categoryId && catIds.has(q.categoryId) ? q.categoryId : undefined,
      sub: q.sub !== 'false',
      type: q.type && k.registries.questionTypes.get(q.type) ? q.type : undefined,
      tag: q.tag?.trim() || undefined,
      difficulty: (['easy', 'medium', 'hard'] as const).find((d) => d === q.difficulty),
      competency: q.competency || undefined,
      level: /^[1-5]$/.test(q.level ?? '') ? Number(q.level) : undefined,
      q: q.q?.trim() || undefined,
      hidden: q.hidden === 'true',
    };
    const pageNo = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const r = await bank.search({
      bankId: params.bankId, categoryId: filter.categoryId, recursive: filter.sub, type: filter.type, tag: filter.tag, difficulty: filter.difficulty,
      competency: filter.competency, level: filter.level, q: filter.q, includeHidden: filter.hidden, limit: PAGE_SIZE, skip: (pageNo - 1) * PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
    const filterQuery = {
      categoryId: filter.categoryId, sub: filter.sub ? undefined : 'false', type: filter.type, tag: filter.tag, difficulty: filter.difficulty,
      competency: filter.competency, level: filter.level ? String(filter.level) : undefined, q: filter.q, hidden: filter.hidden ? 'true' : undefined,
    };
    const catPath = new Map(cats.map((c) => [String(c._id), c.path]));
    const current = req.originalUrl;
    const msg = typeof q.msg === 'string' ? q.msg : '';
    const inUse = msg === 'inuse' && q.qid ? await models.Question.findOne({ qid: q.qid, latest: true, bankId: b._id }, { name: 1, qid: 1, hidden: 1 }).lean() : null;
    const exportQuery = filter.categoryId ? `&categoryId=${filter.categoryId}` : '';
    return {
      view: 'core/bank', title: b.name,
      data: {
        bank: { id: String(b._id), name: b.name },
        categories: cats.map((c) => ({ id: String(c._id), name: c.name, path: c.path, depth: Math.min(c.depth, 6), count: c.count, active: String(c._id) === filter.categoryId, link: bankLink(params.bankId, { ...filterQuery, categoryId: String(c._id), page: undefined }) })),
        allLink: bankLink(params.bankId, { ...filterQuery, categoryId: undefined }),
        filter, types: typeChoices(locale), competencies: await models.Competency.find().sort({ code: 1 }).lean(),
        total: r.total, pageNo, pages,
        prevLink: pageNo > 1 ? bankLink(params.bankId, { ...filterQuery, page: String(pageNo - 1) }) : null,
        nextLink: pageNo < pages ? bankLink(params.bankId, { ...filterQuery, page: String(pageNo + 1) }) : null,
        questions: r.questions.map((x) => ({
          qid: x.qid, name: x.name, excerpt: excerpt(x.stem, 140), type: x.type, typeName: k.translator.t(locale, `question-${x.type}:name`), version: x.version, hidden: x.hidden,
          tags: x.tags ?? [], difficulty: x.difficulty, competency: x.competency, categoryId: String(x.categoryId), category: catPath.get(String(x.categoryId)) ?? '',
          source: x.source ? `${x.source.format.toUpperCase()} · ${t('bank.import.line')} ${x.source.line}` : null,
        })),
        back: current, msg, inUse: inUse ? { qid: inUse.qid, name: inUse.name, hidden: inUse.hidden } : null,
        exportGift: `/api/v1/banks/${params.bankId}/export?format=gift${exportQuery}`,
        exportXml: `/api/v1/banks/${params.bankId}/export?format=moodlexml${exportQuery}`,
        exporters: k.registries.exporters.ids(),
      },
    };
  });

  page('/banks/:bankId/categories', { method: 'post', summary: 'Create a (sub)category (form)', params: bankParams, body: z.object({ name: z.string().max(500).default(''), parentId: z.string().max(30).default(''), back: z.string().max(2000).optional(), _csrf: z.string().optional() }) }, async ({ params, body, user, res }) => {
    await bank.requireBank(user!, params.bankId);
    const name = body.name.trim();
    if (!name || name.length > 100 || name.includes('/')) return void res.redirect(303, backTo(params.bankId, body.back, { msg: 'catinvalid' }));
    try {
      await bank.createCategory(user!, params.bankId, { name, parentId: body.parentId || undefined });
    } catch (e) {
      if (e instanceof BinaError && e.status < 500) return void res.redirect(303, backTo(params.bankId, body.back, { msg: e.status === 409 ? 'catexists' : 'catinvalid' }));
      throw e;
    }
    res.redirect(303, backTo(params.bankId, body.back, { msg: 'catcreated' }));
  });

  // ---- actions on one question (forms on the bank page) ----
  async function latestInBank(user: SessionUser, qid: string): Promise<QuestionDoc & { bankId: NonNullable<QuestionDoc['bankId']> }> {
    const q = await models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await bank.requireBank(user, String(q.bankId));
    return q as QuestionDoc & { bankId: NonNullable<QuestionDoc['bankId']> };
  }
  const actionBody = z.object({ back: z.string().max(2000).optional(), categoryId: z.string().max(30).optional(), hidden: z.string().max(10).optional(), confirm: z.string().max(10).optional(), _csrf: z.string().optional() });
  page('/bank-questions/:qid/move', { method: 'post', summary: 'Move a question to another category (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    await bank.move(user!, params.qid, body.categoryId ?? '');
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'moved' }));
  });
  page('/bank-questions/:qid/copy', { method: 'post', summary: 'Copy a question into a category of its bank (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    await bank.copy(user!, params.qid, { bankId: String(q.bankId), categoryId: body.categoryId ?? '' });
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'copied' }));
  });
  page('/bank-questions/:qid/hidden', { method: 'post', summary: 'Hide or show a question (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    const hidden = body.hidden === 'true';
    await bank.setHidden(user!, params.qid, hidden);
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: hidden ? 'hidden' : 'shown' }));
  });
  page('/bank-questions/:qid/delete', { method: 'post', summary: 'Delete a question nothing uses (form; in use: suggests hiding)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    if (body.confirm !== 'yes') return void res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'confirmdelete' }));
    try {
      await bank.delete(user!, params.qid);
    } catch (e) {
      if (e instanceof BinaError && e.status === 409) return void res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'inuse', qid: params.qid }));
      throw e;
    }
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'deleted' }));
  });

  // ---- authoring form ----
  function authorable(typeId: string): QuestionType<unknown, unknown> & { editForm: NonNullable<QuestionType['editForm']> } {
    const type = k.registries.questionTypes.get(typeId);
    if (!type?.editForm) throw Errors.notFound(`No authoring form for question type '${typeId}'`);
    return type as never;
  }

  /** A validation issue in the page's language (the type's own string, zod's checks, or its English message). */
  const messageOf = (locale: Locale, issue: IssueLike) => localizedIssue(k.translator, locale, issue);

  interface FormState {
    mode: 'new' | 'edit';
    bank: BankDoc;
    type: QuestionType<unknown, unknown> & { editForm: NonNullable<QuestionType['editForm']> };
    form: CommonForm;
    fields: Record<string, string | string[]>;
    extra?: number;
    errors?: Partial<Record<(typeof COMMON_FIELDS)[number], string>>;
    dataErrors?: Array<{ path: string; message: string }>;
    question?: QuestionDoc;
    status?: number;
  }

  async function formPage(locale: Locale, s: FormState): Promise<PageResult> {
    const t = tr(locale);
    const typeName = k.translator.t(locale, `question-${s.type.id}:name`);
    const cats = shownCategories(locale, await bank.categories(String(s.bank._id)));
    const errors = s.errors ?? {};
    const dataErrors = s.dataErrors ?? [];
    // The summary lists the common fields' errors; the type's own are listed in its section.
    const errorList = COMMON_FIELDS.filter((f) => errors[f]).map((f) => ({ field: f, label: t(`bank.form.${f}`), message: errors[f] }));
    return {
      view: 'core/bank-question-form',
      title: s.mode === 'new' ? t('bank.form.newTitle', { type: typeName }) : t('bank.form.editTitle'),
      status: s.status,
      data: {
        mode: s.mode, isNew: s.mode === 'new', bank: { id: String(s.bank._id), name: s.bank.name },
        type: { id: s.type.id, name: typeName }, editPartial: `question-${s.type.id}/edit`,
        action: s.mode === 'new' ? `/banks/${String(s.bank._id)}/questions` : `/bank-questions/${s.question!.qid}/edit`,
        question: s.question ? { qid: s.question.qid, version: s.question.version, nextVersion: s.question.version + 1 } : null,
        form: s.form, fields: s.fields, extra: s.extra ?? 2, errors, dataErrors, errorList,
        categories: cats.map((c) => ({ id: String(c._id), path: c.path, depth: c.depth, selected: String(c._id) === s.form.categoryId })),
        competencies: (await models.Competency.find().sort({ code: 1 }).lean()).map((c) => ({ code: c.code, name: c.name, selected: c.code === s.form.competency })),
        levels: [1, 2, 3, 4, 5].map((n) => ({ n, selected: String(n) === s.form.level })),
        formats: ['plain', 'moodle', 'html', 'markdown'].map((f) => ({ id: f, selected: f === (s.form.stemFormat || 'plain') })),
        difficulties: ['easy', 'medium', 'hard'].map((d) => ({ id: d, selected: d === s.form.difficulty })),
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
    if (!checked.success) for (const issue of checked.error.issues as IssueLike[]) dataErrors.push({ path: pathLabel(k.translator, locale, issue.path), message: messageOf(locale, issue) });
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

  // ---- preview ----
  const previewQuery = z.object({ seed: z.coerce.number().int().min(0).max(2 ** 31).default(1), version: z.coerce.number().int().min(1).max(100_000).optional() });
  async function previewPage(locale: Locale, user: SessionUser, qid: string, seed: number, version: number | undefined, tried?: EditFields): Promise<PageResult> {
    const t = tr(locale);
    const latest = await latestInBank(user, qid);
    const b = await bank.requireBank(user, String(latest.bankId));
    const q = version ? await models.Question.findOne({ qid, version }).lean() : latest;
    if (!q) throw Errors.notFound('No such version');
    const type = k.registries.questionTypes.require(q.type);
    const p = bank.preview(q, seed);
    const inputPartial = k.views.has(`question-${q.type}/partials/input`) ? `question-${q.type}/input` : null;
    let attempt: Record<string, unknown> | null = null;
    let response: unknown = null;
    if (tried) {
      const raw = type.fromForm ? type.fromForm(tried, 'q_p') : undefined;
      const check = raw === undefined ? { success: true as const, data: undefined } : type.responseSchema.safeParse(raw);
      if (!check.success) attempt = { invalid: true, message: (check.error.issues as IssueLike[]).map((i) => messageOf(locale, i)).join('; ') };
      else {
        response = check.data ?? null;
        const g = type.grade(toQuestion(q), check.data, q.defaultMark);
        attempt = { score: g.score, maxScore: g.maxScore, state: g.state, feedback: g.feedback, full: g.state === 'graded' && g.score >= g.maxScore && g.maxScore > 0 };
      }
    }
    const right = p.trainer.rightResponse;
    const cats = shownCategories(locale, await bank.categories(String(b._id)));
    const versions = await bank.versions(qid);
    return {
      view: 'core/bank-preview', title: t('bank.preview.title', { name: q.name }),
      data: {
        bank: { id: String(b._id), name: b.name },
        question: {
          qid: q.qid, version: q.version, latest: q.latest, name: q.name, stem: q.stem, stemFormat: q.stemFormat, generalFeedback: q.generalFeedback ?? '', defaultMark: q.defaultMark,
          type: q.type, typeName: k.translator.t(locale, `question-${q.type}:name`), hidden: q.hidden, tags: q.tags ?? [], difficulty: q.difficulty, competency: q.competency,
          category: cats.find((c) => String(c._id) === String(q.categoryId))?.path ?? '', autoGraded: type.autoGraded,
        },
        seed, nextSeed: (seed % 2_147_483_647) + 1, versionParam: version ? `&version=${version}` : '', viewingOld: !q.latest,
        learner: inputPartial ? { partial: inputPartial, slot: 'p', view: p.learner.view, response, ...formView(type, response) } : null,
        key: inputPartial && right != null ? { partial: inputPartial, slot: 'k', view: p.learner.view, response: right, disabled: true, ...formView(type, right) } : null,
        rightGrade: p.trainer.gradeOfRightResponse,
        summaryPartial: k.views.has(`question-${q.type}/partials/edit`) && type.editForm ? `question-${q.type}/edit` : null,
        fields: type.editForm ? type.editForm.toFields(q.data) : {},
        dataJson: JSON.stringify(q.data, null, 2),
        attempt,
        versions: versions.map((v) => ({ version: v.version, latest: v.latest, name: v.name, createdAt: v.createdAt, current: v.version === q.version })),
      },
    };
  }
  page('/bank-questions/:qid/preview', { method: 'get', summary: 'Preview a question as a learner and as a trainer, with its versions', params: qidParams, query: previewQuery }, ({ params, query, user, locale }) =>
    previewPage(locale, user!, params.qid, query.seed, query.version),
  );
  page('/bank-questions/:qid/preview', { method: 'post', summary: 'Try an answer in the preview and see its grade', params: qidParams, body: anyForm }, ({ params, body, user, locale }) => {
    const posted = body as EditFields;
    const parsed = previewQuery.safeParse({ seed: fieldValue(posted, 'seed') || undefined, version: fieldValue(posted, 'version') || undefined });
    const { seed, version } = parsed.success ? parsed.data : { seed: 1, version: undefined };
    return previewPage(locale, user!, params.qid, seed, version, posted);
  });

  // ---- import ----
  const reasonsIn = (locale: Locale, r: { reasons: string[]; details?: LocalizableIssue[] | undefined }) => localizedReasons(k.translator, locale, r);
  // A file's own problems (a question the reader refused…), in the reader's language.
  const problemsIn = <P extends LocalizableText>(locale: Locale, problems: P[]) => problems.map((p) => ({ ...p, message: localize(k.translator, locale, p) }));
  const importBody = z.object({
    format: z.string().max(40).default(''), text: z.string().max(25_000_000).default(''), categoryId: z.string().max(30).default(''),
    action: z.enum(['preview', 'store']).default('preview'), importId: z.string().max(60).optional(), _csrf: z.string().optional(),
  });
  async function importPage(locale: Locale, b: BankDoc, s: { format?: string; categoryId?: string; text?: string; error?: string; preview?: ReturnType<QuestionImport['preview']>; status?: number } = {}): Promise<PageResult> {
    const t = tr(locale);
    const cats = shownCategories(locale, await bank.categories(String(b._id)));
    const formats = k.registries.importers.list().map((i) => ({ id: i.id, label: i.label, extensions: i.extensions.join(','), selected: i.id === (s.format || 'gift') }));
    const preview = s.preview
      ? {
          ...s.preview, ready: undefined, problems: problemsIn(locale, s.preview.problems),
          entries: s.preview.entries.map((e) => ({
            ...e, ok: e.status === 'ok', category: categoryLabel(e.category), typeName: e.type ? k.translator.t(locale, `question-${e.type}:name`) : e.neutralType, reasons: reasonsIn(locale, e),
          })),
        }
      : null;
    return {
      view: 'core/bank-import', title: t('bank.import.title'), status: s.status,
      data: {
        bank: { id: String(b._id), name: b.name }, formats, text: s.text ?? '', error: s.error,
        categories: cats.map((c) => ({ id: String(c._id), path: c.path, depth: c.depth, selected: String(c._id) === s.categoryId })),
        categoryId: s.categoryId ?? '', format: s.format ?? 'gift', preview, importId: randomUUID(), syncLimit: SYNC_IMPORT_LIMIT,
        strings: {
          reading: t('bank.import.reading'), checking: t('bank.import.checking'), storing: t('bank.import.storing'), failed: t('bank.import.failed'), noText: t('bank.import.noText'),
          line: t('bank.import.line'), type: t('bank.import.type'), name: t('bank.import.name'), category: t('bank.import.category'), status: t('bank.import.status'), reasons: t('bank.import.reasons'),
          ok: t('bank.import.ok'), rejected: t('bank.import.rejected'), fileProblems: t('bank.import.fileProblems'), previewTitle: t('bank.import.previewTitle'),
          // Placeholders the script fills in: {n}, {valid}, {rejected}.
          summary: t('bank.import.summary', { n: '{n}', valid: '{valid}', rejected: '{rejected}' }), confirm: t('bank.import.confirm', { n: '{n}' }), notStored: t('bank.import.notStored', { n: '{n}' }),
          nothingValid: t('bank.import.nothingValid'), reportTitle: t('bank.import.reportTitle'), stored: t('bank.import.storedLabel'), rejectedLabel: t('bank.import.rejectedLabel'),
          rejectedTitle: t('bank.import.rejectedTitle'), progress: t('bank.import.progress'), backToBank: t('bank.import.backToBank'),
          typeNames: Object.fromEntries(k.registries.questionTypes.ids().map((id) => [id, k.translator.t(locale, `question-${id}:name`)])),
        },
      },
    };
  }
  page('/banks/:bankId/import', { method: 'get', summary: 'Import questions: choose a file or paste text, then preview', params: bankParams, query: z.object({ categoryId: z.string().max(30).optional() }) }, async ({ params, query, user, locale }) =>
    importPage(locale, await bank.requireBank(user!, params.bankId), { categoryId: query.categoryId }),
  );
  page('/banks/:bankId/import', { method: 'post', bodyLimit: '25mb', summary: 'Import questions without JavaScript: preview, then store (form)', params: bankParams, body: importBody }, async ({ params, body, user, res, locale }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const keep = { format: body.format, categoryId: body.categoryId, text: body.text };
    if (!k.registries.importers.get(body.format)) return importPage(locale, b, { ...keep, error: t('bank.import.unknownFormat'), status: 400 });
    if (!body.text.trim()) return importPage(locale, b, { ...keep, error: t('bank.import.noText'), status: 400 });
    const categoryId = objectId.safeParse(body.categoryId).success && (await models.Category.exists({ _id: body.categoryId, bankId: b._id })) ? body.categoryId : undefined;
    const preview = imports.preview(body.format, body.text);
    if (body.action === 'preview') return importPage(locale, b, { ...keep, preview });
    const importId = z.uuid().safeParse(body.importId).success ? body.importId! : randomUUID();
    const input = { bankId: params.bankId, categoryId, format: body.format, text: body.text, importId };
    const doc = preview.questionCount > SYNC_IMPORT_LIMIT ? await imports.enqueue(user!, input) : await imports.commit(user!, input);
    res.redirect(303, `/banks/${params.bankId}/imports/${doc._id}`);
  });
  page('/banks/:bankId/imports/:importId', { method: 'get', summary: 'An import\'s progress and report', params: bankParams.extend({ importId: z.uuid() }) }, async ({ params, user, locale }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const d: ImportDoc | null = await imports.Import.findById(params.importId).lean();
    if (!d || String(d.bankId) !== String(b._id) || (String(d.userId) !== user!.id && !user!.roles.includes('admin'))) throw Errors.notFound('Import not found');
    return {
      view: 'core/bank-import-report', title: t('bank.import.reportTitle'),
      data: {
        bank: { id: String(b._id), name: b.name },
        imp: { id: d._id, format: d.format, state: d.state, progress: d.progress, stored: d.stored, rejected: d.rejected.map((r) => ({ line: r.line, reasons: reasonsIn(locale, r) })), problems: problemsIn(locale, d.problems), error: d.error ?? null, done: d.state === 'done', running: d.state === 'queued' || d.state === 'running', failed: d.state === 'failed' },
      },
    };
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

/** A file's category path as it will be stored (`$course$/top/TWK` → `TWK`; see QuestionBank.ensureCategoryPath). */
function categoryLabel(path: string | null): string {
  return (path ?? '').split('/').map((p) => p.trim()).filter((p) => p && p !== '$course$' && p !== '$system$' && p !== 'top').join('/');
}

/** The first `n` characters of a text without markup, for lists. */
function excerpt(text: string, n: number): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > n ? `${plain.slice(0, n - 1)}…` : plain;
}

/** The values a type's input partial reads beside `response` (its `toFormView` hook). */
function formView(type: Pick<QuestionType<unknown, unknown>, 'toFormView'> | undefined, response: unknown): Record<string, unknown> {
  return type?.toFormView ? type.toFormView((response ?? null) as never) : {};
}
