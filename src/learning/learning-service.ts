/**
 * The learning spine's operations, offered to plugins as the `learning` service (`ctx.use`):
 * courses and who may author or enter them, activities, enrolment, progress (monotonic: a
 * completed activity never goes back to viewed), the JP ledger (credited once per source) and the
 * question bank (every edit is a new version; attempts keep pointing at the one they used).
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../kernel/kernel-services';
import type { SessionUser } from '../identity/session-user';
import { defineLearningModels, STANDARD_COMPETENCIES, type ActivityDoc, type CourseDoc, type LearningModels, type QuestionDoc } from './learning-models';
import type { Question } from './question-type';

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

  constructor(private k: KernelServices) {
    this.models = defineLearningModels(k.conn);
    for (const m of Object.values(this.models)) k.models.add(m as never);
  }

  async seedCompetencies(): Promise<void> {
    for (const c of STANDARD_COMPETENCIES) await this.models.Competency.updateOne({ code: c.code }, { $setOnInsert: c }, { upsert: true });
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
    return this.k.authz.can(user, 'learning:course-author') && course.trainerIds.some((t) => String(t) === user.id);
  }

  async requireAuthor(user: SessionUser | undefined, courseId: string): Promise<CourseDoc> {
    const c = await this.getCourse(courseId);
    if (!this.canAuthor(user, c)) throw Errors.forbidden('Only the course\'s trainers may change it');
    return c;
  }

  async isEnrolled(userId: string, courseId: string | Types.ObjectId): Promise<boolean> {
    return Boolean(await this.models.Enrolment.exists({ courseId, userId }));
  }

  /** Authors always; learners when enrolled in a published course. */
  async requireParticipant(user: SessionUser | undefined, courseId: string): Promise<{ course: CourseDoc; asAuthor: boolean }> {
    if (!user) throw Errors.unauthenticated('Authentication required');
    const course = await this.getCourse(courseId);
    if (this.canAuthor(user, course)) return { course, asAuthor: true };
    if (course.published && (await this.isEnrolled(user.id, courseId))) return { course, asAuthor: false };
    throw Errors.forbidden('Enrol in the course first', { details: { courseId } });
  }

  async enrol(userId: string, courseId: string): Promise<{ created: boolean }> {
    const course = await this.getCourse(courseId);
    if (!course.published) throw Errors.conflict('This course is not open for enrolment');
    const r = await this.models.Enrolment.updateOne(
      { courseId: course._id, userId },
      { $setOnInsert: { status: 'active', enrolledAt: this.k.clock.now() } },
      { upsert: true },
    );
    if (r.upsertedCount) await this.k.events.emit('learning.enrolment.created', { courseId, userId });
    return { created: r.upsertedCount === 1 };
  }

  // ---- activities ----------------------------------------------------------------------------

  async addActivity(input: { courseId: string; type: string; refId: string; title: string }): Promise<ActivityDoc> {
    this.k.registries.activityTypes.require(input.type);
    const position = await this.models.Activity.countDocuments({ courseId: input.courseId });
    return (await this.models.Activity.create({ ...input, position })).toObject();
  }

  async activityFor(type: string, refId: string): Promise<ActivityDoc> {
    const a = await this.models.Activity.findOne({ type, refId }).lean();
    if (!a) throw Errors.notFound('Activity not found');
    return a;
  }

  async activities(courseId: string): Promise<ActivityDoc[]> {
    return this.models.Activity.find({ courseId }).sort({ position: 1 }).lean();
  }

  // ---- progress and JP -----------------------------------------------------------------------

  /** Records progress; `completed` wins over `viewed`. Completing the last activity completes the course once. */
  async markProgress(userId: string, activity: ActivityDoc, state: 'viewed' | 'completed'): Promise<void> {
    const now = this.k.clock.now();
    const key = { userId: new Types.ObjectId(userId), activityId: activity._id };
    if (state === 'completed') {
      await this.models.Progress.updateOne(key, { $set: { state, at: now, courseId: activity.courseId } }, { upsert: true });
      await this.checkCourseCompletion(userId, String(activity.courseId));
    } else {
      try {
        await this.models.Progress.updateOne(key, { $setOnInsert: { state, at: now, courseId: activity.courseId } }, { upsert: true });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e; // a concurrent upsert already made the row
      }
    }
  }

  private async checkCourseCompletion(userId: string, courseId: string): Promise<void> {
    const [total, done] = await Promise.all([
      this.models.Activity.countDocuments({ courseId }),
      this.models.Progress.countDocuments({ userId, courseId, state: 'completed' }),
    ]);
    if (total === 0 || done < total) return;
    const now = this.k.clock.now();
    const enr = await this.models.Enrolment.findOneAndUpdate({ courseId, userId, status: 'active' }, { $set: { status: 'completed', completedAt: now } }, { new: true }).lean();
    if (!enr) return;
    const course = await this.getCourse(courseId);
    try {
      await this.models.JpLedger.create({
        userId, year: yearInJakarta(now), jp: course.jp, source: 'course', sourceId: courseId, title: course.title,
        mode: 'nonklasikal', activityKind: 'e-learning', provider: 'Bina', status: 'approved', at: now,
      });
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e; // credited already: exactly once
    }
    await this.k.events.emit('learning.course.completed', { courseId, userId, jp: course.jp });
  }

  async progressFor(userId: string, courseId: string): Promise<Map<string, 'viewed' | 'completed'>> {
    const rows = await this.models.Progress.find({ userId, courseId }).lean();
    return new Map(rows.map((r) => [String(r.activityId), r.state]));
  }

  async jpSummary(userId: string, year: number) {
    const rows = await this.models.JpLedger.aggregate<{ _id: string; jp: number }>([
      { $match: { userId: new Types.ObjectId(userId), year, status: 'approved' } },
      { $group: { _id: '$mode', jp: { $sum: '$jp' } } },
    ]);
    const total = rows.reduce((s, r) => s + r.jp, 0);
    return { year, total, byMode: Object.fromEntries(rows.map((r) => [r._id, r.jp])) };
  }

  // ---- question bank -------------------------------------------------------------------------

  private validateQuestion(input: NewQuestion) {
    const type = this.k.registries.questionTypes.get(input.type);
    if (!type) throw Errors.validation(`Unknown question type '${input.type}'`, { details: [{ path: 'type', message: `one of ${this.k.registries.questionTypes.ids().join(', ')}` }] });
    const parsed = type.dataSchema.safeParse(input.data);
    if (!parsed.success) throw Errors.validation('Invalid question data', { details: parsed.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message })) });
    return parsed.data;
  }

  async createQuestion(user: SessionUser, input: NewQuestion): Promise<QuestionDoc> {
    const data = this.validateQuestion(input);
    return (
      await this.models.Question.create({
        qid: randomUUID(), version: 1, latest: true, hidden: false, type: input.type, name: input.name, stem: input.stem,
        stemFormat: input.stemFormat ?? 'plain', generalFeedback: input.generalFeedback, defaultMark: input.defaultMark ?? 1,
        data, courseId: input.courseId, bankId: input.bankId, categoryId: input.categoryId, tags: input.tags ?? [], difficulty: input.difficulty,
        competency: input.competency, source: input.source, createdBy: user.id, createdAt: this.k.clock.now(),
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
        difficulty: input.difficulty ?? current.difficulty, competency: input.competency ?? current.competency, createdBy: user.id, createdAt: this.k.clock.now(),
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

/** The JP year follows the calendar in Indonesia's western zone (the ledger is yearly). */
export function yearInJakarta(d: Date): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Jakarta' }).format(d));
}
