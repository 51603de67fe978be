/**
 * What the question-bank pages share: the page registrar (every page needs the question-author
 * capability), the reader's translator, categories as readers see them, the latest version of a
 * question in a bank the user may edit, the question types in trainers' order, and the input
 * schemas several pages read.
 */
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { KernelServices } from '../../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import { objectId } from '../../kernel/object-id';
import type { SessionUser } from '../../identity/session-user';
import type { Locale } from '../../views/i18n';
import { localizedIssue, type IssueLike } from '../../views/zod-messages';
import type { QuestionDoc } from '../learning-models';
import type { LearningService } from '../learning-service';
import type { QuestionBank } from '../question-bank';
import type { QuestionImport } from '../interchange/question-import';
import { shownCategories as shownCategoriesIn } from '../bank-category-names';

export const CAP = 'learning:question-author';
/** Any urlencoded form: names to strings or lists of strings. */
export const anyForm = z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(20_000)).max(500)]));
export const bankParams = z.object({ bankId: objectId });
export const qidParams = z.object({ qid: z.uuid() });

/** The usual types first, in the order trainers think of them; any other installed type after, and types that carry no mark last. */
const TYPE_ORDER = ['multichoice', 'truefalse', 'shortanswer', 'numerical', 'matching', 'ordering', 'essay'];

export type BankQuestionDoc = QuestionDoc & { bankId: NonNullable<QuestionDoc['bankId']> };

export function bankPagesKit(kernel: KernelServices, learning: LearningService, bank: QuestionBank, imports: QuestionImport) {
  const models = learning.models;
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'capability' | 'path'>, h: RouteHandler) =>
    kernel.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page', capability: CAP }, h);
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => kernel.translator.t(locale, key, args);
  /** Categories as readers see them (the first one, stored as `Default`, in the reader's language). */
  const shownCategories = <C extends { name: string; path: string }>(locale: Locale, cats: C[]): C[] => shownCategoriesIn(cats, kernel.translator.t(locale, 'bank.defaultCategory'));


  const rank = (id: string) => (kernel.registries.questionTypes.get(id)?.scored === false ? TYPE_ORDER.length + 1 : TYPE_ORDER.includes(id) ? TYPE_ORDER.indexOf(id) : TYPE_ORDER.length);
  const typeChoices = (locale: Locale) =>
    kernel.registries.questionTypes.list().sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id)).map((q) => ({ id: q.id, name: kernel.translator.t(locale, `question-${q.id}:name`), authorable: Boolean(q.editForm) }));

  /** The latest version of a question, in a bank the user may edit; a 404 otherwise. */
  async function latestInBank(user: SessionUser, qid: string): Promise<BankQuestionDoc> {
    const q = await models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await bank.requireBank(user, String(q.bankId));
    return q as BankQuestionDoc;
  }

  /** A validation issue in the page's language (the type's own string, zod's checks, or its English message). */
  const messageOf = (locale: Locale, issue: IssueLike) => localizedIssue(kernel.translator, locale, issue);

  return { kernel, learning, bank, imports, models, page, tr, shownCategories, typeChoices, latestInBank, messageOf };
}

export type BankPagesKit = ReturnType<typeof bankPagesKit>;

/** The first `n` characters of a text without markup, for lists. */
export function excerpt(text: string, n: number): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > n ? `${plain.slice(0, n - 1)}…` : plain;
}
