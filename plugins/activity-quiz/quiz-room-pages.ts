/**
 * The quiz room (src/learning/attempt-room, the same as the exam's): one question per screen with
 * the grid, the form post that saves what changed and moves or submits, the summary before
 * submitting, the one exit, and the result. Works without JavaScript.
 */
import type { Response } from 'express';
import { Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { refusedResponse } from '../../src/learning/attempts/answer-log';
import { buildRoom, buildSummary, postedList, postedSlots, roomPlace, roomQuery } from '../../src/learning/attempt-room/room-view';
import type { AttemptService } from './attempt-service';
import { attemptParams, formFields } from './quiz-input';
import { openAttemptView, quizView } from './quiz-views';

/** A response its question type refused in a form post: shown again as typed, with the reasons in the learner's language. */
type Refused = Map<string, { response: unknown; error: string }>;

export function registerQuizRoomPages(ctx: PluginContext, svc: AttemptService): void {
  const roomLinks = (attemptId: string, quizId: string) => ({
    formAction: `/${ctx.id}/attempts/${attemptId}`, flagUrl: `/api/v1/${ctx.id}/attempts/${attemptId}/flags`,
    exitHref: `/${ctx.id}/attempts/${attemptId}/exit`, backHref: `/${ctx.id}/attempts/${attemptId}`, leaveHref: `/${ctx.id}/quizzes/${quizId}`,
    showAllHref: `/${ctx.id}/attempts/${attemptId}?all=1`, showOneHref: `/${ctx.id}/attempts/${attemptId}`,
  });
  /** The open attempt, or null when the learner should see the result instead. */
  async function openRoom(user: SessionUser, attemptId: string) {
    const { attempt, asTrainer } = await svc.loadAttemptFor(user, attemptId);
    if (attempt.state !== 'in_progress' || asTrainer) return null;
    const quiz = await svc.loadQuiz(String(attempt.quizId));
    return { attempt, quiz, view: await openAttemptView(ctx, svc, attempt), questions: await svc.learnerQuestions(attempt) };
  }
  async function attemptPage(user: SessionUser, attemptId: string, res: Response, place: { q?: number; all?: boolean } = {}, refused: Refused = new Map()) {
    const open = await openRoom(user, attemptId);
    if (!open) return void res.redirect(`/${ctx.id}/attempts/${attemptId}/result`);
    const { quiz, view } = open;
    const questions = open.questions.map((q) => {
      const r = refused.get(q.slot);
      return r ? { ...q, response: r.response, ...svc.engine.formView(svc.engine.type(q.type), r.response), error: r.error } : q;
    });
    const firstRefused = questions.find((q) => refused.has(q.slot))?.number;
    const room = buildRoom(questions, { requested: firstRefused ?? place.q, showAll: place.all });
    return {
      view: `${ctx.id}/attempt`, title: quiz.title, status: refused.size ? 400 : undefined,
      data: { quiz: quizView(quiz, false), attempt: view.attempt, remainingMs: view.remainingMs, serverTime: view.serverTime, room, roomTitle: quiz.title, focusMode: view.remainingMs !== null, ...roomLinks(attemptId, String(quiz._id)) },
    };
  }

  ctx.http.page({ method: 'get', path: '/attempts/:attemptId', capability: 'activity-quiz:view', summary: 'The quiz room: one question per screen (?q=N; ?all=1 shows every question of a short quiz) with the grid; works without JavaScript', params: attemptParams, query: roomQuery }, async ({ params, query, user, res }) =>
    attemptPage(user!, params.attemptId, res, roomPlace(query)),
  );
  ctx.http.page({ method: 'post', path: '/attempts/:attemptId', capability: 'activity-quiz:attempt', summary: 'Save the answers and ragu-ragu flags on screen, then move (go=N or go=summary), or submit (form)', params: attemptParams, body: formFields }, async ({ params, body, user, res, locale }) => {
    const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may answer');
    const refused: Refused = new Map();
    if (attempt.state === 'in_progress') {
      const answers = svc.engine.answersOf(attempt);
      // Only the questions the post carries: a question not on screen was not posted, which is no answer to clear.
      const shown = postedSlots(body);
      for (const s of attempt.slots) {
        if (!shown.has(s.slot)) continue;
        const response = await svc.responseFromForm(attempt, s.slot, body);
        const current = answers[s.slot];
        // Only what changed is written: an answer autosave already stored is not saved again.
        if (response === undefined ? !current || current.r === null : current && JSON.stringify(current.r) === JSON.stringify(response)) continue;
        try {
          await svc.saveTo(attempt, s.slot, response ?? null, (current?.seq ?? 0) + 1);
        } catch (e) {
          // An answer its type refuses is shown again with the reason, and nothing is submitted; the rest is saved.
          const why = refusedResponse(e);
          if (!why) throw e;
          refused.set(s.slot, { response, error: why.map((d) => ctx.i18n.localize(locale, d)).join(' ') });
        }
      }
      for (const slot of postedList(body.flagShown) ?? []) {
        const want = body[`flag_${slot}`] === 'on';
        if (attempt.slots.some((s) => s.slot === slot) && (attempt.flags?.[slot] === true) !== want) await svc.setFlag(user!, params.attemptId, slot, want);
      }
      if (refused.size) return attemptPage(user!, params.attemptId, res, { all: body.all === '1' }, refused);
    }
    if (body.action === 'submit') {
      await svc.submit(user!, params.attemptId);
      return void res.redirect(`/${ctx.id}/attempts/${params.attemptId}/result`);
    }
    if (body.go === 'summary') return void res.redirect(`/${ctx.id}/attempts/${params.attemptId}/summary`);
    const go = typeof body.go === 'string' && /^\d{1,4}$/.test(body.go) ? Number(body.go) : undefined;
    const query = [go ? `q=${go}` : '', body.all === '1' ? 'all=1' : ''].filter(Boolean).join('&');
    res.redirect(`/${ctx.id}/attempts/${params.attemptId}${query ? `?${query}` : ''}${go && body.all === '1' ? `#q-${go}` : ''}`);
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/summary', capability: 'activity-quiz:view', summary: 'Summary before submitting: unanswered, ragu-ragu and word-limit questions, and the submit button', params: attemptParams }, async ({ params, user, res }) => {
    const open = await openRoom(user!, params.attemptId);
    if (!open) return void res.redirect(`/${ctx.id}/attempts/${params.attemptId}/result`);
    return {
      view: `${ctx.id}/summary`, title: open.quiz.title,
      data: { summary: buildSummary(open.questions), hasSections: false, attempt: open.view.attempt, remainingMs: open.view.remainingMs, roomTitle: open.quiz.title, focusMode: open.view.remainingMs !== null, ...roomLinks(params.attemptId, String(open.quiz._id)) },
    };
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/exit', capability: 'activity-quiz:view', summary: 'The room\'s one exit: warns that the time keeps running before leaving', params: attemptParams }, async ({ params, user }) => {
    // Shown whatever the attempt's state (a finished one's "back" leads to its result), so a link followed late still answers.
    const { attempt } = await svc.loadAttemptFor(user!, params.attemptId);
    const quiz = await svc.loadQuiz(String(attempt.quizId));
    return { view: `${ctx.id}/exit`, title: quiz.title, data: { roomTitle: quiz.title, focusMode: attempt.state === 'in_progress' && Boolean(attempt.deadline), ...roomLinks(params.attemptId, String(quiz._id)) } };
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/result', capability: 'activity-quiz:view', summary: 'Result and review', params: attemptParams }, async ({ params, user }) => {
    const r = await svc.review(user!, params.attemptId);
    // The right answer (only when the review options allow it) is shown in the question's own input, read-only.
    const withKey = (q: (typeof r.questions)[number]) => (q.rightAnswer === null ? null : { partial: q.partial, view: q.view, slot: `${q.slot}_key`, response: q.rightAnswer, disabled: true, ...q.rightAnswerForm });
    return { view: `${ctx.id}/result`, title: r.quiz.title, data: { ...r, questions: r.questions.map((q) => ({ ...q, disabled: true, key: withKey(q) })), grading: r.attempt.state === 'submitted', waiting: r.attempt.state === 'needs_grading' } };
  });
}
