/**
 * Stored item analyses, one per activity (an exam or a quiz) and scope (all attempts / first
 * attempts), so a page view never recomputes a large test. Small tests are computed in the
 * request, large ones on a worker job; a new final grade or a regrade marks the stored figures
 * stale, and the next view computes them again (nobody has to ask for a recount).
 *
 * The figures come from the activity's read API (the core's `AttemptReads`, offered by the exam's
 * and the quiz's api.ts): this plugin never reads another plugin's models.
 */
import { Schema, type Model, type Types } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { AttemptReads, AttemptScope } from '../../src/learning/attempts/attempt-reads';
import { analysisInput, slotDetails, type SlotDetail } from './attempt-data';
import { optionFrequencies, type SlotFrequencies } from './option-frequencies';
import { analyse, type ItemAnalysis } from './statistics';

/** The activities analysed, by the path segment their reports live under. */
export const SOURCE_KINDS = ['exams', 'quizzes'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface AnalysisSource {
  /** The activity type whose grades make an analysis stale (the core's activity events name it). */
  activityType: string;
  /** Its read API (looked up when used, so the plugin that offers it may start later). */
  reads(): AttemptReads;
}

export interface AnalysisDoc {
  _id: Types.ObjectId;
  /** The exam's or quiz's id. */
  refId: Types.ObjectId;
  source: SourceKind;
  scope: AttemptScope;
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

const analysisSchema = new Schema<AnalysisDoc>(
  {
    refId: { type: Schema.Types.ObjectId, required: true },
    source: { type: String, enum: SOURCE_KINDS, required: true },
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
analysisSchema.index({ refId: 1, scope: 1 }, { unique: true });

export class AnalysisStore {
  readonly Analysis: Model<AnalysisDoc>;

  constructor(
    private readonly ctx: PluginContext,
    private readonly sources: Record<SourceKind, AnalysisSource>,
  ) {
    // A cache: the collection before quizzes were analysed ('results', keyed by exam) is no longer read.
    this.Analysis = ctx.models.define<AnalysisDoc>('analyses', analysisSchema);
  }

  reads(source: SourceKind): AttemptReads {
    return this.sources[source].reads();
  }

  /** Computes and stores the analysis, unless a grade came in meanwhile (then it stays stale). */
  async compute(source: SourceKind, refId: string, scope: AttemptScope): Promise<AnalysisDoc> {
    const t0 = performance.now();
    const reads = this.reads(source);
    const generation = (await this.Analysis.findOne({ refId, scope }, { generation: 1 }).lean())?.generation ?? 0;
    const attempts = await reads.gradedAttempts(refId, scope);
    const ids = [...new Set(attempts.flatMap((a) => a.slots.map((s) => s.questionId)))];
    const questions = new Map((await reads.questions(ids)).map((q) => [q.id, q]));
    const { input, frequencies } = analysisInput(attempts, questions);
    const analysis = analyse(input);
    const details = slotDetails(attempts, questions, input);
    const ms = Math.round(performance.now() - t0);
    const now = this.ctx.clock.now();
    const done = { $set: { state: 'done', source, computedAt: now, ms, analysis, frequencies: optionFrequencies(frequencies), details, generation }, $unset: { error: 1 }, $setOnInsert: { requestedAt: now } };
    try {
      await this.Analysis.updateOne({ refId, scope, $or: [{ generation }, { generation: { $exists: false } }] }, done, { upsert: true });
    } catch (e) {
      // A newer generation (a grade since) made the upsert collide with the stored row: it stays stale.
      if ((e as { code?: number }).code !== 11000) throw e;
    }
    return (await this.Analysis.findOne({ refId, scope }).lean())!;
  }

  /** The stored analysis; computed now for small tests, on the worker for large ones. */
  async resultFor(source: SourceKind, refId: string, scope: AttemptScope, refresh: boolean): Promise<AnalysisDoc> {
    const have = await this.Analysis.findOne({ refId, scope }).lean();
    if (have && !refresh && (have.state === 'done' || have.state === 'pending')) return have;
    const attempts = await this.reads(source).countGradedAttempts(refId, scope);
    if (attempts <= Number(this.ctx.settings.inlineMaxAttempts ?? 300)) return this.compute(source, refId, scope);
    await this.Analysis.updateOne({ refId, scope }, { $set: { state: 'pending', source, requestedAt: this.ctx.clock.now() } }, { upsert: true });
    // One key per test, scope, generation (a grade since makes a new one) and minute: repeated views share a job.
    const minute = Math.floor(this.ctx.clock.now().getTime() / 60_000);
    await this.ctx.jobs.enqueue('compute', { source, refId, scope }, { key: `ia-${refId}-${scope}-g${have?.generation ?? 0}-${minute}` });
    return (await this.Analysis.findOne({ refId, scope }).lean())!;
  }

  /** A worker's computation failed: said on the report instead of "pending" forever. */
  async markFailed(refId: string, scope: AttemptScope, error: Error): Promise<void> {
    await this.Analysis.updateOne({ refId, scope }, { $set: { state: 'failed', error: error.message } });
  }

  /** A new final grade or a regrade of an attempt at `refId` of a source's activity type. */
  async forget(activityType: string, refId: string): Promise<void> {
    if (!Object.values(this.sources).some((s) => s.activityType === activityType)) return;
    await this.Analysis.updateMany({ refId }, { $set: { state: 'stale' }, $inc: { generation: 1 } });
  }
}
