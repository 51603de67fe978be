/**
 * Certification exams (BKN CAT model). The HTTP layer only validates and delegates: ExamService
 * owns the attempt lifecycle, ExamGrading grading/manual grading/regrade, ScoreBoard the live
 * board, ExamAuthoring the blueprint and accommodations. Pages live in exam-pages.ts.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import { ExamAuthoring } from './exam-authoring';
import { ExamGrading, manualGradeInput } from './exam-grading';
import { pruneIntegrity } from './integrity-retention';
import { accommodationInput, codesInput, examInput, examPatch, integrityInput, objectId, regradeInput, saveInput, slotName } from './exam-input';
import { 
  accommodationSchema, examAttemptSchema, examSchema, integritySchema, regradeRowSchema, regradeRunSchema,
  type AccommodationDoc, type ExamAttemptDoc, type ExamDoc, type IntegrityDoc, type RegradeRowDoc, type RegradeRunDoc,
} from './exam-models';
import { countingAttempt } from './exam-scoring';
import { ExamService } from './exam-service';
import { clientInfo, type ExamPluginApi } from './client-info';
import { issueExamSession } from './exam-session';
import { createExamReads } from './exam-reads';
import { registerExamPages } from './exam-pages';
import { ScoreBoard } from './score-board';
import { registerExamDemo } from './demo';
import { examGrades } from './exam-grades';
import { categoryWithDescendants, parseSource, poolDraw } from './exam-form';
import { Types } from 'mongoose';

const examParams = z.object({ examId: objectId });
const poolQuery = z.object({
  courseId: objectId,
  source: z.string().max(60).optional(),
  tag: z.string().trim().max(60).optional().transform((v) => v || undefined),
  competency: z.string().trim().max(40).optional().transform((v) => v || undefined),
  level: z.union([z.literal('').transform(() => undefined), z.coerce.number().int().min(1).max(5)]).optional(),
});
const attemptParams = z.object({ attemptId: objectId });
const flagInput = z.strictObject({ flagged: z.boolean() });

export default definePlugin({
  register(ctx) {
    const m = {
      Exam: ctx.models.define<ExamDoc>('exams', examSchema),
      Attempt: ctx.models.define<ExamAttemptDoc>('attempts', examAttemptSchema),
      Accommodation: ctx.models.define<AccommodationDoc>('accommodations', accommodationSchema),
      Integrity: ctx.models.define<IntegrityDoc>('integrity', integritySchema),
      RegradeRun: ctx.models.define<RegradeRunDoc>('regrade_runs', regradeRunSchema),
      RegradeRow: ctx.models.define<RegradeRowDoc>('regrade_rows', regradeRowSchema),
    };
    const svc = new ExamService(ctx, m, ctx.models.claims());
    const grading = new ExamGrading(svc);
    const authoring = new ExamAuthoring(svc);
    const board = new ScoreBoard(svc);
    const api: ExamPluginApi = { service: svc, grading, authoring, board, reads: createExamReads(svc) };
    ctx.provide(ctx.id, api);
    registerExamDemo(ctx, api);
    const learning = () => svc.learning;

    ctx.activityTypes.register({
      id: ctx.id, nameKey: `${ctx.id}:name`, icon: 'clipboard-check',
      pageUrl: (a) => `/${ctx.id}/exams/${a.refId}`,
      editUrl: (a) => `/${ctx.id}/exams/${a.refId}/edit`,
      grades: (refId) => examGrades(svc.m, refId),
      trainerStatus: async (refIds) => {
        const ids = refIds.filter((r) => Types.ObjectId.isValid(r)).map((r) => new Types.ObjectId(r));
        const [exams, waiting] = await Promise.all([
          svc.m.Exam.find({ _id: { $in: ids } }, { opensAt: 1, closesAt: 1 }).lean(),
          svc.m.Attempt.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { examId: { $in: ids }, state: 'needs_grading' } }, { $group: { _id: '$examId', n: { $sum: 1 } } }]),
        ]);
        const now = ctx.clock.now();
        const byExam = new Map(waiting.map((w) => [String(w._id), w.n]));
        return exams.map((e) => ({ refId: String(e._id), waiting: byExam.get(String(e._id)) ?? 0, openNow: (!e.opensAt || e.opensAt <= now) && (!e.closesAt || now < e.closesAt) }));
      },
    });

    ctx.jobs.define('grade', { payload: z.strictObject({ attemptId: objectId }), process: async ({ attemptId }) => grading.grade(attemptId) });
    ctx.jobs.define('autosubmit', {
      payload: z.strictObject({ attemptId: objectId }),
      process: async ({ attemptId }) => {
        const a = await m.Attempt.findById(attemptId).lean();
        if (!a || a.state !== 'in_progress') return 'skipped';
        await svc.submitAttempt(a._id, 'deadline');
        return 'submitted';
      },
    });
    // "Viewed" progress of a started exam, off the start request (see ExamService.start).
    ctx.jobs.define('progress', {
      payload: z.strictObject({ examId: objectId, userId: objectId }),
      process: async ({ examId, userId }) => {
        await learning().markProgress(userId, await learning().activityFor(ctx.id, examId), 'viewed');
        return 'viewed';
      },
    });
    ctx.jobs.define('prune-integrity', { payload: z.strictObject({}), process: async () => pruneIntegrity(m.Integrity, ctx.clock, Number(ctx.settings.integrityKeepDays ?? 730)) });
    ctx.jobs.define('regrade', { payload: z.strictObject({ runId: objectId }), process: async ({ runId }, job) => grading.runRegrade(runId, (p) => job.progress(p)) });

    // ---- views of documents ----
    const examView = (e: ExamDoc, asAuthor: boolean) => ({
      id: String(e._id), courseId: String(e.courseId), title: e.title, intro: e.intro, opensAt: e.opensAt ?? null, closesAt: e.closesAt ?? null,
      timeLimitMinutes: e.timeLimitMinutes ?? null, attemptsAllowed: e.attemptsAllowed, grading: e.grading, navigation: e.navigation,
      pass: e.pass ?? null, review: e.review, questionCount: e.sections.reduce((n, s) => n + (s.fixed?.length ?? 0) + (s.draw?.count ?? 0), 0),
      sections: e.sections.map((s) => ({
        key: s.key, title: s.title, timeLimitMinutes: s.timeLimitMinutes ?? null, pass: s.pass ?? null,
        questionCount: (s.fixed?.length ?? 0) + (s.draw?.count ?? 0),
        ...(asAuthor ? { shuffle: s.shuffle, fixed: (s.fixed ?? []).map((f) => ({ questionId: String(f.questionId), mark: f.mark })), draw: s.draw ? { ...s.draw, bankId: s.draw.bankId ? String(s.draw.bankId) : null, categoryIds: (s.draw.categoryIds ?? []).map(String) } : null } : {}),
      })),
      accessRules: e.access.map((a) => a.rule),
      ...(asAuthor ? { board: e.board, access: e.access } : {}),
    });
    const attemptSummary = (a: ExamAttemptDoc) => ({
      id: String(a._id), examId: String(a.examId), userId: String(a.userId), number: a.number, state: a.state, startedAt: a.startedAt,
      deadline: a.deadline ?? null, submittedAt: a.submittedAt ?? null, submittedBy: a.submittedBy ?? null, gradedAt: a.gradedAt ?? null,
    });
    async function openAttemptView(a0: ExamAttemptDoc) {
      const a = await svc.advanceExpiredSections(a0);
      if (a.state !== 'in_progress') return { attempt: attemptSummary(a), closed: true };
      const exam = await svc.loadExam(String(a.examId));
      const now = ctx.clock.now();
      return {
        attempt: attemptSummary(a),
        serverTime: now,
        remainingMs: svc.remainingMs(a, now),
        warning: a.warning ?? null,
        navigation: exam.navigation,
        cursor: a.cursor,
        section: a.sectionDeadline ? { index: a.sectionIndex, key: exam.sections[a.sectionIndex]?.key, remainingMs: Math.max(0, a.sectionDeadline.getTime() - now.getTime()) } : null,
        sections: exam.sections.map((s) => ({ key: s.key, title: s.title, timeLimitMinutes: s.timeLimitMinutes ?? null })),
        questions: (await svc.learnerQuestions(a, exam)).map(({ partial: _p, ...q }) => q),
      };
    }
    async function examForViewer(user: SessionUser, examId: string) {
      const exam = await svc.loadExam(examId);
      const { asAuthor } = await learning().requireParticipant(user, String(exam.courseId));
      return { exam, asAuthor };
    }
    async function requireStaff(user: SessionUser | undefined, examId: string, capability: string) {
      if (!ctx.authz.can(user, capability)) throw Errors.forbidden('Missing capability', { details: { capability } });
      const exam = await svc.loadExam(examId);
      await learning().requireAuthor(user, String(exam.courseId));
      return exam;
    }

    // ---- authoring ----
    ctx.http.route({ method: 'post', path: '/exams', capability: 'activity-exam:author', status: 201, summary: 'Create an exam (blueprint with sections) in a course I teach', body: examInput }, async ({ body, user }) => {
      const exam = await authoring.create(user!, body);
      return { exam: examView(exam, true), pools: await authoring.pools(exam) };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId', capability: 'activity-exam:view', summary: 'An exam (blueprint details only for its trainers)', params: examParams }, async ({ params, user }) => {
      const { exam, asAuthor } = await examForViewer(user!, params.examId);
      return { exam: examView(exam, asAuthor) };
    });
    ctx.http.route({ method: 'patch', path: '/exams/:examId', capability: 'activity-exam:author', summary: 'Change an exam\'s settings (the blueprint only before any attempt)', params: examParams, body: examPatch }, async ({ params, body, user }) => {
      const exam = await authoring.update(user!, params.examId, body);
      return { exam: examView(exam, true), pools: await authoring.pools(exam) };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/pools', capability: 'activity-exam:author', summary: 'How many bank questions each drawing section can draw from now', params: examParams }, async ({ params, user }) => ({
      pools: await authoring.pools(await requireStaff(user, params.examId, 'activity-exam:author')),
    }));
    ctx.http.route({ method: 'get', path: '/pool', capability: 'activity-exam:author', summary: 'How many questions a section rule can draw from (the form\'s live count)', query: poolQuery }, async ({ query, user }) => {
      await learning().requireAuthor(user, query.courseId);
      const source = query.source ? parseSource(query.source) : null;
      if (query.source && !source) throw Errors.validation('Invalid source', { details: [{ in: 'query', path: 'source', message: 'bankId or bankId:categoryId' }] });
      if (source && !(await authoring.canUseBank(user!, source.bankId))) throw Errors.validation('Unknown question bank', { details: [{ in: 'query', path: 'source', message: 'no such bank, or not one you may use' }] });
      const categoryIds = source?.categoryId ? await categoryWithDescendants(learning(), source.bankId, source.categoryId) : [];
      const draw = poolDraw({ bankId: source?.bankId, categoryIds, tag: query.tag, competency: query.competency, level: query.level });
      return { available: await authoring.poolSize({ courseId: new Types.ObjectId(query.courseId) }, draw) };
    });
    ctx.http.route({ method: 'put', path: '/exams/:examId/accommodations/:userId', capability: 'activity-exam:accommodate', summary: 'Grant a participant extra time, a later window or extra attempts (audited)', params: examParams.extend({ userId: objectId }), body: accommodationInput }, async ({ params, body, user }) => {
      const a = await authoring.accommodate(user!, params.examId, params.userId, body);
      return { accommodation: { userId: String(a.userId), extraMinutes: a.extraMinutes, extraAttempts: a.extraAttempts, opensAt: a.opensAt ?? null, closesAt: a.closesAt ?? null, reason: a.reason } };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/accommodations', capability: 'activity-exam:accommodate', summary: 'Accommodations granted for an exam', params: examParams }, async ({ params, user }) => {
      const exam = await requireStaff(user, params.examId, 'activity-exam:accommodate');
      const rows = await m.Accommodation.find({ examId: exam._id }).lean();
      return { accommodations: rows.map((a) => ({ userId: String(a.userId), extraMinutes: a.extraMinutes, extraAttempts: a.extraAttempts, opensAt: a.opensAt ?? null, closesAt: a.closesAt ?? null, reason: a.reason, by: String(a.by), at: a.at })) };
    });

    // ---- taking the exam ----
    ctx.http.route({ method: 'post', path: '/exams/:examId/attempts', capability: 'activity-exam:attempt', status: 201, summary: 'Start an attempt, or resume the open one (access code when a rule asks); sets the attempt\'s exam-session cookie', params: examParams, body: codesInput }, async ({ params, body, user, req, res }) => {
      const r = await svc.start(user!, params.examId, clientInfo(req, body));
      issueExamSession(req, res, String(r.attempt._id), r.examSession, r.attempt.deadline);
      return { ...(await openAttemptView(r.attempt)), resumed: r.resumed, warning: r.warning ?? null };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/attempts', capability: 'activity-exam:view', summary: 'Attempts: mine, or all for the exam\'s trainers', params: examParams }, async ({ params, user }) => {
      const { exam, asAuthor } = await examForViewer(user!, params.examId);
      const all = asAuthor && ctx.authz.can(user, 'activity-exam:review-all');
      const rows = await m.Attempt.find({ examId: exam._id, ...(all ? {} : { userId: user!.id }) }, { answers: 0 }).sort({ startedAt: -1 }).limit(5000).lean();
      return { attempts: rows.map(attemptSummary) };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/results', capability: 'activity-exam:review-all', summary: 'Each participant\'s counting attempt (grading method), with section results', params: examParams }, async ({ params, user }) => {
      const exam = await requireStaff(user, params.examId, 'activity-exam:review-all');
      const rows = await m.Attempt.find({ examId: exam._id }, { answers: 0, slots: 0, results: 0 }).lean();
      const byUser = new Map<string, ExamAttemptDoc[]>();
      for (const a of rows) byUser.set(String(a.userId), [...(byUser.get(String(a.userId)) ?? []), a as ExamAttemptDoc]);
      const labels = await grading.userLabels([...byUser.keys()]);
      return {
        grading: exam.grading,
        results: [...byUser.entries()].map(([userId, list]) => {
          const c = countingAttempt(list, exam.grading);
          return { userId, name: labels.get(userId)?.name ?? '', nip: labels.get(userId)?.nip ?? null, attempts: list.length, counting: c ? { attemptId: String(c._id), number: c.number, score: c.score ?? null, passed: c.passed ?? null, sections: c.sections } : null };
        }),
      };
    });
    ctx.http.route({ method: 'get', path: '/attempts/:attemptId', capability: 'activity-exam:view', summary: 'An attempt: the questions while open (to a browser let into it), the review once submitted', params: attemptParams }, async ({ params, user, req }) => {
      const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
      if (attempt.state === 'in_progress') {
        if (!asTrainer) svc.requireDevice(attempt, clientInfo(req));
        const v = await openAttemptView(attempt);
        if (!('closed' in v)) return v;
      }
      return grading.review(user!, params.attemptId);
    });
    ctx.http.route({ method: 'get', path: '/attempts/:attemptId/clock', capability: 'activity-exam:view', summary: 'The server\'s time and the attempt\'s remaining time (timer sync; reads only, never moves or submits the attempt)', params: attemptParams }, async ({ params, user }) => {
      const { attempt } = await svc.loadAttemptFor(user!, params.attemptId);
      const now = ctx.clock.now();
      // Where the sections stand now, computed without writing: a GET never changes the attempt.
      const at = attempt.state === 'in_progress' ? await svc.sectionsAt(attempt, now) : attempt;
      return { serverTime: now, state: attempt.state, remainingMs: svc.remainingMs(attempt, now), section: at.sectionDeadline ? { index: at.sectionIndex, remainingMs: Math.max(0, at.sectionDeadline.getTime() - now.getTime()) } : null };
    });
    ctx.http.route({ method: 'put', path: '/attempts/:attemptId/answers/:slot', capability: 'activity-exam:attempt', summary: 'Save one answer (idempotent by sequence number; refused after the deadline)', params: attemptParams.extend({ slot: slotName }), body: saveInput }, async ({ params, body, user, req }) =>
      svc.saveAnswer(user!, params.attemptId, params.slot, body.response ?? null, body.seq, clientInfo(req), body.fields),
    );
    ctx.http.route({ method: 'put', path: '/attempts/:attemptId/flags/:slot', capability: 'activity-exam:attempt', summary: 'Mark a question ragu-ragu (unsure) or clear the mark (the grid and summary show it; never graded)', params: attemptParams.extend({ slot: slotName }), body: flagInput }, async ({ params, body, user, req }) =>
      svc.setFlag(user!, params.attemptId, params.slot, body.flagged, clientInfo(req)),
    );
    ctx.http.route({ method: 'post', path: '/attempts/:attemptId/sections/next', capability: 'activity-exam:attempt', summary: 'Finish the current timed section and start the next (idempotent by section index)', params: attemptParams, body: z.strictObject({ from: z.number().int().min(0).max(50) }) }, async ({ params, body, user }) => {
      const a = await svc.nextSection(user!, params.attemptId, body.from);
      return { attempt: attemptSummary(a), sectionIndex: a.sectionIndex };
    });
    ctx.http.route({ method: 'post', path: '/attempts/:attemptId/takeover', capability: 'activity-exam:attempt', summary: 'Continue an open attempt on this device (the access or takeover code when a rule asks); sets the exam-session cookie', params: attemptParams, body: codesInput }, async ({ params, body, user, req, res }) => {
      const r = await svc.takeover(user!, params.attemptId, clientInfo(req, body));
      issueExamSession(req, res, String(r.attempt._id), r.examSession, r.attempt.deadline);
      return openAttemptView(r.attempt);
    });
    ctx.http.route({ method: 'post', path: '/attempts/:attemptId/submit', capability: 'activity-exam:attempt', status: 202, summary: 'Submit an attempt for grading (idempotent)', params: attemptParams }, async ({ params, user }) => ({
      attempt: attemptSummary(await svc.submit(user!, params.attemptId)),
    }));
    ctx.http.route({ method: 'post', path: '/attempts/:attemptId/integrity', capability: 'activity-exam:attempt', status: 202, summary: 'Report a focus loss or fullscreen exit (logged for the trainer, never blocking)', params: attemptParams, body: integrityInput }, async ({ params, body, user, req }) => {
      const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
      if (asTrainer) throw Errors.forbidden('Only the learner reports integrity events');
      if (attempt.state !== 'in_progress') return { logged: false };
      const max = Number(ctx.settings.integrityEventsPerAttempt ?? 1000);
      if ((await m.Integrity.countDocuments({ attemptId: attempt._id })) >= max) return { logged: false };
      await svc.logIntegrity(attempt, body.kind, clientInfo(req), body.durationMs !== undefined ? { durationMs: body.durationMs } : undefined, body.at ? new Date(body.at) : undefined);
      return { logged: true };
    });
    ctx.http.route({ method: 'get', path: '/attempts/:attemptId/integrity', capability: 'activity-exam:review-all', summary: 'The integrity log of an attempt (trainers)', params: attemptParams }, async ({ params, user }) => {
      const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
      if (!asTrainer) throw Errors.notFound('Attempt not found');
      const rows = await m.Integrity.find({ attemptId: attempt._id }).sort({ at: 1 }).limit(5000).lean();
      return { events: rows.map((r) => ({ kind: r.kind, at: r.at, clientAt: r.clientAt ?? null, ip: r.ip, details: r.details ?? null })) };
    });

    // ---- grading ----
    ctx.http.route({ method: 'get', path: '/exams/:examId/grading', capability: 'activity-exam:grade', summary: 'Essays waiting for a manual grade, by attempt or by question', params: examParams, query: z.object({ by: z.enum(['attempt', 'question']).default('attempt') }) }, async ({ params, query, user }) =>
      grading.queue(user!, params.examId, query.by),
    );
    ctx.http.route({ method: 'get', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'One answer to grade by hand, with the rubric', params: attemptParams.extend({ slot: slotName }) }, async ({ params, user }) =>
      grading.slotForGrading(user!, params.attemptId, params.slot),
    );
    ctx.http.route({ method: 'put', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'Grade one answer by hand (points or rubric, with a comment; audited)', params: attemptParams.extend({ slot: slotName }), body: manualGradeInput }, async ({ params, body, user }) =>
      grading.gradeSlot(user!, params.attemptId, params.slot, body),
    );
    ctx.http.route({ method: 'post', path: '/exams/:examId/regrades', capability: 'activity-exam:grade', status: 202, summary: 'Regrade finished attempts after a question fix (runs on a worker)', params: examParams, body: regradeInput }, async ({ params, body, user }) => {
      const run = await grading.requestRegrade(user!, params.examId, body);
      return { run: { id: String(run._id), state: run.state, qids: run.qids, toLatest: run.toLatest } };
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/regrades/:runId', capability: 'activity-exam:grade', summary: 'A regrade run with each attempt\'s score before and after', params: examParams.extend({ runId: objectId }) }, async ({ params, user }) =>
      grading.regradeReport(user!, params.examId, params.runId),
    );

    // ---- live board ----
    ctx.http.route({ method: 'get', path: '/exams/:examId/board', capability: 'activity-exam:proctor', summary: 'Score board snapshot (live scores, names or masked NIPs)', params: examParams }, async ({ params, user }) =>
      board.snapshot(await requireStaff(user, params.examId, 'activity-exam:proctor')),
    );
    ctx.http.route({ method: 'get', path: '/exams/:examId/board/stream', capability: 'activity-exam:proctor', summary: 'Score board updates as server-sent events', params: examParams }, async ({ params, user, req, res }) => {
      await board.stream(await requireStaff(user, params.examId, 'activity-exam:proctor'), req, res);
    });
    const publicBoard = async (token: string) => {
      const exam = await m.Exam.findOne({ 'board.token': token, 'board.public': true }).lean();
      if (!exam) throw Errors.notFound('No public score board here');
      return exam;
    };
    const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
    ctx.http.route({ method: 'get', path: '/public/boards/:token', public: true, summary: 'Public score board snapshot (when the exam allows a public screen)', params: tokenParams }, async ({ params }) =>
      board.snapshot(await publicBoard(params.token)),
    );
    ctx.http.route({ method: 'get', path: '/public/boards/:token/stream', public: true, summary: 'Public score board updates as server-sent events', params: tokenParams }, async ({ params, req, res }) => {
      await board.stream(await publicBoard(params.token), req, res);
    });

    registerExamPages(ctx, api, { examView, attemptSummary, openAttemptView, publicBoard });
  },
  stop(ctx) {
    ctx.use<ExamPluginApi>(ctx.id).board.closeAll();
  },
});
