/**
 * Level 1 (reaction): the survey offered when a learner completes a course, answered once, with
 * one reminder through the inbox, and the trainer's summary per cohort (averages per item and the
 * comments), shown only above the anonymity threshold (DOMAIN.md).
 *
 * One response per learner without naming them (ADR 0057): the learner's `offers` row is claimed
 * first (`answered: false → true`, one conditional update), then the response is written as an
 * attempt at the questionnaire layout with `userId: null` and an `_id` of random bytes (an
 * ObjectId's first bytes are its creation time; the claim holds no time, so nothing pairs them).
 * A crash between the two loses that one response, never counts one twice.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { AttemptEngine, type FormFields } from '../../src/learning/attempts/attempt-engine';
import { freezeSlots } from '../../src/learning/attempts/layout';
import type { LearningService } from '../../src/learning/learning-service';
import { enrolmentId, type QuestionDoc } from '../../src/learning/learning-models';
import type { Locale } from '../../src/views/i18n';
import { cohortOf } from './cohort';
import { EvaluationErrors } from './evaluation-errors';
import type { CourseSettingsDoc, OfferDoc, ResponseDoc } from './evaluation-models';
import { itemOf, reactionLayout, reactionQuestions, REACTION_ITEMS, type ReactionItem } from './reaction-items';

export interface ReactionSettings {
  reminderDays: number;
  minRespondents: number;
  minSharePercent: number;
}

export interface CohortReaction {
  cohort: string;
  invited: number;
  respondents: number;
  /** False below the anonymity threshold: no averages, no comments. */
  shown: boolean;
  items: Array<{ item: ReactionItem; mean: number | null; n: number }>;
  comments: Array<{ text: string; name?: string }>;
}

export const offerId = (courseId: string, userId: string) => `${courseId}-${userId}`;

/** The events this plugin emits for the inbox. */
export const EVENTS = {
  reactionOffered: 'evaluation-training.reaction.offered',
  reactionReminded: 'evaluation-training.reaction.reminded',
  behaviourRequested: 'evaluation-training.behaviour.requested',
  behaviourReminded: 'evaluation-training.behaviour.reminded',
} as const;

export class ReactionService {
  constructor(
    private ctx: PluginContext,
    private Settings: Model<CourseSettingsDoc>,
    readonly Offer: Model<OfferDoc>,
    readonly Response: Model<ResponseDoc>,
    private settings: ReactionSettings,
  ) {}

  private learning = () => this.ctx.use<LearningService>('learning');

  engine(locale: Locale): AttemptEngine<ResponseDoc> {
    const all = reactionQuestions((l, key) => this.ctx.i18n.t(l, key), locale);
    return new AttemptEngine<ResponseDoc>({
      types: this.ctx.questionTypes,
      questions: async (ids) => {
        const out = new Map<string, QuestionDoc>();
        for (const id of ids) if (all.has(String(id))) out.set(String(id), all.get(String(id))!);
        return out;
      },
      now: () => this.ctx.clock.now(),
    }, this.Response);
  }

  async isAnonymous(courseId: string): Promise<boolean> {
    const s = await this.Settings.findById(courseId, { anonymous: 1 }).lean();
    return s?.anonymous ?? true;
  }

  /** Offers the survey to a learner who completed the course (once; a repeated event changes nothing). */
  async offer(courseId: string, userId: string, title: string): Promise<boolean> {
    const enr = await this.learning().models.Enrolment.findById(enrolmentId(courseId, userId), { enrolledAt: 1 }).lean()
      ?? await this.learning().models.Enrolment.findOne({ courseId, userId }, { enrolledAt: 1 }).lean();
    const cohort = cohortOf(enr?.enrolledAt ?? this.ctx.clock.now(), this.ctx.site.defaultTimeZone);
    const r = await this.Offer.updateOne(
      { _id: offerId(courseId, userId) },
      { $setOnInsert: { courseId: new Types.ObjectId(courseId), userId: new Types.ObjectId(userId), cohort, offeredAt: this.ctx.clock.now(), answered: false, reminded: false } },
      { upsert: true },
    );
    if (!r.upsertedCount) return false;
    await this.ctx.events.emit(EVENTS.reactionOffered, { courseId, userId, title, href: this.surveyHref(courseId) });
    await this.ctx.jobs.enqueue('reminder', { kind: 'reaction', id: offerId(courseId, userId) }, { key: `reaction-${offerId(courseId, userId)}`, delayMs: this.settings.reminderDays * 86_400_000 });
    return true;
  }

  surveyHref(courseId: string): string {
    return `/${this.ctx.id}/courses/${courseId}/reaction`;
  }

  offerFor(courseId: string, userId: string): Promise<OfferDoc | null> {
    return this.Offer.findById(offerId(courseId, userId)).lean();
  }

  /** The one reminder: only while unanswered, once (the `reminded` flag is the precondition). */
  async remind(id: string): Promise<boolean> {
    const offer = await this.Offer.findOneAndUpdate({ _id: id, answered: false, reminded: false }, { $set: { reminded: true } }, { new: true }).lean();
    if (!offer) return false;
    const course = await this.learning().getCourse(String(offer.courseId)).catch(() => null);
    await this.ctx.events.emit(EVENTS.reactionReminded, { courseId: String(offer.courseId), userId: String(offer.userId), title: course?.title ?? '', href: this.surveyHref(String(offer.courseId)) });
    return true;
  }

  /** The items as the learner sees them (no response yet: the form is answered in one go). */
  async form(locale: Locale) {
    const engine = this.engine(locale);
    return engine.learnerQuestions({ slots: freezeSlots(reactionLayout(true), 0), seed: 0, answers: {} });
  }

  /**
   * Stores one learner's answers. `fields` are the form's (`q_s1`…) or the API's levels mapped to
   * them. Every item must be answered; the comment is optional. Returns the response id.
   */
  async submit(user: SessionUser, courseId: string, fields: FormFields, comment: string, locale: Locale): Promise<string> {
    const offer = await this.offerFor(courseId, user.id);
    if (!offer) throw EvaluationErrors.notOffered('The survey is offered once the course is completed');
    if (offer.answered) throw EvaluationErrors.answered('The survey was answered already');
    const engine = this.engine(locale);
    const anonymous = await this.isAnonymous(courseId);
    const slots = freezeSlots(reactionLayout(anonymous), 0);
    const values: Array<{ slot: string; value: unknown }> = [];
    const missing: string[] = [];
    for (const s of slots) {
      const type = engine.type('likert');
      const value = engine.parse(type, engine.responseFromForm(type, s.slot, fields));
      if (value === null) missing.push(`q_${s.slot}`);
      else values.push({ slot: s.slot, value });
    }
    if (missing.length) throw EvaluationErrors.incomplete('Answer every statement', { details: missing.map((path) => ({ path, message: 'required', i18n: 'evaluation-training:errors.incomplete' })) });
    const claimed = await this.Offer.updateOne({ _id: offer._id, answered: false }, { $set: { answered: true } });
    if (claimed.modifiedCount !== 1) throw EvaluationErrors.answered('The survey was answered already');
    // Random bytes, not a time-ordered ObjectId: the id must not tell when it was written.
    const _id = new Types.ObjectId(randomBytes(12));
    const doc = await this.Response.create({ _id, userId: anonymous ? null : new Types.ObjectId(user.id), state: 'open', courseId: offer.courseId, cohort: offer.cohort, comment: comment.trim().slice(0, 2000), seed: randomInt(2 ** 31), slots, answers: {}, results: [] });
    for (const v of values) await engine.save(doc, v.slot, v.value, 1, { conditions: [{ state: 'open' }] });
    await this.Response.updateOne({ _id, state: 'open' }, { $set: { state: 'submitted' } });
    return String(_id);
  }

  /** Per cohort: invited, respondents, averages per item and comments (only at or above the threshold). */
  async summary(courseId: string, locale: Locale): Promise<CohortReaction[]> {
    const cid = new Types.ObjectId(courseId);
    const [offers, responses] = await Promise.all([
      this.Offer.find({ courseId: cid }, { cohort: 1 }).lean(),
      this.Response.find({ courseId: cid, state: 'submitted' }).lean(),
    ]);
    const rows = await this.engine(locale).reads(responses);
    const names = await this.namesOf(responses.filter((r) => r.userId).map((r) => String(r.userId)));
    const cohorts = [...new Set([...offers.map((o) => o.cohort), ...responses.map((r) => r.cohort)])].sort().reverse();
    return cohorts.map((cohort) => {
      const invited = offers.filter((o) => o.cohort === cohort).length;
      const mine = responses.map((r, i) => ({ r, row: rows[i]! })).filter((x) => x.r.cohort === cohort);
      const shown = mine.length >= this.settings.minRespondents && (invited === 0 || (mine.length * 100) / invited >= this.settings.minSharePercent);
      const items = REACTION_ITEMS.map((item) => {
        const levels = mine.flatMap(({ row }) => row.slots.filter((s) => itemOf(s.questionId) === item && s.responseClass).map((s) => Number(s.responseClass)));
        return { item, n: levels.length, mean: shown && levels.length ? Math.round((levels.reduce((a, b) => a + b, 0) / levels.length) * 100) / 100 : null };
      });
      const comments = shown ? mine.filter(({ r }) => r.comment).map(({ r }) => ({ text: r.comment, ...(r.userId ? { name: names.get(String(r.userId)) ?? '' } : {}) })) : [];
      return { cohort, invited, respondents: mine.length, shown, items, comments };
    });
  }

  private async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const users = await this.ctx.use<IdentityService>('identity').models.User.find({ _id: { $in: ids } }, { name: 1 }).lean();
    return new Map(users.map((u) => [String(u._id), u.name]));
  }
}
