/**
 * The exam API's live score board: the proctor's snapshot and stream, and the public screen's by its
 * unguessable token (only while the exam allows a public board). The board lives in ScoreBoard.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import type { ExamPluginApi } from './client-info';
import { examParams } from './exam-input';
import type { ExamGuards } from './exam-guards';
import type { ExamDoc } from './exam-models';
import type { ExamService } from './exam-service';

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

/** The exam whose public board has this token; a coded 404 when none shows one. */
export async function publicBoardExam(svc: ExamService, token: string): Promise<ExamDoc> {
  const exam = await svc.models.Exam.findOne({ 'board.token': token, 'board.public': true }).lean();
  if (!exam) throw Errors.notFound('No public score board here');
  return exam;
}

export function registerBoardRoutes(ctx: PluginContext, api: ExamPluginApi, guards: ExamGuards): void {
  const { service: svc, board } = api;
  ctx.http.route({ method: 'get', path: '/exams/:examId/board', capability: 'activity-exam:proctor', summary: 'Score board snapshot (live scores, names or masked NIPs)', params: examParams }, async ({ params, user }) =>
    board.snapshot(await guards.requireStaff(user, params.examId, 'activity-exam:proctor')),
  );
  ctx.http.route({ method: 'get', path: '/exams/:examId/board/stream', capability: 'activity-exam:proctor', produces: ['text/event-stream'], summary: 'Score board updates as server-sent events', params: examParams }, async ({ params, user, req, res }) => {
    await board.stream(await guards.requireStaff(user, params.examId, 'activity-exam:proctor'), req, res);
  });
  ctx.http.route({ method: 'get', path: '/public/boards/:token', public: true, summary: 'Public score board snapshot (when the exam allows a public screen)', params: tokenParams }, async ({ params }) =>
    board.snapshot(await publicBoardExam(svc, params.token)),
  );
  ctx.http.route({ method: 'get', path: '/public/boards/:token/stream', public: true, produces: ['text/event-stream'], summary: 'Public score board updates as server-sent events', params: tokenParams }, async ({ params, req, res }) => {
    await board.stream(await publicBoardExam(svc, params.token), req, res);
  });
}
