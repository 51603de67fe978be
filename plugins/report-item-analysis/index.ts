/**
 * Wires the pure item analysis (statistics.ts, option-frequencies.ts, csv-export.ts) to exams:
 * a report page per exam with a Chart.js chart (served from /assets/vendor/chart.js, no CDN),
 * a JSON API, an ASCII-safe CSV export, and a worker job for large exams. Results are stored per
 * exam and scope (all attempts / first attempts), so a page view never recomputes a large exam.
 */
import { Schema, type Types } from 'mongoose';
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import type { ExamApi } from '../activity-exam/api';
import { itemStatisticsCsv, quizSummaryCsv } from './csv-export';
import { examAnalysisInput, slotDetails, type SlotDetail, type Scope } from './exam-data';
import { optionFrequencies, type SlotFrequencies } from './option-frequencies';
import { analyse, type ItemAnalysis } from './statistics';
import { objectId } from '../../src/kernel/object-id';

interface ResultDoc {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  scope: Scope;
  /** `stale`: a grade came in after it was computed (the next view computes it again). */
  state: 'pending' | 'done' | 'failed' | 'stale';
  /** Bumped by every grade that makes it stale: a computation started before stores nothing. */
  generation?: number;
  requestedAt: Date;
  computedAt?: Date;
  ms?: number;
  analysis?: ItemAnalysis;
  frequencies?: SlotFrequencies[];
  details?: SlotDetail[];
  error?: string;
}

const resultSchema = new Schema<ResultDoc>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    scope: { type: String, enum: ['all', 'first'], required: true },
    state: { type: String, enum: ['pending', 'done', 'failed', 'stale'], required: true },
    generation: Number,
    requestedAt: { type: Date, required: true },
    computedAt: Date,
    ms: Number,
    analysis: Schema.Types.Mixed,
    frequencies: Schema.Types.Mixed,
    details: Schema.Types.Mixed,
    error: String,
  },
  { versionKey: false, minimize: false },
);
resultSchema.index({ examId: 1, scope: 1 }, { unique: true });

const params = z.object({ examId: objectId });
const query = z.object({ scope: z.enum(['all', 'first']).default('all'), refresh: z.enum(['0', '1']).default('0') });

export default definePlugin({
  register(ctx) {
    const Result = ctx.models.define<ResultDoc>('results', resultSchema);
    const exams = () => ctx.use<ExamApi>('activity-exam').reads;
    const learning = () => ctx.use<LearningService>('learning');

    async function compute(examId: string, scope: Scope): Promise<ResultDoc> {
      const t0 = performance.now();
      const generation = (await Result.findOne({ examId, scope }, { generation: 1 }).lean())?.generation ?? 0;
      const attempts = await exams().gradedAttempts(examId, scope);
      const ids = [...new Set(attempts.flatMap((a) => a.slots.map((s) => s.questionId)))];
      const questions = new Map((await exams().questions(ids)).map((q) => [q.id, q]));
      const { input, frequencies } = examAnalysisInput(attempts, questions);
      const analysis = analyse(input);
      const freq = optionFrequencies(frequencies);
      const details = slotDetails(attempts, questions, input);
      const ms = Math.round(performance.now() - t0);
      // Stored only if no grade came in meanwhile (same generation); otherwise it stays stale.
      const done = { $set: { state: 'done', computedAt: ctx.clock.now(), ms, analysis, frequencies: freq, details, generation }, $unset: { error: 1 }, $setOnInsert: { requestedAt: ctx.clock.now() } };
      try {
        await Result.updateOne({ examId, scope, $or: [{ generation }, { generation: { $exists: false } }] }, done, { upsert: true });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
      }
      return (await Result.findOne({ examId, scope }).lean())!;
    }

    ctx.jobs.define('compute', {
      payload: z.strictObject({ examId: objectId, scope: z.enum(['all', 'first']) }),
      process: async ({ examId, scope }, job) => {
        await job.progress(10);
        try {
          const r = await compute(examId, scope);
          await job.progress(100);
          return { ms: r.ms };
        } catch (e) {
          await Result.updateOne({ examId, scope }, { $set: { state: 'failed', error: (e as Error).message } });
          throw e;
        }
      },
    });

    // A new final grade (or a regrade) makes the stored figures stale: they are dropped, and the
    // next view computes them again, so nobody has to ask for a recount.
    const forget = async (raw: unknown) => {
      const examId = (raw as { examId?: unknown }).examId;
      if (typeof examId === 'string' && /^[a-f0-9]{24}$/.test(examId)) await Result.updateMany({ examId }, { $set: { state: 'stale' }, $inc: { generation: 1 } });
    };
    ctx.events.on('activity-exam.attempt.graded', forget);
    ctx.events.on('activity-exam.attempt.regraded', forget);

    async function requireExamAuthor(user: SessionUser | undefined, examId: string) {
      const exam = await exams().exam(examId);
      await learning().requireAuthor(user, exam.courseId);
      return exam;
    }

    /** The stored result; computed now for small exams, on the worker for large ones. */
    async function resultFor(examId: string, scope: Scope, refresh: boolean): Promise<ResultDoc> {
      const have = await Result.findOne({ examId, scope }).lean();
      if (have && !refresh && (have.state === 'done' || have.state === 'pending')) return have;
      const n = await exams().countGradedAttempts(examId, scope);
      if (n <= Number(ctx.settings.inlineMaxAttempts ?? 300)) return compute(examId, scope);
      await Result.updateOne({ examId, scope }, { $set: { state: 'pending', requestedAt: ctx.clock.now() } }, { upsert: true });
      // One key per exam, scope, generation (a grade since makes a new one) and minute: repeated views share a job.
      await ctx.jobs.enqueue('compute', { examId, scope }, { key: `ia-${examId}-${scope}-g${have?.generation ?? 0}-${Math.floor(ctx.clock.now().getTime() / 60_000)}` });
      return (await Result.findOne({ examId, scope }).lean())!;
    }

    const view = (r: ResultDoc) => ({ state: r.state, scope: r.scope, computedAt: r.computedAt ?? null, ms: r.ms ?? null, analysis: r.analysis ?? null, frequencies: r.frequencies ?? [], details: r.details ?? [], error: r.error ?? null });

    ctx.http.route({ method: 'get', path: '/exams/:examId', capability: 'report-item-analysis:view', summary: 'Item analysis of an exam (all or first attempts); large exams are computed on a worker', params, query }, async ({ params: p, query: q, user }) => {
      await requireExamAuthor(user, p.examId);
      return view(await resultFor(p.examId, q.scope, q.refresh === '1'));
    });
    ctx.http.route({ method: 'get', path: '/exams/:examId/csv', capability: 'report-item-analysis:view', produces: ['text/csv'], summary: 'Item analysis as ASCII CSV (table=items or quiz)', params, query: z.object({ scope: z.enum(['all', 'first']).default('all'), table: z.enum(['items', 'quiz']).default('items') }) }, async ({ params: p, query: q, user, res }) => {
      await requireExamAuthor(user, p.examId);
      const r = await resultFor(p.examId, q.scope, false);
      if (r.state !== 'done' || !r.analysis) throw Errors.conflict('The analysis is still being computed; try again shortly', { details: { state: r.state } });
      res.type('text/csv; charset=us-ascii').attachment(`item-analysis-${p.examId}-${q.scope}-${q.table}.csv`).send(q.table === 'items' ? itemStatisticsCsv(r.analysis) : quizSummaryCsv(r.analysis));
    });
    ctx.http.page({ method: 'get', path: '/exams/:examId', capability: 'report-item-analysis:view', summary: 'Item analysis report page with a chart', params, query }, async ({ params: p, query: q, user, t }) => {
      const exam = await requireExamAuthor(user, p.examId);
      const r = await resultFor(p.examId, q.scope, q.refresh === '1');
      const fr = new Map((r.frequencies ?? []).map((f) => [String(f.slot), f]));
      const detail = new Map((r.details ?? []).map((d) => [d.slot, d]));
      return {
        view: `${ctx.id}/report`, title: t(`${ctx.id}:title`),
        data: {
          exam: { id: exam.id, title: exam.title }, scope: q.scope, firstOnly: q.scope === 'first', state: r.state, computedAt: r.computedAt, ms: r.ms,
          quiz: r.analysis?.quiz ?? null,
          items: (r.analysis?.items ?? []).map((it) => {
            const d = detail.get(String(it.slot));
            return {
              ...it, number: d?.number ?? String(it.slot), name: d?.name ?? null, questionCount: d?.questionCount ?? 1, sub: d?.sub ?? [],
              responses: (fr.get(String(it.slot))?.responses ?? []).slice(0, 6).map((x) => ({ ...x, response: responseLabel(x.response, t), percent: Math.round(x.share * 1000) / 10 })),
            };
          }),
          chart: { labels: (r.analysis?.items ?? []).map((i) => String(detail.get(String(i.slot))?.number ?? i.slot)), facility: (r.analysis?.items ?? []).map((i) => i.facility), discrimination: (r.analysis?.items ?? []).map((i) => i.discriminationIndex) },
        },
      };
    });
  },
});

/** A response summary in the reader's language: true/false and "answered" are words; option ids and numbers stay as they are. */
function responseLabel(response: unknown, t: (key: string) => string): string {
  const text = String(response);
  return text === 'true' || text === 'false' || text === 'answered' ? t(`report-item-analysis:responseValue.${text}`) : text;
}
