/**
 * The pages (they work without JavaScript; the chart is an addition to its table):
 * - the course's evaluation, levels 1–4 together, reached from the trainer's course page;
 * - the rater's behaviour tasks (navigation, inbox) and one task's rating form;
 * - the admin's SKP import (a preview with every problem by line, then the import).
 * A refused form is shown again with what was typed and the reasons beside the fields (400).
 * The reaction survey, its statements and an event's results are reaction-pages.ts; the export
 * of a course's evaluation is export-pages.ts.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { isBinaError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import type { Locale } from '../../src/views/i18n';
import type { Evaluation } from './index';
import { one, reasons, type Errs, type T } from './page-helpers';
import { ofCourse } from './reaction-service';
import { SKP_RATING_LABELS, type SkpRating } from './skp-rating';
import { taskView } from './task-view';


const courseParams = z.object({ courseId: objectId });
const taskParams = z.object({ taskId: z.string().regex(/^[a-f0-9]{24}-[a-f0-9]{24}$/) });
const period = z.string().regex(/^\d{4}(?:-S[12])?$/);
const resultsQuery = z.object({ before: period.optional().catch(undefined), after: period.optional().catch(undefined), saved: z.string().optional() });
const settingsForm = z.object({ preActivityId: z.string().max(30).default(''), postActivityId: z.string().max(30).default(''), anonymous: z.string().optional(), _csrf: z.string().optional() });
const ratingForm = z.record(z.string(), z.union([z.string().max(2000), z.array(z.string().max(2000))]).optional());
const skpForm = z.object({ csv: z.string().max(5_000_000).default(''), action: z.enum(['preview', 'import']).default('preview'), _csrf: z.string().optional() });

export function registerEvaluationPages(ctx: PluginContext, ev: Evaluation): void {
  const id = ctx.id;
  const learning = () => ctx.use<LearningService>('learning');

  // ---- the course's evaluation ----------------------------------------------------------------

  async function evaluationPage(courseId: string, user: Parameters<LearningService['requireAuthor']>[0], t: T, locale: Locale, query: z.infer<typeof resultsQuery>, extra: { form?: Record<string, string>; errors?: Errs; status?: number } = {}) {
    const course = await learning().requireAuthor(user, courseId);
    const [reaction, gain, tasks, results, anonymous, competencies] = await Promise.all([
      ev.reaction.summary(ofCourse(courseId), locale), ev.gain.view(courseId), ev.behaviour.Task.find({ courseId: course._id }).sort({ createdAt: -1 }).limit(500).lean(),
      ev.skp.results(courseId, query), ev.reaction.isAnonymous(ofCourse(courseId)), learning().models.Competency.find({ code: { $in: course.competencies.map((c) => c.code) } }, { code: 1, name: 1 }).lean(),
    ]);
    const names = new Map(competencies.map((c) => [c.code, c.name]));
    const taskRows = await Promise.all(tasks.map((x) => taskView(ctx, x)));
    const behaviour = course.competencies.map((c) => {
      const levels = tasks.flatMap((x) => x.ratings.filter((r) => r.code === c.code).map((r) => r.level));
      return { code: c.code, name: names.get(c.code) ?? c.code, target: c.level, rated: levels.length, mean: levels.length ? Math.round((levels.reduce((a, b) => a + b, 0) / levels.length) * 100) / 100 : null };
    });
    const ratingLabel = (r: string) => SKP_RATING_LABELS[r as SkpRating];
    const chart = {
      labels: gain.learners.filter((l) => l.pre !== undefined && l.post !== undefined).map((l) => l.name),
      pre: gain.learners.filter((l) => l.pre !== undefined && l.post !== undefined).map((l) => l.pre),
      post: gain.learners.filter((l) => l.pre !== undefined && l.post !== undefined).map((l) => l.post),
      preLabel: t(`${id}:gain.pre`), postLabel: t(`${id}:gain.post`),
    };
    return {
      view: `${id}/evaluation`, title: t(`${id}:title`, { course: course.title }), status: extra.status,
      data: {
        course: { id: String(course._id), title: course.title },
        saved: query.saved === '1',
        reaction: { anonymous, behaviourWeeks: (ctx.settings as { behaviourWeeks: number }).behaviourWeeks, min: (ctx.settings as { minRespondents: number }).minRespondents, share: (ctx.settings as { minSharePercent: number }).minSharePercent,
          cohorts: reaction, customised: await ev.reaction.forms.customised(ofCourse(courseId)) },
        gain: { ...gain, choices: gain.choices.map((c) => ({ ...c, pre: c.id === (extra.form?.preActivityId ?? gain.preActivityId), post: c.id === (extra.form?.postActivityId ?? gain.postActivityId) })) },
        chart,
        behaviour, tasks: taskRows, hasTargets: course.competencies.length > 0,
        results: {
          ...results,
          periodChoices: results.periods.map((p) => ({ period: p, before: p === results.before, after: p === results.after })),
          distribution: results.distribution.map((d) => ({ ...d, groupLabel: t(`${id}:results.${d.group}`), cells: Object.entries(d.counts).map(([k, n]) => ({ label: ratingLabel(k), n })) })),
          ratingLabels: Object.values(SKP_RATING_LABELS),
        },
        errors: extra.errors ?? {},
      },
    };
  }

  ctx.http.page({ method: 'get', path: '/courses/:courseId', capability: `${id}:view`, summary: 'A course\'s evaluation at the four levels (trainers of the course, admins)', params: courseParams, query: resultsQuery }, async ({ params, query, user, t, locale }) =>
    evaluationPage(params.courseId, user, t, locale, query));

  ctx.http.page({ method: 'post', path: '/courses/:courseId/settings', capability: `${id}:view`, summary: 'Pair the pre-test and post-test; anonymity of the reaction survey (form)', params: courseParams, body: settingsForm }, async ({ params, body, user, t, locale, res }) => {
    await learning().requireAuthor(user, params.courseId);
    const pick = (v: string) => (/^[a-f0-9]{24}$/.test(v) ? v : '');
    try {
      await ev.gain.configure(params.courseId, { preActivityId: pick(body.preActivityId), postActivityId: pick(body.postActivityId), anonymous: body.anonymous === 'on' });
    } catch (e) {
      return evaluationPage(params.courseId, user, t, locale, {}, { form: body as Record<string, string>, errors: reasons(e, t), status: 400 });
    }
    res.redirect(303, `/${id}/courses/${params.courseId}?saved=1`);
  });

  // ---- the rater's behaviour tasks ------------------------------------------------------------

  ctx.http.page({ method: 'get', path: '/tasks', capability: `${id}:rate`, summary: 'Behaviour ratings asked of me' }, async ({ user, t }) => {
    const tasks = await Promise.all((await ev.behaviour.tasksFor(user!.id)).map((x) => taskView(ctx, x)));
    return { view: `${id}/tasks`, title: t(`${id}:tasks.title`), data: { open: tasks.filter((x) => x.state === 'open'), rated: tasks.filter((x) => x.state === 'rated') } };
  });

  async function taskPage(taskId: string, user: Parameters<typeof ev.behaviour.taskFor>[0], t: T, extra: { levels?: Record<string, string>; comment?: string; errors?: Errs; status?: number } = {}) {
    const task = await taskView(ctx, await ev.behaviour.taskFor(user, taskId));
    const scale = [1, 2, 3, 4, 5].map((n) => ({ n, label: t(`${id}:task.level.${n}`) }));
    return {
      view: `${id}/task`, title: t(`${id}:task.title`, { name: task.learner }), status: extra.status,
      data: {
        task: { ...task, targets: task.targets.map((x) => ({ ...x, options: scale.map((s) => ({ ...s, checked: String(x.level ?? extra.levels?.[x.code] ?? '') === String(s.n) })), error: extra.errors?.[`level_${x.code}`] })) },
        weeks: (ctx.settings as { behaviourWeeks: number }).behaviourWeeks, comment: extra.comment ?? task.comment, errors: extra.errors ?? {},
      },
    };
  }

  ctx.http.page({ method: 'get', path: '/tasks/:taskId', capability: `${id}:rate`, summary: 'Rate one learner\'s change in behaviour', params: taskParams }, async ({ params, user, t }) => taskPage(params.taskId, user!, t));

  ctx.http.page({ method: 'post', path: '/tasks/:taskId', capability: `${id}:rate`, summary: 'Rate one learner\'s change in behaviour (form)', params: taskParams, body: ratingForm }, async ({ params, body, user, t, res }) => {
    const levels: Record<string, number> = {};
    const typed: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) {
      if (!k.startsWith('level_')) continue;
      typed[k.slice(6)] = one(v);
      levels[k.slice(6)] = Number(one(v));
    }
    const comment = one(body.comment).slice(0, 2000);
    try {
      await ev.behaviour.rate(user!, params.taskId, levels, comment);
    } catch (e) {
      return taskPage(params.taskId, user!, t, { levels: typed, comment, errors: reasons(e, t), status: isBinaError(e) ? e.status : 400 });
    }
    res.redirect(303, `/${id}/tasks`);
  });

  // ---- the SKP import -------------------------------------------------------------------------

  ctx.http.page({ method: 'get', path: '/skp', capability: `${id}:skp-import`, summary: 'Import SKP ratings per period (admins)', query: z.object({ imported: z.string().optional() }) }, async ({ query, t }) => ({
    view: `${id}/skp`, title: t(`${id}:skp.title`), data: { csv: '', periods: await ev.skp.periods(), imported: query.imported ?? null },
  }));

  ctx.http.page({ method: 'post', path: '/skp', capability: `${id}:skp-import`, summary: 'Preview or import SKP ratings (form, CSV file or pasted text)', multipart: { limit: 5_000_000 }, body: skpForm }, async ({ body, files, user, t, locale, res }) => {
    const file = files.file;
    const csv = file && file.bytes.length ? file.bytes.toString('utf8') : body.csv;
    const periods = await ev.skp.periods();
    if (!csv.trim()) return { view: `${id}/skp`, title: t(`${id}:skp.title`), status: 400, data: { csv, periods, errors: { file: t(`${id}:skp.err.noFile`) } } };
    if (body.action === 'import') {
      try {
        const r = await ev.skp.import(csv, locale, user!.id);
        return void res.redirect(303, `/${id}/skp?imported=${r.imported}`);
      } catch (e) {
        if (!isBinaError(e) || e.status >= 500) throw e;
      }
    }
    const preview = await ev.skp.preview(csv, locale);
    return {
      view: `${id}/skp`, title: t(`${id}:skp.title`), status: preview.problems.length ? 400 : undefined,
      data: { csv, periods, preview: { ...preview, count: preview.rows.length, sample: preview.rows.slice(0, 20).map((r) => ({ ...r, label: SKP_RATING_LABELS[r.rating] })) } },
    };
  });
}
