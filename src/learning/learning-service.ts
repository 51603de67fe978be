/**
 * The learning spine's operations, offered to plugins as the `learning` service (`ctx.use`):
 * courses and who may author or enter them, activities, enrolment, progress (monotonic: a
 * completed activity never goes back to viewed), the JP ledger (credited once per source) and the
 * question bank (every edit is a new version; attempts keep pointing at the one they used).
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { SessionUser } from '../identity/session-user';
import { defineLearningModels, enrolmentId, progressId, STANDARD_COMPETENCIES, type ActivityDoc, type CourseDoc, type EnrolmentDoc, type LearningModels, type QuestionDoc } from './learning-models';
import { defaultMarkOf, type Question } from './question-type';
import { courseLearningKey, JpLedger } from './jp-ledger/jp-ledger';
import { yearIn } from './jp-ledger/jp-year';
import { PERMENPANRB_38_2017 } from './competency/permenpanrb-38-2017';
import { ACTIVITY_COMPLETED, ACTIVITY_GRADED, ACTIVITY_PASSED, ACTIVITY_REGRADED, GRADING_REQUESTED, type ActivityEvent, type ActivityGraded, type ActivityRegraded, type GradingRequested } from './activity-events';

export interface NewQuestion {
  type: string;
  name: string;
  stem: string;
  stemFormat?: QuestionDoc['stemFormat'];
  generalFeedback?: string;
  defaultMark?: number;
  data: unknown;
  courseId?: string;
  bankId?: string;
  categoryId?: string;
  tags?: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  competency?: { code: string; level: number };
  source?: { format: string; line: number; importId?: string };
}

export class LearningService {
  readonly models: LearningModels;
  /** The JP ledger's write path and reads (jp-ledger/); plugins credit through `ctx.jp`. */
  readonly jp: JpLedger;

  constructor(private services: KernelServices) {
    this.models = defineLearningModels(services.conn);
    for (const m of Object.values(this.models)) services.models.add(m);
    this.jp = new JpLedger({ Entry: this.models.JpLedger, clock: services.clock, timeZoneOf: (userId) => this.timeZoneOf(userId) });
  }

  /** A person's time zone from their profile (the JP year runs in it); the site's default otherwise. */
  async timeZoneOf(userId: string): Promise<string> {
    const u = Types.ObjectId.isValid(userId) ? await this.services.conn.collection('identity_users').findOne({ _id: new Types.ObjectId(userId) }, { projection: { timeZone: 1 } }) : null;
    return typeof u?.timeZone === 'string' && u.timeZone ? u.timeZone : this.services.config.BINA_DEFAULT_TIMEZONE;
  }

  /**
   * PermenPANRB 38/2017's 8 manajerial and 1 sosial kultural competencies, with descriptions and
   * level indicators. Idempotent; the text is written only where none is yet (an admin's edit stays).
   */
  async seedCompetencies(): Promise<void> {
    for (const c of STANDARD_COMPETENCIES) await this.models.Competency.updateOne({ code: c.code }, { $setOnInsert: c }, { upsert: true });
    for (const c of PERMENPANRB_38_2017) {
      await this.models.Competency.updateOne({ code: c.code, description: { $exists: false } }, { $set: { description: c.description, levels: c.levels } });
    }
  }

  // ---- courses -------------------------------------------------------------------------------

  async getCourse(courseId: string): Promise<CourseDoc> {
    const c = Types.ObjectId.isValid(courseId) ? await this.models.Course.findById(courseId).lean() : null;
    if (!c) throw Errors.notFound('Course not found', { details: { courseId } });
    return c;
  }

  canAuthor(user: SessionUser | undefined, course: CourseDoc): boolean {
    if (!user) return false;
    if (user.roles.includes('admin')) return true;
    return this.services.authz.can(user, 'learning:course-author') && course.trainerIds.some((t) => String(t) === user.id);
  }

  async requireAuthor(user: SessionUser | undefined, courseId: string): Promise<CourseDoc> {
    const c = await this.getCourse(courseId);
    if (!this.canAuthor(user, c)) throw Errors.forbidden('Only the course\'s trainers may change it');
    return c;
  }

  /**
   * Checked on every participant request (exam start!), so it reads by `_id` alone: rows written by
   * `enrol` carry `enrolmentId(course, user)`, and the condition is the row's existence. Rows from
   * before those keys have a random `_id`; a miss falls back to the `(courseId, userId)` query so
   * they still count. That fallback is the unique index on MongoDB but a whole-collection read on
   * FerretDB 1.x, so there "not enrolled" still costs what every check cost before.
   */
  async isEnrolled(userId: string, courseId: string | Types.ObjectId): Promise<boolean> {
    if (!Types.ObjectId.isValid(userId) || !Types.ObjectId.isValid(courseId)) return false;
    if (await this.models.Enrolment.exists({ _id: enrolmentId(courseId, userId) })) return true;
    return Boolean(await this.models.Enrolment.exists({ courseId, userId }));
  }

  /**
   * A course read at most once per `maxAgeMs` per process, shared by concurrent callers: for a
   * stampede (2,000 participants pressing Start read one course 2,000 times, ADR 0067). Only for
   * decisions that may lag a course edit by that long, as the exam's own 2 s cache does.
   */
  private sharedCourses = new Map<string, { at: number; course: Promise<CourseDoc> }>();
  getCourseShared(courseId: string, maxAgeMs = 2000): Promise<CourseDoc> {
    const hit = this.sharedCourses.get(courseId);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.course;
    const course = this.getCourse(courseId);
    this.sharedCourses.set(courseId, { at: Date.now(), course });
    course.catch(() => this.sharedCourses.delete(courseId));
    if (this.sharedCourses.size > 1000) this.sharedCourses.delete(this.sharedCourses.keys().next().value!);
    return course;
  }

  /** Authors always; learners when enrolled in a published course. `shared`: the course through getCourseShared. */
  async requireParticipant(user: SessionUser | undefined, courseId: string, opts: { shared?: boolean } = {}): Promise<{ course: CourseDoc; asAuthor: boolean }> {
    if (!user) throw Errors.unauthenticated('Authentication required');
    const course = await (opts.shared ? this.getCourseShared(courseId) : this.getCourse(courseId));
    if (this.canAuthor(user, course)) return { course, asAuthor: true };
    if (course.published && (await this.isEnrolled(user.id, courseId))) return { course, asAuthor: false };
    throw Errors.forbidden('Enrol in the course first', { details: { courseId } });
  }

  /** Enrols a learner (idempotent). Self-enrolment needs a published course; a trainer may enrol people in a draft. */
  async enrol(userId: string, courseId: string, opts: { byTrainer?: boolean } = {}): Promise<{ created: boolean }> {
    const course = await this.getCourse(courseId);
    if (!course.published && !opts.byTrainer) throw Errors.conflict('This course is not open for enrolment');
    const _id = enrolmentId(course._id, userId);
    // Enrolled already under the key: one `_id` read, no write.
    if (await this.models.Enrolment.exists({ _id })) return { created: false };
    try {
      // Insert, no upsert: an upsert filters by the pair, which FerretDB 1.x answers by reading the
      // whole collection. The unique (courseId, userId) index refuses a second row for the pair,
      // also next to an enrolment from before the keys (random `_id`); the `_id` refuses a
      // concurrent enrol of the same pair. Either E11000 means "enrolled already" (ADR 0018).
      await this.models.Enrolment.create({ _id, courseId: course._id, userId, status: 'active', enrolledAt: this.services.clock.now() });
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      return { created: false };
    }
    await this.services.events.emit('learning.enrolment.created', { courseId, userId });
    return { created: true };
  }

  /** Removes an enrolment (its progress and JP stay, so enrolling again restores the progress). */
  async unenrol(userId: string, courseId: string): Promise<{ removed: boolean }> {
    if (!Types.ObjectId.isValid(userId) || !Types.ObjectId.isValid(courseId)) return { removed: false };
    const keyed = await this.models.Enrolment.deleteOne({ _id: enrolmentId(courseId, userId) });
    const removed = keyed.deletedCount > 0 || (await this.models.Enrolment.deleteOne({ courseId, userId })).deletedCount > 0;
    if (removed) await this.services.events.emit('learning.enrolment.removed', { courseId, userId });
    return { removed };
  }

  // ---- activities ----------------------------------------------------------------------------

  async addActivity(input: { courseId: string; type: string; refId: string; title: string }): Promise<ActivityDoc> {
    this.services.registries.activityTypes.require(input.type);
    const position = await this.models.Activity.countDocuments({ courseId: input.courseId });
    return (await this.models.Activity.create({ ...input, position })).toObject();
  }

  async activityFor(type: string, refId: string): Promise<ActivityDoc> {
    const a = await this.models.Activity.findOne({ type, refId }).lean();
    if (!a) throw Errors.notFound('Activity not found');
    return a;
  }

  /** The course spine keeps an activity's title; its plugin calls this when the title changes. */
  async renameActivity(type: string, refId: string, title: string): Promise<void> {
    await this.models.Activity.updateOne({ type, refId }, { $set: { title } });
  }

  async activities(courseId: string): Promise<ActivityDoc[]> {
    return this.models.Activity.find({ courseId }).sort({ position: 1 }).lean();
  }

  /**
   * Moves an activity one place up or down in its course (a pre-test added last goes first).
   * Positions are renumbered 0..n-1 as they stand, then the two neighbours swap: each write is one
   * document's, so a concurrent move can at worst leave an order someone did not intend, never lose
   * an activity. False when the activity is not in the course or is already at that end.
   */
  async moveActivity(courseId: string, activityId: string, direction: 'up' | 'down'): Promise<boolean> {
    const list = await this.models.Activity.find({ courseId }, { _id: 1, position: 1 }).sort({ position: 1, _id: 1 }).lean();
    const at = list.findIndex((a) => String(a._id) === activityId);
    const to = direction === 'up' ? at - 1 : at + 1;
    if (at < 0 || to < 0 || to >= list.length) return false;
    [list[at], list[to]] = [list[to]!, list[at]!];
    for (const [position, a] of list.entries()) {
      if (a.position !== position) await this.models.Activity.updateOne({ _id: a._id, courseId }, { $set: { position } });
    }
    return true;
  }

  // ---- progress and JP -----------------------------------------------------------------------

  /**
   * Records progress; `completed` wins over `viewed`. Completing the last activity completes the
   * course once. Rows are keyed by `progressId(user, activity)` and written by insert, never by an
   * upsert on the pair (a whole-collection read on FerretDB 1.x): a repeated "viewed" (every quiz
   * or exam start) is one `_id` read, a first one an insert, a completion of a viewed activity one
   * update by `_id`. The unique (userId, activityId) index refuses a second row for a pair, also
   * next to a row from before the keys (random `_id`); only such a row, or a lost race, is then
   * updated through the pair filter.
   */
  async markProgress(userId: string, activity: ActivityDoc, state: 'viewed' | 'completed'): Promise<void> {
    const now = this.services.clock.now();
    const key = { userId: new Types.ObjectId(userId), activityId: activity._id };
    const _id = progressId(key.userId, key.activityId);
    const row = { _id, ...key, courseId: activity.courseId, state, at: now };
    if (state === 'completed') {
      const set = { state, at: now, courseId: activity.courseId };
      const keyed = await this.models.Progress.updateOne({ _id }, { $set: set });
      if (keyed.matchedCount === 0) {
        try {
          await this.models.Progress.create(row);
        } catch (e) {
          if ((e as { code?: number }).code !== 11000) throw e;
          // The pair has a row already (from before the keys, or a concurrent first write): complete it.
          await this.models.Progress.updateOne(key, { $set: set });
        }
      }
      await this.services.events.emit(ACTIVITY_COMPLETED, this.activityEvent(userId, activity, { href: this.activityHref(activity) }));
      await this.checkCourseCompletion(userId, String(activity.courseId));
    } else {
      if (await this.models.Progress.exists({ _id })) return; // viewed or completed already
      try {
        await this.models.Progress.create(row);
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e; // the pair has a row already: it stays as it is
      }
    }
  }

  /**
   * A learner's result passed the activity (a quiz or exam attempt that met its pass rule):
   * `learning.activity.passed` for whoever awards on passing (certificates), then the activity is
   * completed. `result.href` is the result's page, `result.sourceId` the attempt. `strict`: a
   * listener's failure is thrown (after all ran), for a job that runs again (EventBus.emit).
   */
  async recordPass(userId: string, activity: ActivityDoc, result: { sourceId: string; href: string }, opts: { strict?: boolean } = {}): Promise<void> {
    await this.services.events.emit(ACTIVITY_PASSED, this.activityEvent(userId, activity, result), opts);
    await this.markProgress(userId, activity, 'completed');
  }

  /**
   * A learner's result became final (`learning.activity.graded`): `manual` when a person graded part
   * of it. `result.href` is where the learner looks (the review settings there decide what shows).
   */
  async recordGraded(userId: string, activity: ActivityDoc, result: { sourceId: string; href: string; manual: boolean; passed: boolean }, opts: { strict?: boolean } = {}): Promise<void> {
    const event: ActivityGraded = { ...this.activityEvent(userId, activity, result), ...result };
    await this.services.events.emit(ACTIVITY_GRADED, event, opts);
  }

  /** A learner's answers wait for a person (`learning.grading.requested`); `request.href` is the trainers' grading page. `strict` as for recordPass. */
  async requestGrading(userId: string, activity: ActivityDoc, request: { sourceId: string; href: string }, opts: { strict?: boolean } = {}): Promise<void> {
    const event: GradingRequested = { ...this.activityEvent(userId, activity, request), ...request };
    await this.services.events.emit(GRADING_REQUESTED, event, opts);
  }

  /** A result was changed after the fact (a regrade): `learning.activity.regraded`, so what was awarded on it can be reviewed. */
  async recordRegrade(userId: string, activity: ActivityDoc, change: { sourceId: string; href: string; passed: boolean; changed: boolean; before?: unknown; after?: unknown }): Promise<void> {
    const event: ActivityRegraded = { ...this.activityEvent(userId, activity, change), ...change };
    await this.services.events.emit(ACTIVITY_REGRADED, event);
  }

  private activityHref(activity: ActivityDoc): string {
    const type = this.services.registries.activityTypes.get(activity.type);
    return type ? type.pageUrl({ id: String(activity._id), refId: activity.refId }) : `/courses/${activity.courseId}`;
  }

  private activityEvent(userId: string, activity: ActivityDoc, at: { href: string; sourceId?: string }): ActivityEvent {
    return {
      userId, courseId: String(activity.courseId), activityId: String(activity._id), activityType: activity.type, refId: activity.refId, title: activity.title,
      href: at.href, ...(at.sourceId ? { sourceId: at.sourceId } : {}),
    };
  }

  /**
   * Completes the enrolment once every activity is completed, then records what follows
   * (finishCompletion). A rerun after a crash between the two (the activity's job runs again)
   * finds the enrolment completed with `completionPendingAt` still set, and finishes it.
   */
  private async checkCourseCompletion(userId: string, courseId: string): Promise<void> {
    const [total, done] = await Promise.all([
      this.models.Activity.countDocuments({ courseId }),
      this.models.Progress.countDocuments({ userId, courseId, state: 'completed' }),
    ]);
    if (total === 0 || done < total) return;
    const now = this.services.clock.now();
    const enr =
      (await this.models.Enrolment.findOneAndUpdate({ courseId, userId, status: 'active' }, { $set: { status: 'completed', completedAt: now, completionPendingAt: now } }, { new: true }).lean()) ??
      (await this.models.Enrolment.findOne({ courseId, userId, status: 'completed', completionPendingAt: { $exists: true } }).lean());
    if (!enr) return;
    // A failure here (a listener, the database away) leaves the enrolment pending for the
    // recovery job, rather than failing the request or job that completed the last activity.
    await this.finishCompletion(enr).catch((e) => this.services.log.warn({ err: (e as Error).message, courseId, userId }, 'course completion left for the recovery job'));
  }

  /**
   * What a completed enrolment brings, each step keyed so that doing it again adds nothing: the
   * course's JP (once per person and course, ADR 0043) and `learning.course.completed` (its
   * listeners key a certificate, a notice, a survey offer by course and person). Only then is
   * `completionPendingAt` cleared.
   */
  async finishCompletion(enr: EnrolmentDoc): Promise<void> {
    const courseId = String(enr.courseId);
    const userId = String(enr.userId);
    const course = await this.getCourse(courseId);
    const at = enr.completedAt ?? this.services.clock.now();
    if (course.jp > 0) {
      await this.jp.credit({
        userId, source: 'course', sourceId: courseId, learningKey: courseLearningKey(courseId), title: course.title, kind: 'e-learning', provider: 'Bina',
        startDate: enr.enrolledAt ?? at, endDate: at, jp: course.jp, evidence: { kind: 'record', ref: `/courses/${courseId}` },
      }, 'core');
    }
    await this.services.events.emit('learning.course.completed', { courseId, userId, jp: course.jp, title: course.title, href: `/courses/${courseId}` }, { strict: true });
    await this.models.Enrolment.updateOne({ _id: enr._id }, { $unset: { completionPendingAt: 1 } });
  }

  /**
   * The recovery job (completion-recovery.ts): finishes enrolments completed more than `graceMs`
   * ago whose JP and event were never recorded (a crash between the steps). A failure is thrown,
   * so the job runs again.
   * @default graceMs 5 minutes (a completion in progress is left to its own process)
   */
  async recoverCompletions(graceMs = 5 * 60_000, limit = 500): Promise<{ recovered: number }> {
    const cutoff = new Date(this.services.clock.now().getTime() - graceMs);
    const pending = await this.models.Enrolment.find({ completionPendingAt: { $lt: cutoff } }).limit(limit).lean();
    for (const enr of pending) await this.finishCompletion(enr);
    if (pending.length) this.services.log.info({ recovered: pending.length }, 'course completions recovered');
    return { recovered: pending.length };
  }

  async progressFor(userId: string, courseId: string): Promise<Map<string, 'viewed' | 'completed'>> {
    const rows = await this.models.Progress.find({ userId, courseId }).lean();
    return new Map(rows.map((r) => [String(r.activityId), r.state]));
  }

  jpSummary(userId: string, year: number) {
    return this.jp.summary(userId, year);
  }

  // ---- question bank -------------------------------------------------------------------------

  private validateQuestion(input: NewQuestion) {
    const type = this.services.registries.questionTypes.get(input.type);
    if (!type) throw Errors.validation(`Unknown question type '${input.type}'`, { details: [{ path: 'type', message: `one of ${this.services.registries.questionTypes.ids().join(', ')}` }] });
    const parsed = type.dataSchema.safeParse(input.data);
    if (!parsed.success) throw Errors.validation('Invalid question data', { details: parsed.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message })) });
    return parsed.data;
  }

  async createQuestion(user: SessionUser, input: NewQuestion): Promise<QuestionDoc> {
    const data = this.validateQuestion(input);
    return (
      await this.models.Question.create({
        qid: randomUUID(), version: 1, latest: true, hidden: false, type: input.type, name: input.name, stem: input.stem,
        stemFormat: input.stemFormat ?? 'plain', generalFeedback: input.generalFeedback, defaultMark: input.defaultMark ?? defaultMarkOf(this.services.registries.questionTypes.get(input.type)),
        data, courseId: input.courseId, bankId: input.bankId, categoryId: input.categoryId, tags: input.tags ?? [], difficulty: input.difficulty,
        competency: input.competency, source: input.source, createdBy: user.id, createdAt: this.services.clock.now(),
      })
    ).toObject();
  }

  /** A new version; the unique (qid, version) index makes two concurrent edits of one version fail cleanly. */
  async reviseQuestion(user: SessionUser, qid: string, input: NewQuestion): Promise<QuestionDoc> {
    const data = this.validateQuestion(input);
    const current = await this.models.Question.findOne({ qid, latest: true }).lean();
    if (!current) throw Errors.notFound('Question not found');
    if (current.type !== input.type) throw Errors.validation('A new version cannot change the question type');
    let created;
    try {
      created = await this.models.Question.create({
        qid, version: current.version + 1, latest: true, hidden: current.hidden, type: input.type, name: input.name, stem: input.stem,
        stemFormat: input.stemFormat ?? current.stemFormat, generalFeedback: input.generalFeedback, defaultMark: input.defaultMark ?? current.defaultMark,
        data, courseId: current.courseId, bankId: current.bankId, categoryId: current.categoryId, tags: input.tags ?? current.tags,
        difficulty: input.difficulty ?? current.difficulty, competency: input.competency ?? current.competency, createdBy: user.id, createdAt: this.services.clock.now(),
      });
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict('Someone else saved a new version first; reload and try again');
      throw e;
    }
    await this.models.Question.updateOne({ _id: current._id }, { $set: { latest: false } });
    return created.toObject();
  }

  async questionsByIds(ids: Array<string | Types.ObjectId>): Promise<Map<string, QuestionDoc>> {
    const rows = await this.models.Question.find({ _id: { $in: ids } }).lean();
    return new Map(rows.map((q) => [String(q._id), q]));
  }
}

export function toQuestion(q: QuestionDoc): Question {
  return { type: q.type, name: q.name, stem: q.stem, stemFormat: q.stemFormat, generalFeedback: q.generalFeedback, defaultMark: q.defaultMark, data: q.data };
}

/** The JP year of `d` in a person's time zone (jp-ledger/jp-year.ts). */
export function jpYearOf(d: Date, timeZone: string): number {
  return yearIn(d, timeZone);
}
