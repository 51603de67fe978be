/**
 * Level 1 (reaction): the survey offered when a learner completes a course or attends an event
 * (its attendance rule met), answered once, with one reminder through the inbox, and the trainer's
 * or organiser's summary per cohort (averages per item and the comments), shown only above the
 * anonymity threshold (DOMAIN.md).
 *
 * One response per learner without naming them (ADR 0057): the learner's `offers` row is claimed
 * first (`answered: false → true`, one conditional update), then the response is written as an
 * attempt at the questionnaire layout with `userId: null` and an `_id` of random bytes (an
 * ObjectId's first bytes are its creation time; the claim holds no time, so nothing pairs them).
 * A crash between the two loses that one response, never counts one twice.
 *
 * What a survey asks is its form (reaction-forms.ts); a response keeps the item ids it answered,
 * so a later change of the form never changes what earlier answers mean (ADR 0066).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { AttemptEngine, type FormFields } from '../../src/learning/attempts/attempt-engine';
import { freezeSlots } from '../../src/learning/attempts/layout';
import type { LearningService } from '../../src/learning/learning-service';
import { enrolmentId } from '../../src/learning/learning-models';
import { EVENT_ABOUT_HOOK, type EventAbout } from '../../src/learning/training-events';
import type { Locale } from '../../src/views/i18n';
import { cohortOf } from './cohort';
import { EvaluationErrors } from './evaluation-errors';
import type { CourseSettingsDoc, OfferDoc, ResponseDoc } from './evaluation-models';
import { entryQuestionId, itemKey, reactionLayout } from './reaction-items';
import type { ReactionForms, Subject } from './reaction-forms';

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
  /** `item`: a default's key or a typed statement's id; `current`: the form asks it now. */
  items: Array<{ item: string; statement: string; current: boolean; mean: number | null; n: number }>;
  comments: Array<{ text: string; name?: string }>;
}

/** A course's offer keeps its first id form (`<courseId>-<userId>`); an event's is prefixed. */
export const offerId = (subject: Subject | string, userId: string) =>
  typeof subject === 'string' ? `${subject}-${userId}` : subject.kind === 'course' ? `${subject.id}-${userId}` : `event-${subject.id}-${userId}`;
export const OFFER_ID = /^(?:event-)?[a-f0-9]{24}-[a-f0-9]{24}$/;
export const ofCourse = (id: string): Subject => ({ kind: 'course', id });
export const ofEvent = (id: string): Subject => ({ kind: 'event', id });
const subjectOf = (o: Pick<OfferDoc, 'courseId' | 'eventId'>): Subject => (o.eventId ? ofEvent(String(o.eventId)) : ofCourse(String(o.courseId)));
const byId = (s: Subject) => (s.kind === 'course' ? { courseId: new Types.ObjectId(s.id) } : { eventId: new Types.ObjectId(s.id) });

/** The events this plugin emits for the inbox. */
export const EVENTS = {
  reactionOffered: 'evaluation-training.reaction.offered',
  reactionReminded: 'evaluation-training.reaction.reminded',
  behaviourRequested: 'evaluation-training.behaviour.requested',
  behaviourReminded: 'evaluation-training.behaviour.reminded',
  /**
   * A learner answered a reaction survey: the course or event and the learner, never the response
   * (the inbox marks the survey's notices read, with no time of answering).
   */
  reactionAnswered: 'evaluation-training.reaction.answered',
  /** The task was rated: its request is no longer waiting (the inbox marks it done). */
  behaviourRated: 'evaluation-training.behaviour.rated',
} as const;

/** A short fingerprint of a form's entries: the survey page posts it back, so answers go to the items shown. */
export function formVersion(entries: string[]): string {
  return createHash('sha256').update(entries.join(',')).digest('base64url').slice(0, 12);
}

export class ReactionService {
  constructor(
    private ctx: PluginContext,
    private Settings: Model<CourseSettingsDoc>,
    readonly Offer: Model<OfferDoc>,
    readonly Response: Model<ResponseDoc>,
    readonly forms: ReactionForms,
    private settings: ReactionSettings,
  ) {}

  private learning = () => this.ctx.use<LearningService>('learning');

  engine(locale: Locale): AttemptEngine<ResponseDoc> {
    return new AttemptEngine<ResponseDoc>({
      types: this.ctx.questionTypes,
      questions: (ids) => this.forms.questions([...ids], locale),
      now: () => this.ctx.clock.now(),
    }, this.Response);
  }

  /** A course's survey is anonymous unless its settings say not; an event's always is (ADR 0066). */
  async isAnonymous(subject: Subject): Promise<boolean> {
    if (subject.kind === 'event') return true;
    const s = await this.Settings.findById(subject.id, { anonymous: 1 }).lean();
    return s?.anonymous ?? true;
  }

  /** What the events plugin says of an event (its title; whether `user` organises it). */
  async aboutEvent(eventId: string, user?: SessionUser): Promise<EventAbout> {
    return this.ctx.hooks.run<EventAbout>(EVENT_ABOUT_HOOK, { eventId, ...(user ? { user } : {}), found: false, title: '', href: '', organiser: false });
  }

  /** The subject's title and page (a removed course or event keeps an empty title). */
  async titleOf(subject: Subject): Promise<{ title: string; href: string }> {
    if (subject.kind === 'course') {
      const c = await this.learning().getCourse(subject.id).catch(() => null);
      return { title: c?.title ?? '', href: `/courses/${subject.id}` };
    }
    const e = await this.aboutEvent(subject.id);
    return { title: e.title, href: e.href };
  }

  /** The cohort a learner answers in: a course's is the half-year of enrolment, an event's the half-year it was attended. */
  private async cohortFor(subject: Subject, userId: string): Promise<string> {
    let at = this.ctx.clock.now();
    if (subject.kind === 'course') {
      const enr = await this.learning().models.Enrolment.findById(enrolmentId(subject.id, userId), { enrolledAt: 1 }).lean()
        ?? await this.learning().models.Enrolment.findOne({ courseId: subject.id, userId }, { enrolledAt: 1 }).lean();
      at = enr?.enrolledAt ?? at;
    }
    return cohortOf(at, this.ctx.site.defaultTimeZone);
  }

  /** Offers the survey to a learner who completed the course or attended the event (once; a repeated event changes nothing). */
  async offer(subject: Subject, userId: string, title: string): Promise<boolean> {
    const cohort = await this.cohortFor(subject, userId);
    const id = offerId(subject, userId);
    const r = await this.Offer.updateOne(
      { _id: id },
      { $setOnInsert: { ...byId(subject), userId: new Types.ObjectId(userId), cohort, offeredAt: this.ctx.clock.now(), answered: false, reminded: false } },
      { upsert: true },
    );
    if (!r.upsertedCount) return false;
    await this.ctx.events.emit(EVENTS.reactionOffered, { ...this.about(subject), userId, title, href: this.surveyHref(subject) });
    await this.ctx.jobs.enqueue('reminder', { kind: 'reaction', id }, { key: `reaction-${id}`, delayMs: this.settings.reminderDays * 86_400_000 });
    return true;
  }

  /** The subject's id as the inbox's payload names it. */
  private about(subject: Subject) {
    return subject.kind === 'course' ? { courseId: subject.id } : { eventId: subject.id };
  }

  surveyHref(subject: Subject): string {
    return `/${this.ctx.id}/${subject.kind === 'course' ? 'courses' : 'events'}/${subject.id}/reaction`;
  }

  offerFor(subject: Subject, userId: string): Promise<OfferDoc | null> {
    return this.Offer.findById(offerId(subject, userId)).lean();
  }

  /** The one reminder: only while unanswered, once (the `reminded` flag is the precondition). */
  async remind(id: string): Promise<boolean> {
    const offer = await this.Offer.findOneAndUpdate({ _id: id, answered: false, reminded: false }, { $set: { reminded: true } }, { new: true }).lean();
    if (!offer) return false;
    const subject = subjectOf(offer);
    const { title } = await this.titleOf(subject);
    await this.ctx.events.emit(EVENTS.reactionReminded, { ...this.about(subject), userId: String(offer.userId), title: title || '—', href: this.surveyHref(subject) });
    return true;
  }

  /** The items as the learner sees them now, and the form's version to post back. */
  async form(subject: Subject, locale: Locale) {
    const entries = await this.forms.entries(subject);
    const questions = await this.engine(locale).learnerQuestions({ slots: freezeSlots(reactionLayout(true, entries), 0), seed: 0, answers: {} });
    return { entries, version: formVersion(entries), questions: questions.map((q, i) => ({ ...q, key: itemKey(entryQuestionId(entries[i]!)) })) };
  }

  /**
   * Stores one learner's answers. `fields` are the form's (`q_s1`…) or the API's levels mapped to
   * them; `version` (when given) must be the form's now, else the learner is shown the new form
   * (409). Every item must be answered; the comment is optional. Returns the response id.
   */
  async submit(user: SessionUser, subject: Subject, fields: FormFields, comment: string, locale: Locale, version?: string): Promise<string> {
    const offer = await this.offerFor(subject, user.id);
    if (!offer) throw EvaluationErrors.notOffered('The survey is offered once the course is completed or the event attended');
    if (offer.answered) throw EvaluationErrors.answered('The survey was answered already');
    const engine = this.engine(locale);
    const entries = await this.forms.entries(subject);
    if (version !== undefined && version !== formVersion(entries)) throw EvaluationErrors.formChanged('The statements changed while you answered; check them and send again');
    const anonymous = await this.isAnonymous(subject);
    const slots = freezeSlots(reactionLayout(anonymous, entries), 0);
    const values: Array<{ slot: string; value: unknown }> = [];
    const missing: string[] = [];
    const type = engine.type('likert');
    for (const s of slots) {
      const value = engine.parse(type, engine.responseFromForm(type, s.slot, fields));
      if (value === null) missing.push(`q_${s.slot}`);
      else values.push({ slot: s.slot, value });
    }
    if (missing.length) throw EvaluationErrors.incomplete('Answer every statement', { details: missing.map((path) => ({ path, message: 'required', i18n: 'evaluation-training:errors.incomplete' })) });
    const claimed = await this.Offer.updateOne({ _id: offer._id, answered: false }, { $set: { answered: true } });
    if (claimed.modifiedCount !== 1) throw EvaluationErrors.answered('The survey was answered already');
    // Random bytes, not a time-ordered ObjectId: the id must not tell when it was written.
    const _id = new Types.ObjectId(randomBytes(12));
    const doc = await this.Response.create({ _id, userId: anonymous ? null : new Types.ObjectId(user.id), state: 'open', ...byId(subject), cohort: offer.cohort, comment: comment.trim().slice(0, 2000), seed: randomInt(2 ** 31), slots, answers: {}, results: [] });
    for (const v of values) await engine.save(doc, v.slot, v.value, 1, { conditions: [{ state: 'open' }] });
    await this.Response.updateOne({ _id, state: 'open' }, { $set: { state: 'submitted' } });
    // Who answered is already on the offer (`answered`); the event adds nothing that names the response.
    await this.ctx.events.emit(EVENTS.reactionAnswered, { ...this.about(subject), userId: user.id });
    return String(_id);
  }

  /**
   * Per cohort: invited, respondents, averages per item and comments (only at or above the
   * threshold). Items are the form's now, in its order, then any item earlier answers hold that
   * the form no longer asks (`current: false`), each with the statement that was answered.
   */
  async summary(subject: Subject, locale: Locale): Promise<CohortReaction[]> {
    const filter = byId(subject);
    const [offers, responses, entries] = await Promise.all([
      this.Offer.find(filter, { cohort: 1 }).lean(),
      this.Response.find({ ...filter, state: 'submitted' }).lean(),
      this.forms.entries(subject),
    ]);
    const engine = this.engine(locale);
    const rows = await engine.reads(responses);
    const currentIds = entries.map((e) => String(entryQuestionId(e)));
    const answeredIds = [...new Set(rows.flatMap((r) => r.slots.map((s) => s.questionId)))];
    const itemIds = [...currentIds, ...answeredIds.filter((q) => !currentIds.includes(q))];
    const statements = await this.forms.questions(itemIds, locale);
    const names = await this.namesOf(responses.filter((r) => r.userId).map((r) => String(r.userId)));
    const cohorts = [...new Set([...offers.map((o) => o.cohort), ...responses.map((r) => r.cohort)])].sort().reverse();
    return cohorts.map((cohort) => {
      const invited = offers.filter((o) => o.cohort === cohort).length;
      const mine = responses.map((r, i) => ({ r, row: rows[i]! })).filter((x) => x.r.cohort === cohort);
      const shown = mine.length >= this.settings.minRespondents && (invited === 0 || (mine.length * 100) / invited >= this.settings.minSharePercent);
      const items = itemIds.map((qid) => {
        const levels = mine.flatMap(({ row }) => row.slots.filter((s) => s.questionId === qid && s.responseClass).map((s) => Number(s.responseClass)));
        return {
          item: itemKey(qid), statement: statements.get(qid)?.stem ?? '', current: currentIds.includes(qid), n: levels.length,
          mean: shown && levels.length ? Math.round((levels.reduce((a, b) => a + b, 0) / levels.length) * 100) / 100 : null,
        };
      }).filter((i) => i.current || i.n > 0);
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
