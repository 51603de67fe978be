/**
 * The exam API's routes for taking an exam: start or resume (with the exam-session cookie), the
 * open attempt and its clock, saves and ragu-ragu flags, sections, takeover, submit, the integrity
 * log, and the attempts and results lists. The rules live in ExamService.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import { clientInfo, type ExamPluginApi } from './client-info';
import type { ExamGuards } from './exam-guards';
import { attemptParams, codesInput, examParams, integrityInput, saveInput, slotName } from './exam-input';
import type { ExamAttemptDoc } from './exam-models';
import { countingAttempt } from './exam-scoring';
import { issueExamSession } from './exam-session';
import type { ExamViews } from './exam-views';

const flagInput = z.strictObject({ flagged: z.boolean() });

export function registerAttemptRoutes(ctx: PluginContext, api: ExamPluginApi, views: ExamViews, guards: ExamGuards): void {
  const { service: svc, grading } = api;
  const { attemptSummary, openAttemptView } = views;
  ctx.http.route({ method: 'post', path: '/exams/:examId/attempts', capability: 'activity-exam:attempt', status: 201, summary: 'Start an attempt, or resume the open one (access code when a rule asks); sets the attempt\'s exam-session cookie', params: examParams, body: codesInput }, async ({ params, body, user, req, res }) => {
    const r = await svc.start(user!, params.examId, clientInfo(req, body));
    issueExamSession(req, res, String(r.attempt._id), r.examSession, r.attempt.deadline);
    return { ...(await openAttemptView(r.attempt)), resumed: r.resumed, warning: r.warning ?? null };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId/attempts', capability: 'activity-exam:view', summary: 'Attempts: mine, or all for the exam\'s trainers', params: examParams }, async ({ params, user }) => {
    const { exam, asAuthor } = await guards.examForViewer(user!, params.examId);
    const all = asAuthor && ctx.authz.can(user, 'activity-exam:review-all');
    const rows = await svc.models.Attempt.find({ examId: exam._id, ...(all ? {} : { userId: user!.id }) }, { answers: 0 }).sort({ startedAt: -1 }).limit(5000).lean();
    return { attempts: rows.map(attemptSummary) };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId/results', capability: 'activity-exam:review-all', summary: 'Each participant\'s counting attempt (grading method), with section results', params: examParams }, async ({ params, user }) => {
    const exam = await guards.requireStaff(user, params.examId, 'activity-exam:review-all');
    const rows = await svc.models.Attempt.find({ examId: exam._id }, { answers: 0, slots: 0, results: 0 }).lean();
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
    if ((await svc.models.Integrity.countDocuments({ attemptId: attempt._id })) >= max) return { logged: false };
    await svc.logIntegrity(attempt, body.kind, clientInfo(req), body.durationMs !== undefined ? { durationMs: body.durationMs } : undefined, body.at ? new Date(body.at) : undefined);
    return { logged: true };
  });
  ctx.http.route({ method: 'get', path: '/attempts/:attemptId/integrity', capability: 'activity-exam:review-all', summary: 'The integrity log of an attempt (trainers)', params: attemptParams }, async ({ params, user }) => {
    const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
    if (!asTrainer) throw Errors.notFound('Attempt not found');
    const rows = await svc.models.Integrity.find({ attemptId: attempt._id }).sort({ at: 1 }).limit(5000).lean();
    return { events: rows.map((r) => ({ kind: r.kind, at: r.at, clientAt: r.clientAt ?? null, ip: r.ip, details: r.details ?? null })) };
  });
}
