/**
 * The quiz's own pages outside the room: the new-quiz form, the quiz page (the learner's attempts,
 * and every attempt for its trainers) and the start button.
 */
import type { Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import { objectId } from '../../src/kernel/object-id';
import type { AttemptService } from './attempt-service';
import type { QuizAuthoring } from './quiz-authoring';
import { newQuizForm, quizInput, quizParams } from './quiz-input';
import type { AttemptDoc } from './quiz-models';
import { attemptSummary, learnerNames, quizView } from './quiz-views';

const FORM_FIELDS = ['title', 'intro', 'timeLimitMinutes', 'attemptsAllowed', 'passPercent'];

export function registerNewQuizPages(ctx: PluginContext, authoring: QuizAuthoring): void {
  const learning = () => ctx.use<LearningService>('learning');
  ctx.http.page({ method: 'get', path: '/new', capability: 'activity-quiz:author', summary: 'New quiz form', query: z.object({ courseId: objectId }) }, async ({ query, user, t }) => {
    const course = await learning().requireAuthor(user, query.courseId);
    return { view: `${ctx.id}/new`, title: t(`${ctx.id}:new`), data: { course: { id: String(course._id), title: course.title }, form: { attemptsAllowed: '1', passPercent: '60' }, errors: {} } };
  });
  ctx.http.page({ method: 'post', path: '/quizzes', capability: 'activity-quiz:author', summary: 'Create a quiz (form; a refused one comes back as typed, with reasons by the fields)', body: newQuizForm }, async ({ body, user, res, t }) => {
    // "2,5" as Indonesians write it, or "2.5".
    const num = (v: string) => Number(v.trim().replace(',', '.'));
    const parsed = quizInput.safeParse({
      courseId: body.courseId, title: body.title.trim(), intro: body.intro, attemptsAllowed: num(body.attemptsAllowed), passPercent: num(body.passPercent),
      ...(body.timeLimitMinutes.trim() ? { timeLimitMinutes: num(body.timeLimitMinutes) } : {}),
    });
    if (!parsed.success) {
      const course = await learning().requireAuthor(user, body.courseId);
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        errors[field] ??= t(`${ctx.id}:form.invalid.${FORM_FIELDS.includes(field) ? field : 'title'}`);
      }
      const { _csrf: _c, ...form } = body;
      return { view: `${ctx.id}/new`, title: t(`${ctx.id}:new`), status: 400, data: { course: { id: String(course._id), title: course.title }, form, errors, refused: true } };
    }
    const quiz = await authoring.createQuiz(user!, parsed.data);
    res.redirect(`/${ctx.id}/quizzes/${quiz._id}/edit`);
  });
}

export function registerQuizPage(ctx: PluginContext, svc: AttemptService, Attempt: Model<AttemptDoc>, authoring: QuizAuthoring): void {
  const learning = () => ctx.use<LearningService>('learning');
  ctx.http.page({ method: 'get', path: '/quizzes/:quizId', capability: 'activity-quiz:view', summary: 'Quiz page', params: quizParams }, async ({ params, user }) => {
    const { quiz, asAuthor } = await authoring.quizForViewer(user!, params.quizId);
    const mine = await Attempt.find({ quizId: quiz._id, userId: user!.id }).sort({ number: 1 }).lean();
    const all = asAuthor ? await Attempt.find({ quizId: quiz._id }).sort({ startedAt: -1 }).limit(200).lean() : [];
    const names = await learnerNames(ctx, all.map((a) => a.userId));
    const course = await learning().getCourse(String(quiz.courseId));
    const open = mine.find((a) => a.state === 'in_progress');
    return {
      view: `${ctx.id}/quiz`, title: quiz.title,
      data: { quiz: quizView(quiz, false), course: { id: String(course._id), title: course.title }, attempts: mine.map(attemptSummary), open: open ? attemptSummary(open) : null, canStart: !open && mine.length < quiz.attemptsAllowed && !asAuthor, asAuthor, allAttempts: all.map((a) => ({ ...attemptSummary(a), learner: names.get(String(a.userId)) ?? '' })) },
    };
  });
  ctx.http.page({ method: 'post', path: '/quizzes/:quizId/start', capability: 'activity-quiz:attempt', summary: 'Start or resume (form)', params: quizParams }, async ({ params, user, res }) => {
    const a = await svc.start(user!, params.quizId);
    res.redirect(`/${ctx.id}/attempts/${a._id}`);
  });
}
