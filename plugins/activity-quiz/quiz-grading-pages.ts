/**
 * Manual grading of quiz essays (issue 12: quizzes silently scored essays 0). The engine grades by
 * points or rubric; this file is the quiz's routes: an API call and a trainer's page reached from
 * the attempt's result page ("Nilai" beside each answer that waits).
 */
import { z } from 'zod';
import { Errors, isBinaError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { Locale } from '../../src/views/i18n';
import { objectId } from '../../src/kernel/object-id';
import { manualGradeInput } from '../../src/learning/attempts/attempt-engine';
import type { AttemptService } from './attempt-service';

const slotName = z.string().regex(/^s\d{1,4}$/, 'must be a slot name like s1');
const params = z.object({ attemptId: objectId, slot: slotName });
const formRecord = z.record(z.string().max(120), z.union([z.string().max(20_000), z.array(z.string().max(1000)).max(100)]));

export function registerQuizGrading(ctx: PluginContext, svc: AttemptService): void {
  const id = ctx.id;

  ctx.http.route({ method: 'post', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-quiz:grade', summary: 'Grade one essay answer by hand (points or rubric levels), then the attempt\'s totals', params, body: manualGradeInput }, async ({ params: p, body, user }) =>
    svc.gradeManually(user!, p.attemptId, p.slot, body),
  );

  async function gradePage(user: SessionUser, locale: Locale, attemptId: string, slot: string, typed?: { score: string; comment: string; rubric: Record<string, string> }) {
    const attempt = await svc.loadForGrader(user, attemptId);
    const quiz = await svc.loadQuiz(String(attempt.quizId));
    const g = await svc.engine.manualView(attempt, slot);
    const criteria = typed && g.criteria ? g.criteria.map((c) => ({ ...c, levels: c.levels.map((l) => ({ ...l, checked: typed.rubric[c.id] === l.id })) })) : g.criteria;
    return {
      view: `${id}/grade`, title: g.question.name, status: typed ? 400 : undefined,
      data: {
        ...g, criteria, quiz: { id: String(quiz._id), title: quiz.title }, attemptId,
        form: { action: `/${id}/attempts/${attemptId}/manual/${slot}`, score: typed ? typed.score : (g.grade?.score ?? ''), comment: typed ? typed.comment : (g.grade?.comment ?? ''), error: typed ? ctx.i18n.t(locale, `${id}:gradeForm.invalid`, { mark: g.mark }) : null },
      },
    };
  }

  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-quiz:grade', summary: 'Grade one essay answer by hand (form)', params }, async ({ params: p, user, locale }) =>
    gradePage(user!, locale, p.attemptId, p.slot),
  );
  ctx.http.page({ method: 'post', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-quiz:grade', summary: 'Grade one essay answer by hand (form post)', params, body: formRecord }, async ({ params: p, body, user, res, locale }) => {
    const rubric: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('c_') && typeof v === 'string') rubric[k.slice(2)] = v;
    const comment = typeof body.comment === 'string' ? body.comment : '';
    const score = typeof body.score === 'string' ? body.score : '';
    const input = manualGradeInput.safeParse(Object.keys(rubric).length ? { rubric, comment } : { score: score.trim() === '' ? undefined : Number(score), comment });
    try {
      if (!input.success) throw Errors.validation('A score is required', { details: [{ path: 'score', message: 'required' }] });
      await svc.gradeManually(user!, p.attemptId, p.slot, input.data);
    } catch (e) {
      // A grader's mistake (no score, above the mark, a half-filled rubric) shows the form again with the reason.
      if (!isBinaError(e) || e.status !== 400) throw e;
      return gradePage(user!, locale, p.attemptId, p.slot, { score, comment, rubric });
    }
    res.redirect(`/${id}/attempts/${p.attemptId}/result`);
  });
}
