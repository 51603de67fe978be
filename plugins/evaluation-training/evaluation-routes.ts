/** The JSON API (`/api/v1/evaluation-training/…`); the rules live in the services. */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import type { Evaluation } from './index';
import { EvaluationErrors } from './evaluation-errors';
import { Errors } from '../../src/kernel/errors';
import type { Locale } from '../../src/views/i18n';
import { formId, type Subject } from './reaction-forms';
import { ofCourse, ofEvent } from './reaction-service';
import { taskView } from './task-view';

const courseParams = z.object({ courseId: objectId });
const eventParams = z.object({ eventId: objectId });
const taskParams = z.object({ taskId: z.string().regex(/^[a-f0-9]{24}-[a-f0-9]{24}$/) });
const level = z.enum(['1', '2', '3', '4', '5']);
export const reactionInput = z.strictObject({
  /** One level (1–5) per statement, by item key (a default's name, `relevance`, or a typed statement's id), as GET …/reaction lists them. */
  answers: z.record(z.string().regex(/^(?:[a-z]{1,20}|[a-f0-9]{24})$/), level),
  comment: z.string().max(2000).default(''),
});
export const itemsInput = z.strictObject({
  /** The statements in order (1–12, 5–300 characters each); `defaults: true` goes back to the six defaults instead. */
  statements: z.array(z.string().max(2000)).max(50).default([]),
  defaults: z.boolean().default(false),
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

  /** The API's answers by item key, as the form's fields; a key the form does not ask is a 400. */
  async function fieldsFor(subject: Subject, answers: Record<string, string>, locale: Locale) {
    const form = await ev.reaction.form(subject, locale);
    const unknown = Object.keys(answers).filter((k) => !form.questions.some((q) => q.key === k));
    if (unknown.length) throw EvaluationErrors.incomplete('Answer the statements the survey asks', { details: unknown.map((k) => ({ path: `answers.${k}`, message: 'not a statement of this survey', i18n: 'evaluation-training:errors.incomplete' })) });
    return Object.fromEntries(form.questions.filter((q) => answers[q.key]).map((q) => [`q_${q.slot}`, answers[q.key]!]));
  }
  const surveyView = async (subject: Subject, userId: string, locale: Locale) => {
    const offer = await ev.reaction.offerFor(subject, userId);
    const form = await ev.reaction.form(subject, locale);
    return { offered: Boolean(offer), answered: offer?.answered ?? false, anonymous: await ev.reaction.isAnonymous(subject), items: form.questions.map((q) => ({ key: q.key, statement: q.stem, scale: (q.view as { scale: unknown }).scale })) };
  };
  async function organised(user: Parameters<typeof ev.reaction.aboutEvent>[1], eventId: string) {
    const about = await ev.reaction.aboutEvent(eventId, user);
    if (!about.found) throw Errors.notFound('Event not found');
    if (!about.organiser) throw EvaluationErrors.notOrganiser('Only the event\'s organisers read its survey');
    return about;
  }

  ctx.http.route({ method: 'get', path: '/courses/:courseId/evaluation', capability: `${id}:view`, summary: 'A course\'s evaluation at the four levels (a trainer of the course, or an admin)', params: courseParams, query: resultsQuery }, async ({ params, query, user, locale }) => {
    await learning().requireAuthor(user, params.courseId);
    const [reaction, gain, tasks, results, anonymous] = await Promise.all([
      ev.reaction.summary(ofCourse(params.courseId), locale), ev.gain.view(params.courseId), ev.behaviour.Task.find({ courseId: params.courseId }).lean(), ev.skp.results(params.courseId, query), ev.reaction.isAnonymous(ofCourse(params.courseId)),
    ]);
    return {
      reaction: { anonymous, cohorts: reaction },
      learning: gain,
      behaviour: { tasks: tasks.map((t) => ({ state: t.state, raterRole: t.raterRole, targets: t.targets, ratings: t.ratings })) },
      results,
    };
  });

  ctx.http.route({ method: 'put', path: '/courses/:courseId/settings', capability: `${id}:view`, summary: 'Pair the pre-test and post-test; make the reaction survey anonymous or not', params: courseParams, body: settingsInput }, async ({ params, body, user }) => {
    await learning().requireAuthor(user, params.courseId);
    await ev.gain.configure(params.courseId, body);
    return { saved: true };
  });

  ctx.http.route({ method: 'get', path: '/courses/:courseId/reaction', capability: `${id}:respond`, summary: 'The reaction survey of a course I completed: its items and whether I answered', params: courseParams }, async ({ params, user, locale }) =>
    surveyView(ofCourse(params.courseId), user!.id, locale));

  ctx.http.route({ method: 'post', path: '/courses/:courseId/reaction', capability: `${id}:respond`, status: 201, summary: 'Answer the reaction survey once (anonymous when the course says so)', params: courseParams, body: reactionInput }, async ({ params, body, user, locale }) => {
    const subject = ofCourse(params.courseId);
    await ev.reaction.submit(user!, subject, await fieldsFor(subject, body.answers, locale), body.comment, locale);
    return { answered: true };
  });

  ctx.http.route({ method: 'put', path: '/courses/:courseId/reaction-items', capability: `${id}:view`, summary: 'Set the reaction survey\'s statements (answers already given keep theirs)', params: courseParams, body: itemsInput }, async ({ params, body, user, locale }) => {
    await learning().requireAuthor(user, params.courseId);
    return saveItems(ofCourse(params.courseId), body, user!.id, locale);
  });

  async function saveItems(subject: Subject, body: z.infer<typeof itemsInput>, userId: string, locale: Locale) {
    if (body.defaults) await ev.reaction.forms.reset(subject);
    else await ev.reaction.forms.save(subject, body.statements);
    await ctx.audit.record({ action: `${id}:audit.itemsChanged`, actorId: userId, subject: { type: 'reaction-form', id: formId(subject) }, after: { statements: body.defaults ? 'defaults' : body.statements.length } });
    return { items: (await ev.reaction.forms.statements(subject, locale)).map((s) => ({ key: s.entry, statement: s.text, standard: s.standard })) };
  }

  // ---- an event's reaction survey (events of activity-event, through the core's hooks) ----------

  ctx.http.route({ method: 'get', path: '/events/:eventId/evaluation', capability: `${id}:event-view`, summary: 'An event\'s reaction survey results per cohort (its organisers, admins)', params: eventParams }, async ({ params, user, locale }) => {
    await organised(user!, params.eventId);
    return { reaction: { anonymous: true, cohorts: await ev.reaction.summary(ofEvent(params.eventId), locale) } };
  });

  ctx.http.route({ method: 'put', path: '/events/:eventId/reaction-items', capability: `${id}:event-view`, summary: 'Set an event\'s reaction statements (its organisers)', params: eventParams, body: itemsInput }, async ({ params, body, user, locale }) => {
    await organised(user!, params.eventId);
    return saveItems(ofEvent(params.eventId), body, user!.id, locale);
  });

  ctx.http.route({ method: 'get', path: '/events/:eventId/reaction', capability: `${id}:respond`, summary: 'The reaction survey of an event I attended: its items and whether I answered', params: eventParams }, async ({ params, user, locale }) =>
    surveyView(ofEvent(params.eventId), user!.id, locale));

  ctx.http.route({ method: 'post', path: '/events/:eventId/reaction', capability: `${id}:respond`, status: 201, summary: 'Answer an event\'s reaction survey once (always anonymous)', params: eventParams, body: reactionInput }, async ({ params, body, user, locale }) => {
    const subject = ofEvent(params.eventId);
    await ev.reaction.submit(user!, subject, await fieldsFor(subject, body.answers, locale), body.comment, locale);
    return { answered: true };
  });

  ctx.http.route({ method: 'get', path: '/tasks', capability: `${id}:rate`, summary: 'Behaviour ratings asked of me (as mentor or direct supervisor)' }, async ({ user }) => {
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
