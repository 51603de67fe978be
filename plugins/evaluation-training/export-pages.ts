/**
 * A course's evaluation, levels 1–4, as CSV (one file, a titled block per level) and as XLSX (a
 * sheet per level), through the core's table export, linked from the evaluation page; an event's
 * survey (level 1) the same way, linked from its results page.
 *
 * Level 1 goes out exactly as the page shows it and no further (ADR 0057): per cohort the counts,
 * and only at or above the anonymity threshold the means per statement and the comments; a
 * comment carries a name only when the course's survey is not anonymous. No response is a row, so
 * no combination of answers can be read back to a person. Levels 2–4 are what the page shows.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import { toCsv, toXlsxSheets, type Cell } from '../../src/learning/table-export';
import type { Locale } from '../../src/views/i18n';
import type { Evaluation } from './index';
import type { T } from './page-helpers';
import { ofCourse, ofEvent, type CohortReaction } from './reaction-service';
import { EvaluationErrors } from './evaluation-errors';
import { Errors } from '../../src/kernel/errors';
import { taskView } from './task-view';

const courseParams = z.object({ courseId: objectId });
const period = z.string().regex(/^\d{4}(?:-S[12])?$/);
const resultsQuery = z.object({ before: period.optional().catch(undefined), after: period.optional().catch(undefined) });

interface Sheet {
  name: string;
  rows: Cell[][];
}

export async function evaluationSheets(ctx: PluginContext, ev: Evaluation, courseId: string, t: T, locale: Locale, query: z.infer<typeof resultsQuery>): Promise<Sheet[]> {
  const id = ctx.id;
  const learning = ctx.use<LearningService>('learning');
  const course = await learning.getCourse(courseId);
  const s = ofCourse(courseId);
  const [reaction, anonymous, gain, tasks, results] = await Promise.all([
    ev.reaction.summary(s, locale), ev.reaction.isAnonymous(s), ev.gain.view(courseId),
    ev.behaviour.Task.find({ courseId: course._id }).sort({ createdAt: -1 }).limit(5000).lean(), ev.skp.results(courseId, query),
  ]);
  const h = (key: string) => t(`${id}:export.${key}`);

  const l2: Cell[][] = [[h('learner'), h('cohort'), `${t(`${id}:gain.pre`)} (%)`, `${t(`${id}:gain.post`)} (%)`, 'g']];
  for (const l of gain.learners) l2.push([l.name, l.cohort, l.pre ?? null, l.post ?? null, l.gain ?? null]);
  const l2c: Cell[][] = [[h('cohort'), h('paired'), `${t(`${id}:gain.pre`)} (%)`, `${t(`${id}:gain.post`)} (%)`, t(`${id}:l2.meanOfGains`), t(`${id}:l2.classGain`)]];
  for (const c of gain.cohorts) l2c.push([c.cohort, c.paired, c.meanPre ?? null, c.meanPost ?? null, c.meanOfGains ?? null, c.classGain ?? null]);

  const views = await Promise.all(tasks.map((x) => taskView(ctx, x)));
  const l3: Cell[][] = [[h('learner'), h('rater'), h('state'), h('competency'), t(`${id}:l3.target`), h('level')]];
  for (const [i, v] of views.entries()) {
    for (const target of v.targets) l3.push([v.learner, t(`${id}:export.raterRole.${tasks[i]!.raterRole}`), t(`${id}:l3.state.${v.state}`), `${target.code} ${target.name}`, target.target, target.level]);
  }

  const l4: Cell[][] = [[h('group'), 'n', `${h('before')} ${results.before ?? ''}`.trim(), `${h('after')} ${results.after ?? ''}`.trim(), t(`${id}:l4.change`)]];
  for (const g of ['trained', 'comparison'] as const) {
    const r = results[g];
    l4.push([t(`${id}:results.${g}`), r.n, r.n ? r.meanBefore ?? null : null, r.n ? r.meanAfter ?? null : null, r.n ? r.change ?? null : null]);
  }
  l4.push([t(`${id}:l4.difference`), null, null, null, results.difference ?? null]);
  l4.push([t(`${id}:l4.association`), null, null, null, null]);

  return [
    ...reactionSheets(id, t, reaction, anonymous),
    { name: t(`${id}:l2.short`), rows: l2 },
    { name: `${t(`${id}:l2.short`)} · ${h('cohorts')}`, rows: l2c },
    { name: t(`${id}:l3.title`), rows: l3 },
    { name: t(`${id}:l4.title`), rows: l4 },
  ];
}

/** Level 1 as the page shows it: per cohort the counts, and from the threshold the means and the comments. */
export function reactionSheets(id: string, t: T, reaction: CohortReaction[], anonymous: boolean): Sheet[] {
  const h = (key: string) => t(`${id}:export.${key}`);
  const l1: Cell[][] = [[h('cohort'), h('invited'), h('respondents'), h('statement'), h('mean'), 'n']];
  const comments: Cell[][] = [[h('cohort'), h('comment'), ...(anonymous ? [] : [h('name')])]];
  for (const c of reaction) {
    if (!c.shown) {
      l1.push([c.cohort, c.invited, c.respondents, t(`${id}:l1.notEnough`), null, null]);
      continue;
    }
    for (const i of c.items) l1.push([c.cohort, c.invited, c.respondents, i.statement, i.mean, i.n]);
    for (const m of c.comments) comments.push([c.cohort, m.text, ...(anonymous ? [] : [m.name ?? ''])]);
  }
  return [{ name: t(`${id}:l1.title`), rows: l1 }, { name: t(`${id}:l1.comments`), rows: comments }];
}

/** One CSV: each table under its title, a blank row between tables. */
export function sheetsCsv(sheets: Sheet[]): string {
  const rows: Cell[][] = [];
  sheets.forEach((s, i) => {
    if (i) rows.push([]);
    rows.push([s.name], ...s.rows);
  });
  return toCsv(rows);
}

const eventParams = z.object({ eventId: objectId });
const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerExportPages(ctx: PluginContext, ev: Evaluation): void {
  const id = ctx.id;
  const learning = () => ctx.use<LearningService>('learning');
  const fileName = (title: string, ext: string) => `evaluasi-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'pelatihan'}.${ext}`;

  // An event's survey (level 1 only), for its organisers.
  for (const ext of ['csv', 'xlsx'] as const) {
    ctx.http.page({ method: 'get', path: `/events/:eventId/reaction.${ext}`, capability: `${id}:event-view`, summary: `An event's reaction survey per cohort as ${ext.toUpperCase()} (its organisers; only as the results page shows it)`, params: eventParams }, async ({ params, user, t, locale, res }) => {
      const about = await ev.reaction.aboutEvent(params.eventId, user);
      if (!about.found) throw Errors.notFound('Event not found');
      if (!about.organiser) throw EvaluationErrors.notOrganiser('Only the event\'s organisers read its survey');
      const sheets = reactionSheets(id, t, await ev.reaction.summary(ofEvent(params.eventId), locale), true);
      res.setHeader('content-type', ext === 'csv' ? CSV : XLSX);
      res.setHeader('content-disposition', `attachment; filename="${fileName(about.title, ext)}"`);
      res.send(ext === 'csv' ? sheetsCsv(sheets) : await toXlsxSheets(sheets));
    });
  }

  ctx.http.page({ method: 'get', path: '/courses/:courseId/evaluation.csv', capability: `${id}:view`, summary: 'A course\'s evaluation, levels 1–4, as CSV (level 1 only as the page shows it: no response is a row)', params: courseParams, query: resultsQuery }, async ({ params, query, user, t, locale, res }) => {
    const course = await learning().requireAuthor(user, params.courseId);
    const csv = sheetsCsv(await evaluationSheets(ctx, ev, params.courseId, t, locale, query));
    res.setHeader('content-type', CSV);
    res.setHeader('content-disposition', `attachment; filename="${fileName(course.title, 'csv')}"`);
    res.send(csv);
  });

  ctx.http.page({ method: 'get', path: '/courses/:courseId/evaluation.xlsx', capability: `${id}:view`, summary: 'A course\'s evaluation, levels 1–4, as XLSX (a sheet per level)', params: courseParams, query: resultsQuery }, async ({ params, query, user, t, locale, res }) => {
    const course = await learning().requireAuthor(user, params.courseId);
    const xlsx = await toXlsxSheets(await evaluationSheets(ctx, ev, params.courseId, t, locale, query));
    res.setHeader('content-type', XLSX);
    res.setHeader('content-disposition', `attachment; filename="${fileName(course.title, 'xlsx')}"`);
    res.send(xlsx);
  });
}
