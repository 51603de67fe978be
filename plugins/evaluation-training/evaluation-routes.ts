/** The JSON API (`/api/v1/evaluation-training/…`); the rules live in the services. */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import type { Evaluation } from './index';
import { EvaluationErrors } from './evaluation-errors';
import { REACTION_ITEMS } from './reaction-items';
import { taskView } from './task-view';

const courseParams = z.object({ courseId: objectId });
const taskParams = z.object({ taskId: z.string().regex(/^[a-f0-9]{24}-[a-f0-9]{24}$/) });
const level = z.enum(['1', '2', '3', '4', '5']);
export const reactionInput = z.strictObject({
  /** One level (1–5) per item, by item key. */
  answers: z.strictObject(Object.fromEntries(REACTION_ITEMS.map((i) => [i, level])) as Record<(typeof REACTION_ITEMS)[number], typeof level>),
  comment: z.string().max(2000).default(''),
});
export const settingsInput = z.strictObject({
  preActivityId: z.union([objectId, z.literal('')]).optional(),
  postActivityId: z.union([objectId, z.literal('')]).optional(),
  anonymous: z.boolean().optional(),
});
const ratingInput = z.strictObject({
  ratings: z.array(z.strictObject({ competency: z.string().min(1).max(60), level: z.number().int().min(1).max(5) })).min(1).max(50),
  comment: z.string().max(2000).default(''),
});
const skpInput = z.strictObject({ csv: z.string().min(1).max(5_000_000), dryRun: z.boolean().default(true) });
const resultsQuery = z.object({ before: z.string().regex(/^\d{4}(?:-S[12])?$/).optional(), after: z.string().regex(/^\d{4}(?:-S[12])?$/).optional() });

export function registerEvaluationRoutes(ctx: PluginContext, ev: Evaluation): void {
  const id = ctx.id;
  const learning = () => ctx.use<LearningService>('learning');

  ctx.http.route({ method: 'get', path: '/courses/:courseId/evaluation', capability: `${id}:view`, summary: 'A course\'s evaluation at the four levels (a trainer of the course, or an admin)', params: courseParams, query: resultsQuery }, async ({ params, query, user, locale }) => {
    await learning().requireAuthor(user, params.courseId);
    const [reaction, gain, tasks, results, anonymous] = await Promise.all([
      ev.reaction.summary(params.courseId, locale), ev.gain.view(params.courseId), ev.behaviour.Task.find({ courseId: params.courseId }).lean(), ev.skp.results(params.courseId, query), ev.reaction.isAnonymous(params.courseId),
    ]);
    return {
      reaction: { anonymous, cohorts: reaction },
      learning: gain,
      behaviour: { tasks: tasks.map((t) => ({ state: t.state, targets: t.targets, ratings: t.ratings })) },
      results,
    };
  });

  ctx.http.route({ method: 'put', path: '/courses/:courseId/settings', capability: `${id}:view`, summary: 'Pair the pre-test and post-test; make the reaction survey anonymous or not', params: courseParams, body: settingsInput }, async ({ params, body, user }) => {
    await learning().requireAuthor(user, params.courseId);
    await ev.gain.configure(params.courseId, body);
    return { saved: true };
  });

  ctx.http.route({ method: 'get', path: '/courses/:courseId/reaction', capability: `${id}:respond`, summary: 'The reaction survey of a course I completed: its items and whether I answered', params: courseParams }, async ({ params, user, locale }) => {
    const offer = await ev.reaction.offerFor(params.courseId, user!.id);
    const items = await ev.reaction.form(locale);
    return { offered: Boolean(offer), answered: offer?.answered ?? false, anonymous: await ev.reaction.isAnonymous(params.courseId), items: items.map((q, i) => ({ key: REACTION_ITEMS[i], statement: q.stem, scale: (q.view as { scale: unknown }).scale })) };
  });

  ctx.http.route({ method: 'post', path: '/courses/:courseId/reaction', capability: `${id}:respond`, status: 201, summary: 'Answer the reaction survey once (anonymous when the course says so)', params: courseParams, body: reactionInput }, async ({ params, body, user, locale }) => {
    const fields = Object.fromEntries(REACTION_ITEMS.map((item, i) => [`q_s${i + 1}`, body.answers[item]]));
    await ev.reaction.submit(user!, params.courseId, fields, body.comment, locale);
    return { answered: true };
  });

  ctx.http.route({ method: 'get', path: '/tasks', capability: `${id}:rate`, summary: 'Behaviour ratings asked of me (as direct supervisor)' }, async ({ user }) => {
    const tasks = await ev.behaviour.tasksFor(user!.id);
    return { tasks: await Promise.all(tasks.map((t) => taskView(ctx, t))) };
  });

  ctx.http.route({ method: 'post', path: '/tasks/:taskId/rating', capability: `${id}:rate`, summary: 'Rate the change in behaviour against the course\'s competency targets (once); each becomes evidence', params: taskParams, body: ratingInput }, async ({ params, body, user }) => {
    const levels = Object.fromEntries(body.ratings.map((r: { competency: string; level: number }) => [r.competency, r.level]));
    const task = await ev.behaviour.rate(user!, params.taskId, levels, body.comment);
    return { task: await taskView(ctx, task) };
  });

  ctx.http.route({ method: 'post', path: '/skp/imports', capability: `${id}:skp-import`, bodyLimit: '6mb', summary: 'Import SKP ratings (nip,period,results,behaviour): a preview (dryRun, the default) or the import; a file with problems is a 400 listing each with its line', body: skpInput }, async ({ body, user, locale }) => {
    if (body.dryRun) {
      const p = await ev.skp.preview(body.csv, locale);
      if (p.problems.length) throw EvaluationErrors.skpFile('The file has problems; nothing would be imported', { details: p.problems.map((x) => ({ path: `line ${x.line}`, line: x.line, message: x.message })) });
      return { rows: p.rows.length, periods: p.periods, unknownNips: p.unknownNips };
    }
    return ev.skp.import(body.csv, locale, user!.id);
  });
}
