/**
 * Level 2 (learning): the course's pre-test and post-test (two graded activities the trainer
 * pairs) read through the activity types' `grades` (each learner's counting attempt), as
 * percentages so that tests of different lengths compare, then the normalised gain per learner
 * and per cohort (normalised-gain.ts).
 */
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import { cohortOf } from './cohort';
import { EvaluationErrors } from './evaluation-errors';
import type { CourseSettingsDoc } from './evaluation-models';
import { cohortGain, learnerGains, type CohortGain } from './normalised-gain';

export interface GainView {
  /** Graded activities of the course the trainer may pair. */
  choices: Array<{ id: string; title: string }>;
  preActivityId?: string;
  postActivityId?: string;
  configured: boolean;
  learners: Array<{ name: string; cohort: string; pre?: number; post?: number; gain?: number }>;
  cohorts: Array<CohortGain & { cohort: string }>;
}

const pct = (score: number | null, max: number) => (score === null || !(max > 0) ? undefined : Math.round((Math.min(max, Math.max(0, score)) / max) * 10000) / 100);

export class LearningGain {
  constructor(private ctx: PluginContext, private Settings: Model<CourseSettingsDoc>) {}

  private learning = () => this.ctx.use<LearningService>('learning');

  async gradedActivities(courseId: string) {
    const acts = await this.learning().activities(courseId);
    return acts.filter((a) => this.ctx.activityTypes.get(a.type)?.grades);
  }

  /** Pairs the pre-test and post-test (both graded activities of the course, not the same one). */
  async configure(courseId: string, input: { preActivityId?: string; postActivityId?: string; anonymous?: boolean }): Promise<void> {
    const ids = new Set((await this.gradedActivities(courseId)).map((a) => String(a._id)));
    const bad = (['preActivityId', 'postActivityId'] as const).filter((k) => input[k] && !ids.has(input[k]!));
    if (input.preActivityId && input.preActivityId === input.postActivityId) bad.push('postActivityId');
    if (bad.length) throw EvaluationErrors.notActivity('Choose two different graded activities of this course', { details: bad.map((path) => ({ path, message: 'not a graded activity of this course', i18n: 'evaluation-training:errors.notActivity' })) });
    const set: Record<string, unknown> = { updatedAt: this.ctx.clock.now() };
    const unset: Record<string, 1> = {};
    for (const k of ['preActivityId', 'postActivityId'] as const) {
      if (input[k] === undefined) continue;
      if (input[k]) set[k] = new Types.ObjectId(input[k]);
      else unset[k] = 1;
    }
    if (input.anonymous !== undefined) set.anonymous = input.anonymous;
    await this.Settings.updateOne({ _id: new Types.ObjectId(courseId) }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
  }

  async view(courseId: string): Promise<GainView> {
    const [acts, settings] = await Promise.all([this.gradedActivities(courseId), this.Settings.findById(courseId).lean()]);
    const choices = acts.map((a) => ({ id: String(a._id), title: a.title }));
    const pre = acts.find((a) => String(a._id) === String(settings?.preActivityId ?? ''));
    const post = acts.find((a) => String(a._id) === String(settings?.postActivityId ?? ''));
    const base = { choices, preActivityId: pre ? String(pre._id) : undefined, postActivityId: post ? String(post._id) : undefined };
    if (!pre || !post) return { ...base, configured: false, learners: [], cohorts: [] };
    const [g1, g2] = await Promise.all([this.ctx.activityTypes.require(pre.type).grades!(pre.refId), this.ctx.activityTypes.require(post.type).grades!(post.refId)]);
    const byUser = new Map<string, { pre?: number; post?: number }>();
    for (const l of g1.learners) byUser.set(l.userId, { pre: pct(l.score, l.maxScore || g1.maxScore) });
    for (const l of g2.learners) byUser.set(l.userId, { ...byUser.get(l.userId), post: pct(l.score, l.maxScore || g2.maxScore) });
    const ids = [...byUser.keys()];
    const [users, enrolments] = await Promise.all([
      this.ctx.use<IdentityService>('identity').models.User.find({ _id: { $in: ids } }, { name: 1 }).lean(),
      this.learning().models.Enrolment.find({ courseId: new Types.ObjectId(courseId), userId: { $in: ids } }, { userId: 1, enrolledAt: 1 }).lean(),
    ]);
    const names = new Map(users.map((u) => [String(u._id), u.name]));
    const cohortBy = new Map(enrolments.map((e) => [String(e.userId), cohortOf(e.enrolledAt, this.ctx.site.defaultTimeZone)]));
    const rows = ids.map((id) => ({ learnerId: id, ...byUser.get(id)! }));
    const gains = learnerGains(rows, 100);
    const learners = gains.map((g) => ({ name: names.get(g.learnerId) ?? '—', cohort: cohortBy.get(g.learnerId) ?? '—', pre: g.pre, post: g.post, gain: g.gain })).sort((a, b) => a.cohort.localeCompare(b.cohort) || a.name.localeCompare(b.name));
    const cohorts = [...new Set(rows.map((r) => cohortBy.get(r.learnerId) ?? '—'))].sort().reverse()
      .map((cohort) => ({ cohort, ...cohortGain(rows.filter((r) => (cohortBy.get(r.learnerId) ?? '—') === cohort), 100) }));
    return { ...base, configured: true, learners, cohorts };
  }
}
