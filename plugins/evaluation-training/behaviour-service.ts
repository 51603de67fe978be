/**
 * Level 3 (behaviour): N weeks after a learner completes a course (the `behaviourWeeks` setting),
 * a task asks their mentor (a current mentoring pair) or else their direct supervisor to rate the change in behaviour against the course's
 * competency targets; the ratings become evidence in the competency profile through the core's
 * competency service (source `supervisor`, ADR 0045), one entry per task and competency.
 *
 * Exactly once (ADR 0058): the completion enqueues one delayed job whose id names the course and
 * the learner, so a repeated event adds nothing; the task's `_id` is the same pair, so a job run
 * twice makes one task. The job checks `ctx.clock` when it runs: woken before the due time (a
 * clock that disagrees with Redis's), it puts itself back to sleep for the rest of the wait.
 */
import { DelayedError, type Job } from 'bullmq';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { objectId } from '../../src/kernel/object-id';
import type { CompetencyService } from '../../src/learning/competency/competency-service';
import type { LearningService } from '../../src/learning/learning-service';
import { MENTORS_HOOK, type MentorsQuery } from '../../src/learning/mentors';
import { EvaluationErrors } from './evaluation-errors';
import type { TaskDoc } from './evaluation-models';
import { EVENTS } from './reaction-service';

export const behaviourJob = z.object({ courseId: objectId, userId: objectId, dueAt: z.string().datetime() });
export type BehaviourJob = z.infer<typeof behaviourJob>;

export const taskId = (courseId: string, userId: string) => `${courseId}-${userId}`;
export const behaviourJobKey = (courseId: string, userId: string) => `behaviour-${courseId}-${userId}`;

export interface BehaviourSettings {
  behaviourWeeks: number;
  reminderDays: number;
}

export type TaskOutcome = 'created' | 'exists' | 'no-targets' | 'no-rater' | 'not-due';

export class BehaviourService {
  constructor(
    private ctx: PluginContext,
    readonly Task: Model<TaskDoc>,
    private settings: BehaviourSettings,
  ) {}

  private learning = () => this.ctx.use<LearningService>('learning');
  private identity = () => this.ctx.use<IdentityService>('identity');

  /** On completion: one delayed job per learner and course, due `behaviourWeeks` later. */
  async schedule(courseId: string, userId: string): Promise<Date> {
    const now = this.ctx.clock.now();
    const dueAt = new Date(now.getTime() + this.settings.behaviourWeeks * 7 * 86_400_000);
    await this.ctx.jobs.enqueue<BehaviourJob>('behaviour-task', { courseId, userId, dueAt: dueAt.toISOString() }, { key: behaviourJobKey(courseId, userId), delayMs: dueAt.getTime() - now.getTime() });
    return dueAt;
  }

  /** The job: creates the task when due; before that, waits again for the time left. */
  async run(data: BehaviourJob, job?: Job): Promise<TaskOutcome> {
    const left = new Date(data.dueAt).getTime() - this.ctx.clock.now().getTime();
    if (left > 0) {
      if (job?.token) {
        await job.moveToDelayed(Date.now() + left, job.token);
        throw new DelayedError();
      }
      return 'not-due';
    }
    return this.createTask(data.courseId, data.userId);
  }

  async createTask(courseId: string, userId: string): Promise<TaskOutcome> {
    const course = await this.learning().getCourse(courseId).catch(() => null);
    if (!course?.competencies.length) return 'no-targets';
    const learner = await this.identity().models.User.findById(userId, { supervisorId: 1, name: 1 }).lean();
    if (!learner) return 'no-rater';
    const rater = await this.raterOf(userId, learner.supervisorId ? String(learner.supervisorId) : undefined);
    if (!rater) {
      this.ctx.log.info({ courseId, userId }, 'no mentor or direct supervisor to rate behaviour: no level-3 task');
      return 'no-rater';
    }
    const _id = taskId(courseId, userId);
    try {
      await this.Task.create({
        _id, courseId: course._id, userId: new Types.ObjectId(userId), raterId: new Types.ObjectId(rater.id), raterRole: rater.role,
        targets: course.competencies.map((c) => ({ code: c.code, level: c.level })), state: 'open', createdAt: this.ctx.clock.now(), reminded: false, ratings: [], comment: '',
      });
    } catch (e) {
      if ((e as { code?: number }).code === 11000) return 'exists';
      throw e;
    }
    await this.ctx.events.emit(EVENTS.behaviourRequested, { taskId: _id, userId: rater.id, learner: learner.name, title: course.title, href: this.taskHref(_id) });
    await this.ctx.jobs.enqueue('reminder', { kind: 'behaviour', id: _id }, { key: `behaviour-reminder-${_id}`, delayMs: this.settings.reminderDays * 86_400_000 });
    return 'created';
  }

  /**
   * Who rates (ADR 0066): the mentor of the learner's current mentoring pair, who meets them about
   * their development (by default the pair is with the direct supervisor anyway); without one,
   * the direct supervisor. Asked when the task is made, N weeks after completion, not before.
   */
  async raterOf(userId: string, supervisorId?: string): Promise<{ id: string; role: 'mentor' | 'supervisor' } | undefined> {
    const { mentorIds } = await this.ctx.hooks.run<MentorsQuery>(MENTORS_HOOK, { menteeId: userId, mentorIds: [], menteeIds: [] });
    const mentor = mentorIds.find((m) => m !== userId);
    if (mentor) return { id: mentor, role: 'mentor' };
    return supervisorId ? { id: supervisorId, role: 'supervisor' } : undefined;
  }

  /**
   * Whether the behaviour ratings belong in `userId`'s navigation: they have a task, supervise
   * someone or mentor someone now. Remembered a minute per person (it is asked on every page).
   */
  async mayRate(userId: string): Promise<boolean> {
    const hit = this.rateCache.get(userId);
    const now = Date.now();
    if (hit && hit.until > now) return hit.value;
    const uid = new Types.ObjectId(userId);
    const value = Boolean(await this.Task.exists({ raterId: uid }))
      || Boolean(await this.identity().models.User.exists({ supervisorId: uid, active: true }))
      || (await this.ctx.hooks.run<MentorsQuery>(MENTORS_HOOK, { mentorId: userId, mentorIds: [], menteeIds: [] })).menteeIds.length > 0;
    if (this.rateCache.size > 10_000) this.rateCache.clear();
    this.rateCache.set(userId, { value, until: now + 60_000 });
    return value;
  }

  private rateCache = new Map<string, { value: boolean; until: number }>();

  taskHref(id: string): string {
    return `/${this.ctx.id}/tasks/${id}`;
  }

  /** One reminder while the task is open. */
  async remind(id: string): Promise<boolean> {
    const task = await this.Task.findOneAndUpdate({ _id: id, state: 'open', reminded: false }, { $set: { reminded: true } }, { new: true }).lean();
    if (!task) return false;
    const [course, learner] = await Promise.all([this.learning().getCourse(String(task.courseId)).catch(() => null), this.identity().models.User.findById(task.userId, { name: 1 }).lean()]);
    await this.ctx.events.emit(EVENTS.behaviourReminded, { taskId: id, userId: String(task.raterId), learner: learner?.name ?? '', title: course?.title ?? '', href: this.taskHref(id) });
    return true;
  }

  tasksFor(raterId: string): Promise<TaskDoc[]> {
    return this.Task.find({ raterId: new Types.ObjectId(raterId) }).sort({ state: 1, createdAt: -1 }).limit(200).lean();
  }

  async waitingFor(raterId: string): Promise<number> {
    return this.Task.countDocuments({ raterId: new Types.ObjectId(raterId), state: 'open' });
  }

  /** A task of mine (the rater's); another person's is a 403. */
  async taskFor(user: SessionUser, id: string): Promise<TaskDoc> {
    const task = await this.Task.findById(id).lean();
    if (!task || String(task.raterId) !== user.id) throw EvaluationErrors.notYourTask('This rating is asked of someone else');
    return task;
  }

  /**
   * Records the rater's levels (1–5, one per target) once, then each as evidence. The task's state
   * is claimed first; the evidence keys (`<plugin>:<task>:<code>`) make a retry harmless.
   */
  async rate(user: SessionUser, id: string, levels: Record<string, number>, comment: string): Promise<TaskDoc> {
    const task = await this.taskFor(user, id);
    if (task.state !== 'open') throw EvaluationErrors.rated('This behaviour was rated already');
    const missing = task.targets.filter((t) => !Number.isInteger(levels[t.code]) || levels[t.code]! < 1 || levels[t.code]! > 5);
    if (missing.length) throw EvaluationErrors.incomplete('Give a level from 1 to 5 for every competency', { details: missing.map((t) => ({ path: `level_${t.code}`, message: 'a level from 1 to 5', i18n: 'evaluation-training:errors.level' })) });
    const ratings = task.targets.map((t) => ({ code: t.code, level: levels[t.code]! }));
    const done = await this.Task.findOneAndUpdate({ _id: id, state: 'open' }, { $set: { state: 'rated', ratings, comment: comment.trim().slice(0, 2000), ratedAt: this.ctx.clock.now() } }, { new: true }).lean();
    if (!done) throw EvaluationErrors.rated('This behaviour was rated already');
    const course = await this.learning().getCourse(String(task.courseId)).catch(() => null);
    const competency = this.ctx.use<CompetencyService>('competency');
    for (const r of ratings) {
      await competency.recordEvidence({
        userId: String(task.userId), competency: r.code, level: r.level, source: 'supervisor', by: user.id, key: `${this.ctx.id}:${id}:${r.code}`,
        message: { key: `${this.ctx.id}:evidence.${task.raterRole === 'mentor' ? 'behaviourMentor' : 'behaviour'}`, args: { title: course?.title ?? '', level: r.level } },
      }).catch((e: Error) => this.ctx.log.warn({ err: e.message, code: r.code }, 'behaviour rating not recorded as evidence'));
    }
    await this.ctx.audit.record({ action: `${this.ctx.id}:audit.behaviourRated`, actorId: user.id, subject: { type: 'behaviour-task', id }, after: { ratings } });
    await this.ctx.events.emit(EVENTS.behaviourRated, { taskId: id, userId: String(task.raterId) });
    return done;
  }
}
