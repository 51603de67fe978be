/**
 * The quiz authoring page, without JavaScript: settings (re-rendered with what was typed and the
 * reasons when they are refused), the slots with remove and move buttons, a bank picker (search,
 * filter, preview, tick and add) and "N random questions from this selection", plus the old inline
 * question form. Where attempts exist, the page says that changes reach new attempts only.
 */
import { z } from 'zod';
import { isBinaError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import { toQuestion } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import { shownCategories, shownCategoryPath } from '../../src/learning/bank-category-names';
import type { AttemptService } from './attempt-service';
import type { QuizDoc } from './quiz-models';
import { isObjectId, objectId } from '../../src/kernel/object-id';

const quizParams = z.object({ quizId: objectId });
const slotParams = quizParams.extend({ slot: z.string().regex(/^s\d{1,4}$/) });
const loose = z.record(z.string().max(120), z.union([z.string().max(20_000), z.array(z.string().max(200)).max(300)]));
const PICKER_SIZE = 25;

export interface QuizPagesDeps {
  svc: AttemptService;
  quizView: (q: QuizDoc, withSlots: boolean) => Record<string, unknown>;
  /** Applies validated settings (the API's PATCH does the same). */
  updateSettings: (quiz: QuizDoc, body: Record<string, unknown>) => Promise<QuizDoc>;
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '')).trim();
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const excerpt = (text: string, n: number) => {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > n ? `${plain.slice(0, n - 1)}…` : plain;
};
const tagsOf = (v: string) => [...new Set(v.split(',').map((x) => x.trim()).filter(Boolean))].slice(0, 10);

export function registerQuizAuthoringPages(ctx: PluginContext, deps: QuizPagesDeps): void {
  const { svc } = deps;
  const id = ctx.id;
  const learning = () => ctx.use<LearningService>('learning');
  const bank = () => ctx.use<QuestionBank>('question-bank');

  async function authorQuiz(user: SessionUser | undefined, quizId: string) {
    const quiz = await svc.loadQuiz(quizId);
    const course = await learning().requireAuthor(user, String(quiz.courseId));
    return { quiz, course };
  }

  const editUrl = (quizId: string, query: Record<string, string | undefined> = {}) => {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as Array<[string, string]>).toString();
    return `/${id}/quizzes/${quizId}/edit${q ? `?${q}` : ''}#${query.anchor ?? ''}`.replace(/#$/, '');
  };

  /** A refused form: what was typed and a reason per field, in the reader's language. */
  type Refused = { values: Record<string, string | boolean>; errors: Record<string, string> };
  /** The authoring page; `refused` carries the refused form (settings, ticked bank questions, random draw, new question). */
  async function editPage(user: SessionUser, quizId: string, query: Record<string, string | string[]>, t: (k: string, a?: Record<string, unknown>) => string, refused: { settings?: Refused; bank?: Refused; random?: Refused; question?: Refused } = {}) {
    const form = refused.settings;
    const { quiz, course } = await authorQuiz(user, quizId);
    const qs = await learning().questionsByIds(quiz.slots.filter((s) => s.questionId).map((s) => s.questionId!));
    const banks = await bank().banksFor(user);
    const bankNames = new Map(banks.map((b) => [String(b._id), b.name]));
    const defaultName = t('bank.defaultCategory');
    const cats = new Map((await learning().models.Category.find({ bankId: { $in: banks.map((b) => b._id) } }, { path: 1 }).lean()).map((c) => [String(c._id), shownCategoryPath(c.path, defaultName)]));
    const attempts = await svc.Attempt.countDocuments({ quizId: quiz._id });

    const slots = await Promise.all(quiz.slots.map(async (s, i) => {
      if (s.questionId) {
        const q = qs.get(String(s.questionId));
        return { slot: s.slot, mark: s.mark, number: i + 1, name: q?.name ?? '?', type: q?.type, first: i === 0, last: i === quiz.slots.length - 1 };
      }
      const r = s.random!;
      return {
        slot: s.slot, mark: s.mark, number: i + 1, first: i === 0, last: i === quiz.slots.length - 1, random: true,
        bankName: bankNames.get(String(r.bankId)) ?? '?', category: r.categoryId ? cats.get(String(r.categoryId)) ?? '?' : null, tags: r.tags.join(', '),
        available: await svc.slots.available(r),
      };
    }));

    // The picker: a bank, then a category, a type, a tag and words; the matches with a preview each.
    // The course's own bank first (the trainer may see many: every course they teach, their unit's).
    const ownBank = banks.find((b) => b.owner.type === 'course' && String(b.owner.id) === String(course._id)) ?? banks[0];
    const bankId = one(query.bankId) || (ownBank ? String(ownBank._id) : '');
    let picker: Record<string, unknown> | null = null;
    if (bankId && bankNames.has(bankId)) {
      const categories = shownCategories(await bank().categories(bankId), defaultName);
      const categoryId = categories.some((c) => String(c._id) === one(query.categoryId)) ? one(query.categoryId) : undefined;
      const tag = one(query.tag) || undefined;
      const filter = { bankId, categoryId, type: one(query.type) || undefined, tag, q: one(query.q) || undefined };
      const r = await bank().search({ ...filter, limit: PICKER_SIZE });
      const inQuiz = new Set([...qs.values()].map((q) => q.qid));
      const available = await svc.slots.available(await svc.slots.checkRule(user, { bankId, categoryId, tags: tag ? [tag] : [] }));
      picker = {
        bankId, categoryId: categoryId ?? '', tag: tag ?? '', type: filter.type ?? '', q: filter.q ?? '', total: r.total, more: r.total > r.questions.length, available,
        banks: banks.map((b) => ({ id: String(b._id), name: b.name, selected: String(b._id) === bankId })),
        categories: categories.map((c) => ({ id: String(c._id), label: `${'— '.repeat(Math.min(c.depth, 6))}${c.name} (${c.count})`, selected: String(c._id) === categoryId })),
        types: ctx.questionTypes.list().map((q) => ({ id: q.id, nameKey: `question-${q.id}:name`, selected: q.id === filter.type })),
        questions: r.questions.map((q, i) => {
          const type = ctx.questionTypes.get(q.type);
          const lv = type ? type.toLearnerView(toQuestion(q), 1) : null;
          return {
            id: String(q._id), name: q.name, excerpt: excerpt(q.stem, 140), type: q.type, tags: q.tags ?? [], inQuiz: inQuiz.has(q.qid), mark: q.defaultMark,
            preview: lv ? { ...lv, slot: `p${i}`, partial: `question-${q.type}/input`, disabled: true, response: null, ...(type?.toFormView?.(null) ?? {}) } : null,
          };
        }),
      };
    }
    return {
      view: `${id}/edit`, title: t(`${id}:edit`), status: Object.keys(refused).length ? 400 : undefined,
      data: {
        quiz: deps.quizView(quiz, true), course: { id: String(course._id), title: course.title }, slots, attempts, picker, noBanks: banks.length === 0,
        settings: form?.values ?? {
          title: quiz.title, intro: quiz.intro, timeLimitMinutes: quiz.timeLimitMinutes ? String(quiz.timeLimitMinutes) : '', attemptsAllowed: String(quiz.attemptsAllowed),
          passPercent: String(quiz.passPercent), shuffleQuestions: quiz.shuffleQuestions,
        },
        errors: form?.errors ?? {},
        bankErrors: refused.bank?.errors ?? {},
        random: { values: { count: '1', mark: '1', ...refused.random?.values }, errors: refused.random?.errors ?? {} },
        question: { values: { kind: 'multichoice', mark: '1', correct: '1', ...refused.question?.values }, errors: refused.question?.errors ?? {}, open: Boolean(refused.question) },
      },
    };
  }

  ctx.http.page({ method: 'get', path: '/quizzes/:quizId/edit', capability: 'activity-quiz:author', summary: 'Quiz authoring page: settings, slots, bank picker', params: quizParams, query: loose }, async ({ params, query, user, t }) =>
    editPage(user!, params.quizId, query as Record<string, string | string[]>, t),
  );

  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/settings', capability: 'activity-quiz:author', summary: 'Change a quiz\'s settings (form)', params: quizParams, body: loose }, async ({ params, body, user, res, t, req }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    const values = { title: one(body.title), intro: one(body.intro), timeLimitMinutes: one(body.timeLimitMinutes), attemptsAllowed: one(body.attemptsAllowed), passPercent: one(body.passPercent), shuffleQuestions: one(body.shuffleQuestions) === 'on' };
    const num = (v: string) => (v === '' ? undefined : Number(v));
    const parsed = z.object({
      title: z.string().trim().min(1).max(200), intro: z.string().max(20_000),
      timeLimitMinutes: z.number().int().min(1).max(600).optional(), attemptsAllowed: z.number().int().min(1).max(20), passPercent: z.number().min(0).max(100), shuffleQuestions: z.boolean(),
    }).safeParse({ ...values, timeLimitMinutes: num(values.timeLimitMinutes), attemptsAllowed: num(values.attemptsAllowed), passPercent: num(values.passPercent) });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= t(`${id}:form.invalid.${String(issue.path[0])}`);
      return editPage(user!, params.quizId, req.query as Record<string, string>, t, { settings: { values, errors } });
    }
    const { timeLimitMinutes, ...rest } = parsed.data;
    // An empty time limit means "no limit": unset it.
    await deps.updateSettings(quiz, { ...rest, timeLimitMinutes: timeLimitMinutes ?? null });
    res.redirect(303, editUrl(params.quizId, { saved: 'settings' }));
  });

  /** The picker's filter, so a refused form comes back showing the same questions. */
  const pickerQuery = (body: Record<string, string | string[]>) => ({ bankId: one(body.bankId), categoryId: one(body.categoryId), tag: one(body.tag), type: one(body.type), q: one(body.q) });

  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/bank-questions', capability: 'activity-quiz:author', summary: 'Add the ticked bank questions to the quiz (form; none ticked comes back with the reason)', params: quizParams, body: loose }, async ({ params, body, user, res, t }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    const ids = many(body.questionId).filter((x) => isObjectId(x));
    if (ids.length === 0) return editPage(user!, params.quizId, pickerQuery(body), t, { bank: { values: {}, errors: { questionId: t(`${id}:form.err.tick`) } } });
    await svc.slots.addQuestions(user!, quiz, ids.map((questionId) => ({ questionId })));
    res.redirect(303, editUrl(params.quizId, { bankId: one(body.bankId), categoryId: one(body.categoryId), tag: one(body.tag), type: one(body.type), q: one(body.q), anchor: 'slots' }));
  });

  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/random', capability: 'activity-quiz:author', summary: 'Add N random questions from a bank category and tags (form; a refused one comes back as typed)', params: quizParams, body: loose }, async ({ params, body, user, res, t }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    const values = { count: one(body.count), mark: one(body.mark) };
    const count = Number(values.count.replace(',', '.'));
    const mark = values.mark === '' ? 1 : Number(values.mark.replace(',', '.'));
    const bankId = one(body.bankId);
    const errors: Record<string, string> = {};
    if (!Number.isInteger(count) || count < 1 || count > 100) errors.count = t(`${id}:form.err.count`);
    if (!Number.isFinite(mark) || mark < 0 || mark > 1000) errors.mark = t(`${id}:form.err.mark`);
    if (!isObjectId(bankId)) errors.bankId = t(`${id}:form.err.bank`);
    if (Object.keys(errors).length) return editPage(user!, params.quizId, pickerQuery(body), t, { random: { values, errors } });
    const categoryId = isObjectId(one(body.categoryId)) ? one(body.categoryId) : undefined;
    await svc.slots.addRandom(user!, quiz, { bankId, categoryId, tags: tagsOf(one(body.tag)), count, mark });
    res.redirect(303, editUrl(params.quizId, { bankId, categoryId, tag: one(body.tag), anchor: 'slots' }));
  });

  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/slots/:slot/remove', capability: 'activity-quiz:author', summary: 'Remove a slot (form)', params: slotParams }, async ({ params, user, res }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    await svc.slots.remove(quiz, params.slot);
    res.redirect(303, editUrl(params.quizId, { anchor: 'slots' }));
  });

  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/slots/:slot/move', capability: 'activity-quiz:author', summary: 'Move a slot up or down (form)', params: slotParams, body: z.object({ dir: z.enum(['up', 'down']), _csrf: z.string().optional() }) }, async ({ params, body, user, res }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    await svc.slots.move(quiz, params.slot, body.dir === 'up' ? -1 : 1);
    res.redirect(303, editUrl(params.quizId, { anchor: 'slots' }));
  });

  const questionForm = z.object({ kind: z.enum(['multichoice', 'truefalse']), name: z.string().default(''), stem: z.string().default(''), mark: z.string().default('1'), correct: z.string().default(''), option1: z.string().default(''), option2: z.string().default(''), option3: z.string().default(''), option4: z.string().default(''), _csrf: z.string().optional() });
  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/questions', capability: 'activity-quiz:author', summary: 'Write a question and add it to the quiz (form; a refused one comes back as typed, with reasons by the fields)', params: quizParams, body: questionForm }, async ({ params, body, user, res, t, locale }) => {
    const { quiz } = await authorQuiz(user, params.quizId);
    const options = [body.option1, body.option2, body.option3, body.option4].map((text, i) => ({ id: `opt${i + 1}x${Math.random().toString(36).slice(2, 6)}`, text: text.trim(), n: i + 1 })).filter((o) => o.text);
    const { _csrf: _c, ...values } = body;
    const errors: Record<string, string> = {};
    const mark = body.mark.trim() === '' ? 1 : Number(body.mark.replace(',', '.'));
    if (!body.stem.trim()) errors.stem = t(`${id}:form.err.stem`);
    if (!Number.isFinite(mark) || mark < 0 || mark > 100) errors.mark = t(`${id}:form.err.questionMark`);
    if (body.kind === 'multichoice') {
      if (options.length < 2) errors.option1 = t(`${id}:form.err.options`);
      else if (!options.some((o) => String(o.n) === body.correct)) errors.correct = t(`${id}:form.err.correct`);
    } else if (body.correct !== 'true' && body.correct !== 'false') errors.correct = t(`${id}:form.err.trueFalse`);
    const refuse = () => editPage(user!, params.quizId, {}, t, { question: { values: values as Record<string, string>, errors } });
    if (Object.keys(errors).length) return refuse();
    const data = body.kind === 'truefalse'
      ? { correct: body.correct === 'true' }
      : { single: true, shuffle: true, options: options.map((o) => ({ id: o.id, text: o.text, fraction: String(o.n) === body.correct ? 1 : 0 })) };
    let q;
    try {
      q = await learning().createQuestion(user!, { type: body.kind, name: body.name.trim() || body.stem.trim().slice(0, 60), stem: body.stem.trim(), data, courseId: String(quiz.courseId), defaultMark: mark || 1 });
    } catch (e) {
      // The question type's own checks (in its language files) have the last word.
      if (!isBinaError(e) || e.status >= 500) throw e;
      errors.stem = ctx.i18n.localize(locale, { message: e.message, i18n: e.messageKey });
      return refuse();
    }
    await svc.slots.addQuestions(user!, quiz, [{ questionId: String(q._id) }]);
    res.redirect(303, editUrl(params.quizId, { anchor: 'slots' }));
  });
}
