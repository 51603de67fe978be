/**
 * The item analysis of one test, for its course's trainers: a JSON API, an ASCII-safe CSV export
 * and a report page with a Chart.js chart (served from /assets/vendor/chart.js, no CDN). The same
 * three for every source: `/exams/:refId` and `/quizzes/:refId`.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import type { LearningService } from '../../src/learning/learning-service';
import type { ActivityReport } from '../../src/views/activity-reports';
import { SOURCE_KINDS, type AnalysisDoc, type AnalysisStore, type SourceKind } from './analysis-store';
import { itemStatisticsCsv, quizSummaryCsv } from './csv-export';

const params = z.object({ refId: objectId });
const scope = z.enum(['all', 'first']).default('all');
const query = z.object({ scope, refresh: z.enum(['0', '1']).default('0') });
const csvQuery = z.object({ scope, table: z.enum(['items', 'quiz']).default('items') });

/** What the route summaries call each source. */
const NOUN: Record<SourceKind, string> = { exams: 'an exam', quizzes: 'a quiz' };

/**
 * The link on a quiz's or an exam's page, through the core's report registry (ADR 0071): the
 * activity plugins do not name this one, so while it is switched off there is no link to follow.
 */
export function itemAnalysisReport(id: string, sources: Record<SourceKind, { activityType: string }>): ActivityReport {
  return {
    id: 'item-analysis',
    labelKey: `${id}:activityLink`,
    capability: 'report-item-analysis:view',
    href: (activityType, refId) => {
      const source = SOURCE_KINDS.find((s) => sources[s].activityType === activityType);
      return source ? `/${id}/${source}/${refId}` : null;
    },
  };
}

export function registerReportRoutes(ctx: PluginContext, store: AnalysisStore): void {
  const learning = () => ctx.use<LearningService>('learning');

  /** The test's summary, if the user teaches its course. */
  async function requireAuthor(user: SessionUser | undefined, source: SourceKind, refId: string) {
    const activity = await store.reads(source).activity(refId);
    await learning().requireAuthor(user, activity.courseId);
    return activity;
  }

  const view = (r: AnalysisDoc) => ({ state: r.state, scope: r.scope, computedAt: r.computedAt ?? null, ms: r.ms ?? null, analysis: r.analysis ?? null, frequencies: r.frequencies ?? [], details: r.details ?? [], error: r.error ?? null });

  for (const source of SOURCE_KINDS) {
    const noun = NOUN[source];
    ctx.http.route({ method: 'get', path: `/${source}/:refId`, capability: 'report-item-analysis:view', summary: `Item analysis of ${noun} (all or first attempts); large ones are computed on a worker`, params, query }, async ({ params: p, query: q, user }) => {
      await requireAuthor(user, source, p.refId);
      return view(await store.resultFor(source, p.refId, q.scope, q.refresh === '1'));
    });
    ctx.http.route({ method: 'get', path: `/${source}/:refId/csv`, capability: 'report-item-analysis:view', produces: ['text/csv'], summary: `Item analysis of ${noun} as ASCII CSV (table=items or quiz)`, params, query: csvQuery }, async ({ params: p, query: q, user, res }) => {
      await requireAuthor(user, source, p.refId);
      const r = await store.resultFor(source, p.refId, q.scope, false);
      if (r.state !== 'done' || !r.analysis) throw Errors.conflict('The analysis is still being computed; try again shortly', { details: { state: r.state } });
      res.type('text/csv; charset=us-ascii').attachment(`item-analysis-${p.refId}-${q.scope}-${q.table}.csv`).send(q.table === 'items' ? itemStatisticsCsv(r.analysis) : quizSummaryCsv(r.analysis));
    });
    ctx.http.page({ method: 'get', path: `/${source}/:refId`, capability: 'report-item-analysis:view', summary: `Item analysis report page of ${noun}, with a chart`, params, query }, async ({ params: p, query: q, user, t }) => {
      const activity = await requireAuthor(user, source, p.refId);
      const r = await store.resultFor(source, p.refId, q.scope, q.refresh === '1');
      const frequencies = new Map((r.frequencies ?? []).map((f) => [String(f.slot), f]));
      const detail = new Map((r.details ?? []).map((d) => [d.slot, d]));
      const items = r.analysis?.items ?? [];
      return {
        view: `${ctx.id}/report`, title: t(`${ctx.id}:title`),
        data: {
          activity, csvBase: `/api/v1/${ctx.id}/${source}/${activity.id}/csv`, scope: q.scope, firstOnly: q.scope === 'first', state: r.state, computedAt: r.computedAt, ms: r.ms,
          quiz: r.analysis?.quiz ?? null,
          items: items.map((item) => {
            const d = detail.get(String(item.slot));
            return {
              ...item, number: d?.number ?? String(item.slot), name: d?.name ?? null, questionCount: d?.questionCount ?? 1, sub: d?.sub ?? [],
              responses: (frequencies.get(String(item.slot))?.responses ?? []).slice(0, 6).map((x) => ({ ...x, response: responseLabel(x.response, t), percent: Math.round(x.share * 1000) / 10 })),
            };
          }),
          chart: { labels: items.map((i) => String(detail.get(String(i.slot))?.number ?? i.slot)), facility: items.map((i) => i.facility), discrimination: items.map((i) => i.discriminationIndex) },
        },
      };
    });
  }
}

/** A response summary in the reader's language: true/false and "answered" are words; option texts and numbers stay as they are. */
function responseLabel(response: unknown, t: (key: string) => string): string {
  const text = String(response);
  return text === 'true' || text === 'false' || text === 'answered' ? t(`report-item-analysis:responseValue.${text}`) : text;
}
