/**
 * The exam API's authoring routes (`/api/v1/activity-exam/…`): create and change an exam, the live
 * pool counts of the form, and accommodations. The rules live in ExamAuthoring.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { ExamPluginApi } from './client-info';
import { categoryWithDescendants, parseSource, poolDraw } from './exam-form';
import type { ExamGuards } from './exam-guards';
import { accommodationInput, examInput, examParams, examPatch } from './exam-input';
import type { ExamViews } from './exam-views';

const poolQuery = z.object({
  courseId: objectId,
  source: z.string().max(60).optional(),
  tag: z.string().trim().max(60).optional().transform((v) => v || undefined),
  competency: z.string().trim().max(40).optional().transform((v) => v || undefined),
  level: z.union([z.literal('').transform(() => undefined), z.coerce.number().int().min(1).max(5)]).optional(),
});

export function registerAuthoringRoutes(ctx: PluginContext, api: ExamPluginApi, views: ExamViews, guards: ExamGuards): void {
  const { service: svc, authoring } = api;
  const { examView } = views;
  ctx.http.route({ method: 'post', path: '/exams', capability: 'activity-exam:author', status: 201, links: { examId: '/exam/id' }, summary: 'Create an exam (blueprint with sections) in a course I teach', body: examInput }, async ({ body, user }) => {
    const exam = await authoring.create(user!, body);
    return { exam: examView(exam, true), pools: await authoring.pools(exam) };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId', capability: 'activity-exam:view', summary: 'An exam (blueprint details only for its trainers)', params: examParams }, async ({ params, user }) => {
    const { exam, asAuthor } = await guards.examForViewer(user!, params.examId);
    return { exam: examView(exam, asAuthor) };
  });
  ctx.http.route({ method: 'patch', path: '/exams/:examId', capability: 'activity-exam:author', summary: 'Change an exam\'s settings (the blueprint only before any attempt)', params: examParams, body: examPatch }, async ({ params, body, user }) => {
    const exam = await authoring.update(user!, params.examId, body);
    return { exam: examView(exam, true), pools: await authoring.pools(exam) };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId/pools', capability: 'activity-exam:author', summary: 'How many bank questions each drawing section can draw from now', params: examParams }, async ({ params, user }) => ({
    pools: await authoring.pools(await guards.requireStaff(user, params.examId, 'activity-exam:author')),
  }));
  ctx.http.route({ method: 'get', path: '/pool', capability: 'activity-exam:author', summary: 'How many questions a section rule can draw from (the form\'s live count)', query: poolQuery }, async ({ query, user }) => {
    await svc.learning.requireAuthor(user, query.courseId);
    const source = query.source ? parseSource(query.source) : null;
    if (query.source && !source) throw Errors.validation('Invalid source', { details: [{ in: 'query', path: 'source', message: 'bankId or bankId:categoryId' }] });
    if (source && !(await authoring.canUseBank(user!, source.bankId))) throw Errors.validation('Unknown question bank', { details: [{ in: 'query', path: 'source', message: 'no such bank, or not one you may use' }] });
    const categoryIds = source?.categoryId ? await categoryWithDescendants(svc.learning, source.bankId, source.categoryId) : [];
    const draw = poolDraw({ bankId: source?.bankId, categoryIds, tag: query.tag, competency: query.competency, level: query.level });
    return { available: await authoring.poolSize({ courseId: new Types.ObjectId(query.courseId) }, draw) };
  });
  ctx.http.route({ method: 'put', path: '/exams/:examId/accommodations/:userId', capability: 'activity-exam:accommodate', summary: 'Grant a participant extra time, a later window or extra attempts (audited)', params: examParams.extend({ userId: objectId }), body: accommodationInput }, async ({ params, body, user }) => {
    const a = await authoring.accommodate(user!, params.examId, params.userId, body);
    return { accommodation: { userId: String(a.userId), extraMinutes: a.extraMinutes, extraAttempts: a.extraAttempts, opensAt: a.opensAt ?? null, closesAt: a.closesAt ?? null, reason: a.reason } };
  });
  ctx.http.route({ method: 'get', path: '/exams/:examId/accommodations', capability: 'activity-exam:accommodate', summary: 'Accommodations granted for an exam', params: examParams }, async ({ params, user }) => {
    const exam = await guards.requireStaff(user, params.examId, 'activity-exam:accommodate');
    const rows = await svc.models.Accommodation.find({ examId: exam._id }).lean();
    return { accommodations: rows.map((a) => ({ userId: String(a.userId), extraMinutes: a.extraMinutes, extraAttempts: a.extraAttempts, opensAt: a.opensAt ?? null, closesAt: a.closesAt ?? null, reason: a.reason, by: String(a.by), at: a.at })) };
  });
}
