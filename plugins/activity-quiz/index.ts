/**
 * Quizzes: authoring, attempts (start/resume, autosave, submit) and grading on a worker. The HTTP
 * layer only validates and delegates to AttemptService, which owns every state change.
 */
import { defineGradeRecovery } from '../../src/learning/attempts/grade-recovery';
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import { patchSchema } from '../../src/http/validate';
import type { Response } from 'express';
import type { SessionUser } from '../../src/identity/session-user';
import type { IdentityService } from '../../src/identity/identity-service';
import type { Types } from 'mongoose';
import { refusedResponse } from '../../src/learning/attempts/answer-log';
import type { LearningService } from '../../src/learning/learning-service';
import { AttemptService } from './attempt-service';
import { attemptSchema, gradeSchema, quizSchema, REVIEW_WHEN, type AttemptDoc, type GradeDoc, type QuizDoc, type QuizSlot } from './quiz-models';
import { registerQuizDemo } from './demo';
import { registerQuizAuthoringPages } from './quiz-authoring-pages';
import { registerQuizGrading } from './quiz-grading-pages';
import { quizGrades } from './quiz-grades';
import { createQuizReads } from './quiz-reads';
import { objectId } from '../../src/kernel/object-id';
import { buildRoom, buildSummary, postedList, postedSlots, roomPlace, roomQuery } from '../../src/learning/attempt-room/room-view';

const slotName = z.string().regex(/^s\d{1,4}$/, 'must be a slot name like s1');
const when = z.enum(REVIEW_WHEN);
const settingsInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  intro: z.string().max(20_000).default(''),
  timeLimitMinutes: z.number().int().min(1).max(600).optional(),
  closesAt: z.iso.datetime({ offset: true }).optional(),
  attemptsAllowed: z.number().int().min(1).max(20).default(1),
  shuffleQuestions: z.boolean().default(true),
  passPercent: z.number().min(0).max(100).default(0),
  review: z.strictObject({ marks: when, correctness: when, feedback: when, rightAnswer: when }).default({ marks: 'immediately', correctness: 'immediately', feedback: 'immediately', rightAnswer: 'after_close' }),
});
const settingsPatch = patchSchema(settingsInput).extend({
  timeLimitMinutes: z.number().int().min(1).max(600).nullable().optional(),
  closesAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
const quizInput = settingsInput.extend({
  courseId: objectId,
  questions: z.array(z.strictObject({ questionId: objectId, mark: z.number().min(0).max(1000).optional() })).max(300).default([]),
});
const quizParams = z.object({ quizId: objectId });
const tag = z.string().trim().min(1).max(50).regex(/^[^.$,]+$/, 'no . , or $');
const randomInput = z.strictObject({
  bankId: objectId,
  categoryId: objectId.optional(),
  recursive: z.boolean().default(true),
  tags: z.array(tag).max(10).default([]),
  count: z.number().int().min(1).max(100),
  mark: z.number().min(0).max(1000).default(1),
});
const poolQuery = z.object({ bankId: objectId, categoryId: objectId.optional(), recursive: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'), tags: z.string().max(600).optional() });
const slotView = (s: QuizSlot) => ({
  slot: s.slot, mark: s.mark, questionId: s.questionId ? String(s.questionId) : null,
  random: s.random ? { bankId: String(s.random.bankId), categoryId: s.random.categoryId ? String(s.random.categoryId) : null, recursive: s.random.recursive, tags: s.random.tags } : null,
});
const attemptParams = z.object({ attemptId: objectId });
const saveInput = z
  .strictObject({
    seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    response: z.unknown().optional(),
    /** Raw form fields of the question (the autosave script sends these; the type maps them). */
    fields: z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(1000)).max(100)])).optional(),
  })
  .refine((v) => !(v.response !== undefined && v.fields !== undefined), 'send either response or fields, not both');

export default definePlugin({
  register(ctx) {
    const Quiz = ctx.models.define<QuizDoc>('quizzes', quizSchema);
    const Attempt = ctx.models.define<AttemptDoc>('attempts', attemptSchema);
    const svc = new AttemptService(ctx, Quiz, Attempt, ctx.models.define<GradeDoc>('grades', gradeSchema), ctx.models.claims());
    const learning = () => ctx.use<LearningService>('learning');
    ctx.provide(ctx.id, { createQuiz, service: svc, reads: createQuizReads(svc, ctx) });
    registerQuizDemo(ctx, createQuiz as never, () => svc);

    // A question version that a quiz or an attempt uses cannot be deleted (only hidden).
    ctx.hooks.filter<{ qid: string; versionIds: string[] }>('learning.question.delete', async (v) => {
      const used = (await Quiz.exists({ 'slots.questionId': { $in: v.versionIds } })) || (await Attempt.exists({ 'slots.questionId': { $in: v.versionIds } }));
      if (used) throw Errors.conflict('This question is used by a quiz or an attempt; hide it instead', { details: { qid: v.qid } });
      return v;
    });

    ctx.activityTypes.register({
      id: ctx.id, nameKey: `${ctx.id}:name`, icon: 'patch-question',
      pageUrl: (a) => `/${ctx.id}/quizzes/${a.refId}`,
      editUrl: (a) => `/${ctx.id}/quizzes/${a.refId}/edit`,
      grades: (refId) => quizGrades(Quiz, Attempt, refId),
    });

    ctx.jobs.define('grade', { payload: z.strictObject({ attemptId: objectId }), process: async ({ attemptId }) => svc.grade(attemptId) });
    ctx.jobs.define('autosubmit', {
      payload: z.strictObject({ attemptId: objectId }),
      process: async ({ attemptId }) => {
        const a = await Attempt.findById(attemptId).lean();
        // `submitted`: this job may have died between the submit and the grade job's enqueue;
        // submitting again enqueues it (by its key: once).
        if (!a || (a.state !== 'in_progress' && a.state !== 'submitted')) return 'skipped';
        await svc.submitAttempt(a._id, 'deadline');
        return 'submitted';
      },
    });
    // Every 5 minutes and at each worker start (plugin.json): attempts a lost grade job left behind (ADR 0068).
    defineGradeRecovery(ctx, Attempt);

    async function createQuiz(user: SessionUser, input: z.infer<typeof quizInput>) {
      await learning().requireAuthor(user, input.courseId);
      const slots = (await svc.slots.checkQuestions(user, input.courseId, input.questions)).map((s, i) => ({ slot: `s${i + 1}`, ...s }));
      const { questions: _q, closesAt, ...settings } = input;
      const quiz = await Quiz.create({ ...settings, closesAt: closesAt ? new Date(closesAt) : undefined, slots, updatedAt: ctx.clock.now() });
      await learning().addActivity({ courseId: input.courseId, type: ctx.id, refId: String(quiz._id), title: input.title });
      return quiz.toObject();
    }

    /** The quiz, if the user may author it. */
    async function authorQuiz(user: SessionUser | undefined, quizId: string) {
      const quiz = await svc.loadQuiz(quizId);
      await learning().requireAuthor(user, String(quiz.courseId));
      return quiz;
    }

    /**
     * New settings reach new attempts: a started attempt keeps the deadline fixed at its start, and
     * attempts already used still count against a lowered limit.
     */
    async function updateSettings(quiz: QuizDoc, body: z.infer<typeof settingsPatch>): Promise<QuizDoc> {
      const { closesAt, timeLimitMinutes, ...rest } = body;
      const set: Record<string, unknown> = { ...rest, updatedAt: ctx.clock.now() };
      const unset: Record<string, 1> = {};
      if (timeLimitMinutes === null) unset.timeLimitMinutes = 1;
      else if (timeLimitMinutes !== undefined) set.timeLimitMinutes = timeLimitMinutes;
      if (closesAt === null) unset.closesAt = 1;
      else if (closesAt !== undefined) set.closesAt = new Date(closesAt);
      const q = await Quiz.findOneAndUpdate({ _id: quiz._id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { new: true }).lean();
      if (!q) throw Errors.notFound('Quiz not found');
      if (body.title) await learning().renameActivity(ctx.id, String(quiz._id), body.title);
      return q;
    }

    const quizView = (q: QuizDoc, withSlots: boolean) => ({
      id: String(q._id), courseId: String(q.courseId), title: q.title, intro: q.intro, timeLimitMinutes: q.timeLimitMinutes ?? null,
      closesAt: q.closesAt ?? null, attemptsAllowed: q.attemptsAllowed, passPercent: q.passPercent, review: q.review,
      questionCount: q.slots.length, maxScore: q.slots.reduce((s, x) => s + x.mark, 0),
      ...(withSlots ? { slots: q.slots.map(slotView) } : {}),
    });
    const attemptSummary = (a: AttemptDoc) => ({
      id: String(a._id), quizId: String(a.quizId), userId: String(a.userId), number: a.number, state: a.state, startedAt: a.startedAt,
      deadline: a.deadline ?? null, submittedAt: a.submittedAt ?? null, gradedAt: a.gradedAt ?? null,
    });
    async function openAttemptView(a: AttemptDoc) {
      const now = ctx.clock.now();
      return {
        attempt: attemptSummary(a),
        serverTime: now,
        remainingMs: a.deadline ? Math.max(0, a.deadline.getTime() - now.getTime()) : null,
        questions: (await svc.learnerQuestions(a)).map(({ partial: _p, ...q }) => q),
      };
    }
    /** Learners' names (with NIP) for their trainers' lists: a person is named, never shown as an id. */
    async function learnerNames(ids: Array<Types.ObjectId | string>): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await ctx.use<IdentityService>('identity').models.User.find({ _id: { $in: ids } }, { name: 1, nip: 1 }).lean();
      return new Map(rows.map((u) => [String(u._id), u.nip ? `${u.name} (${u.nip})` : u.name]));
    }
    async function quizForViewer(user: SessionUser, quizId: string) {
      const quiz = await svc.loadQuiz(quizId);
      const { asAuthor } = await learning().requireParticipant(user, String(quiz.courseId));
      return { quiz, asAuthor };
    }

    // ---- API ----
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
      openAttemptView(await svc.start(user!, params.quizId)),
    );
    ctx.http.route({ method: 'get', path: '/quizzes/:quizId/attempts', capability: 'activity-quiz:view', summary: 'Attempts: mine, or all for the quiz\'s trainers', params: quizParams }, async ({ params, user }) => {
      const { quiz, asAuthor } = await quizForViewer(user!, params.quizId);
      const all = asAuthor && ctx.authz.can(user, 'activity-quiz:review-all');
      const rows = await Attempt.find({ quizId: quiz._id, ...(all ? {} : { userId: user!.id }) }).sort({ startedAt: -1 }).limit(1000).lean();
      return { attempts: rows.map(attemptSummary) };
    });
    ctx.http.route({ method: 'get', path: '/attempts/:attemptId', capability: 'activity-quiz:view', summary: 'An attempt: the questions while open, the review once graded', params: attemptParams }, async ({ params, user }) => {
      const { attempt } = await svc.loadAttemptFor(user!, params.attemptId);
      if (attempt.state === 'in_progress') return openAttemptView(attempt);
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

    // ---- pages ----
    ctx.http.page({ method: 'get', path: '/new', capability: 'activity-quiz:author', summary: 'New quiz form', query: z.object({ courseId: objectId }) }, async ({ query, user, t }) => {
      const course = await learning().requireAuthor(user, query.courseId);
      return { view: `${ctx.id}/new`, title: t(`${ctx.id}:new`), data: { course: { id: String(course._id), title: course.title }, form: { attemptsAllowed: '1', passPercent: '60' }, errors: {} } };
    });
    const newForm = z.object({ courseId: objectId, title: z.string(), intro: z.string().default(''), timeLimitMinutes: z.string().default(''), attemptsAllowed: z.string().default('1'), passPercent: z.string().default('0'), _csrf: z.string().optional() });
    ctx.http.page({ method: 'post', path: '/quizzes', capability: 'activity-quiz:author', summary: 'Create a quiz (form; a refused one comes back as typed, with reasons by the fields)', body: newForm }, async ({ body, user, res, t }) => {
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
          errors[field] ??= t(`${ctx.id}:form.invalid.${['title', 'intro', 'timeLimitMinutes', 'attemptsAllowed', 'passPercent'].includes(field) ? field : 'title'}`);
        }
        const { _csrf: _c, ...form } = body;
        return { view: `${ctx.id}/new`, title: t(`${ctx.id}:new`), status: 400, data: { course: { id: String(course._id), title: course.title }, form, errors, refused: true } };
      }
      const quiz = await createQuiz(user!, parsed.data);
      res.redirect(`/${ctx.id}/quizzes/${quiz._id}/edit`);
    });
    registerQuizAuthoringPages(ctx, { svc, quizView, updateSettings: (quiz, body) => updateSettings(quiz, body as z.infer<typeof settingsPatch>) });
    registerQuizGrading(ctx, svc);
    ctx.http.page({ method: 'get', path: '/quizzes/:quizId', capability: 'activity-quiz:view', summary: 'Quiz page', params: quizParams }, async ({ params, user }) => {
      const { quiz, asAuthor } = await quizForViewer(user!, params.quizId);
      const mine = await Attempt.find({ quizId: quiz._id, userId: user!.id }).sort({ number: 1 }).lean();
      const all = asAuthor ? await Attempt.find({ quizId: quiz._id }).sort({ startedAt: -1 }).limit(200).lean() : [];
      const names = await learnerNames(all.map((a) => a.userId));
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
    // ---- the exam room (src/learning/attempt-room), the same as the exam's ----
    /** A response its question type refused in a form post: shown again as typed, with the reasons in the learner's language. */
    type Refused = Map<string, { response: unknown; error: string }>;
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
      return { attempt, quiz, view: await openAttemptView(attempt), questions: await svc.learnerQuestions(attempt) };
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
    ctx.http.page({ method: 'post', path: '/attempts/:attemptId', capability: 'activity-quiz:attempt', summary: 'Save the answers and ragu-ragu flags on screen, then move (go=N or go=summary), or submit (form)', params: attemptParams, body: z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(1000)).max(100)])) }, async ({ params, body, user, res, locale }) => {
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
    ctx.http.page({ method: 'get', path: '/attempts/:attemptId/exit', capability: 'activity-quiz:view', summary: 'The room\'s one exit: warns that the time keeps running before leaving', params: attemptParams }, async ({ params, user, res }) => {
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
  },
});

