/**
 * A question's preview as a learner and as a trainer (the right answer, its grade, the authored
 * data), with a "try an answer" grader and the question's versions.
 */
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { PageResult } from '../../http/route-table';
import type { SessionUser } from '../../identity/session-user';
import type { Locale } from '../../views/i18n';
import type { IssueLike } from '../../views/zod-messages';
import { toQuestion } from '../learning-service';
import type { QuestionType } from '../question-type';
import { fieldValue, type EditFields } from '../question-edit-fields';
import { anyForm, qidParams, type BankPagesKit } from './bank-pages-kit';

export function registerQuestionPreviewPage({ kernel, bank, models, page, tr, shownCategories, latestInBank, messageOf }: BankPagesKit): void {
  const previewQuery = z.object({ seed: z.coerce.number().int().min(0).max(2 ** 31).default(1), version: z.coerce.number().int().min(1).max(100_000).optional() });
  async function previewPage(locale: Locale, user: SessionUser, qid: string, seed: number, version: number | undefined, tried?: EditFields): Promise<PageResult> {
    const t = tr(locale);
    const latest = await latestInBank(user, qid);
    const b = await bank.requireBank(user, String(latest.bankId));
    const q = version ? await models.Question.findOne({ qid, version }).lean() : latest;
    if (!q) throw Errors.notFound('No such version');
    const type = kernel.registries.questionTypes.require(q.type);
    const p = bank.preview(q, seed);
    const inputPartial = kernel.views.has(`question-${q.type}/partials/input`) ? `question-${q.type}/input` : null;
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
          type: q.type, typeName: kernel.translator.t(locale, `question-${q.type}:name`), hidden: q.hidden, tags: q.tags ?? [], difficulty: q.difficulty, competency: q.competency,
          category: cats.find((c) => String(c._id) === String(q.categoryId))?.path ?? '', autoGraded: type.autoGraded,
        },
        seed, nextSeed: (seed % 2_147_483_647) + 1, versionParam: version ? `&version=${version}` : '', viewingOld: !q.latest,
        learner: inputPartial ? { partial: inputPartial, slot: 'p', view: p.learner.view, response, ...formView(type, response) } : null,
        key: inputPartial && right != null ? { partial: inputPartial, slot: 'k', view: p.learner.view, response: right, disabled: true, ...formView(type, right) } : null,
        rightGrade: p.trainer.gradeOfRightResponse,
        summaryPartial: kernel.views.has(`question-${q.type}/partials/edit`) && type.editForm ? `question-${q.type}/edit` : null,
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
}

/** The values a type's input partial reads beside `response` (its `toFormView` hook). */
function formView(type: Pick<QuestionType<unknown, unknown>, 'toFormView'> | undefined, response: unknown): Record<string, unknown> {
  return type?.toFormView ? type.toFormView(response ?? null) : {};
}
