/**
 * The quiz's JSON API (/api/v1/activity-quiz/…): authoring, attempts, autosave, flags and submit.
 * Routes validate and delegate: AttemptService owns every state change of an attempt.
 */
import type { Model } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { AttemptService } from './attempt-service';
import type { QuizAuthoring } from './quiz-authoring';
import { attemptParams, poolQuery, quizInput, quizParams, randomInput, saveInput, settingsPatch, slotName } from './quiz-input';
import type { AttemptDoc } from './quiz-models';
import { attemptSummary, openAttemptView, quizView } from './quiz-views';

export function registerQuizApi(ctx: PluginContext, svc: AttemptService, Attempt: Model<AttemptDoc>, authoring: QuizAuthoring): void {
  const { createQuiz, authorQuiz, quizForViewer, updateSettings } = authoring;
  ctx.http.route({ method: 'post', path: '/quizzes', capability: 'activity-quiz:author', status: 201, links: { quizId: '/quiz/id' }, summary: 'Create a quiz in a course I teach', body: quizInput }, async ({ body, user }) => ({
    quiz: quizView(await createQuiz(user!, body), true),
  }));
  ctx.http.route({ method: 'get', path: '/quizzes/:quizId', capability: 'activity-quiz:view', summary: 'A quiz (slots only for its trainers)', params: quizParams }, async ({ params, user }) => {
    const { quiz, asAuthor } = await quizForViewer(user!, params.quizId);
    return { quiz: quizView(quiz, asAuthor) };
  });
  ctx.http.route({ method: 'patch', path: '/quizzes/:quizId', capability: 'activity-quiz:author', summary: 'Change a quiz\'s settings (null clears the time limit or the closing time; started attempts keep theirs)', params: quizParams, body: settingsPatch }, async ({ params, body, user }) => ({
    quiz: quizView(await updateSettings(await authorQuiz(user, params.quizId), body), true),
  }));
  ctx.http.route({ method: 'post', path: '/quizzes/:quizId/slots', capability: 'activity-quiz:author', status: 201, summary: 'Add a question (from the course or a bank I may use) to a quiz', params: quizParams, body: z.strictObject({ questionId: objectId, mark: z.number().min(0).max(1000).optional() }) }, async ({ params, body, user }) => ({
    quiz: quizView(await svc.slots.addQuestions(user!, await authorQuiz(user, params.quizId), [body]), true),
  }));
  ctx.http.route({ method: 'post', path: '/quizzes/:quizId/random-slots', capability: 'activity-quiz:author', status: 201, summary: 'Add N random questions from a bank category and tags, drawn per attempt', params: quizParams, body: randomInput }, async ({ params, body, user }) => ({
    quiz: quizView(await svc.slots.addRandom(user!, await authorQuiz(user, params.quizId), body), true),
  }));
  ctx.http.route({ method: 'get', path: '/quizzes/:quizId/random-pool', capability: 'activity-quiz:author', summary: 'How many questions a random rule can draw from now', params: quizParams, query: poolQuery }, async ({ params, query, user }) => {
    await authorQuiz(user, params.quizId);
    return { available: await svc.slots.available(await svc.slots.checkRule(user!, { ...query, tags: query.tags ? query.tags.split(',').map((x: string) => x.trim()).filter(Boolean) : [] })) };
  });
  ctx.http.route({ method: 'delete', path: '/quizzes/:quizId/slots/:slot', capability: 'activity-quiz:author', summary: 'Remove a question or random slot (new attempts only)', params: quizParams.extend({ slot: slotName }) }, async ({ params, user }) => ({
    quiz: quizView(await svc.slots.remove(await authorQuiz(user, params.quizId), params.slot), true),
  }));
  ctx.http.route({ method: 'put', path: '/quizzes/:quizId/slot-order', capability: 'activity-quiz:author', summary: 'Reorder the slots (name every slot once)', params: quizParams, body: z.strictObject({ slots: z.array(slotName).min(1).max(300) }) }, async ({ params, body, user }) => ({
    quiz: quizView(await svc.slots.reorder(await authorQuiz(user, params.quizId), body.slots), true),
  }));
  ctx.http.route({ method: 'post', path: '/quizzes/:quizId/attempts', capability: 'activity-quiz:attempt', status: 201, summary: 'Start an attempt, or resume the open one', params: quizParams }, async ({ params, user }) =>
    openAttemptView(ctx, svc, await svc.start(user!, params.quizId)),
  );
  ctx.http.route({ method: 'get', path: '/quizzes/:quizId/attempts', capability: 'activity-quiz:view', summary: 'Attempts: mine, or all for the quiz\'s trainers', params: quizParams }, async ({ params, user }) => {
    const { quiz, asAuthor } = await quizForViewer(user!, params.quizId);
    const all = asAuthor && ctx.authz.can(user, 'activity-quiz:review-all');
    const rows = await Attempt.find({ quizId: quiz._id, ...(all ? {} : { userId: user!.id }) }).sort({ startedAt: -1 }).limit(1000).lean();
    return { attempts: rows.map(attemptSummary) };
  });
  ctx.http.route({ method: 'get', path: '/attempts/:attemptId', capability: 'activity-quiz:view', summary: 'An attempt: the questions while open, the review once graded', params: attemptParams }, async ({ params, user }) => {
    const { attempt } = await svc.loadAttemptFor(user!, params.attemptId);
    if (attempt.state === 'in_progress') return openAttemptView(ctx, svc, attempt);
    return svc.review(user!, params.attemptId);
  });
  ctx.http.route({ method: 'put', path: '/attempts/:attemptId/answers/:slot', capability: 'activity-quiz:attempt', summary: 'Save one answer (idempotent by sequence number)', params: attemptParams.extend({ slot: slotName }), body: saveInput }, async ({ params, body, user }) => {
    // One read of the attempt per save: the owner check, the slot's question and the save use it.
    const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may answer');
    const response = body.fields ? await svc.responseFromForm(attempt, params.slot, body.fields) : body.response;
    return svc.saveTo(attempt, params.slot, response ?? null, body.seq);
  });
  ctx.http.route({ method: 'put', path: '/attempts/:attemptId/flags/:slot', capability: 'activity-quiz:attempt', summary: 'Mark a question ragu-ragu (unsure) or clear the mark (the grid and summary show it; never graded)', params: attemptParams.extend({ slot: slotName }), body: z.strictObject({ flagged: z.boolean() }) }, async ({ params, body, user }) =>
    svc.setFlag(user!, params.attemptId, params.slot, body.flagged),
  );
  ctx.http.route({ method: 'post', path: '/attempts/:attemptId/submit', capability: 'activity-quiz:attempt', status: 202, summary: 'Submit an attempt for grading (idempotent)', params: attemptParams }, async ({ params, user }) => ({
    attempt: attemptSummary(await svc.submit(user!, params.attemptId)),
  }));
}
