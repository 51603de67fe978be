/**
 * The quiz's policy around the attempt engine (src/learning/attempts/): who may start, the
 * deadline, attempts allowed, the pass mark. Slots, saves, form mapping, grading, manual grading
 * and the review are the engine's. Every state change is a single-document update with a
 * precondition on the current state, so concurrent requests, retried jobs and a worker killed
 * mid-job can never grade twice or accept an answer after submit.
 */
import { randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { Errors, defineError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import { AttemptEngine, AttemptErrors, type FormFields, type ManualGradeInput, type SaveOutcome } from '../../src/learning/attempts/attempt-engine';
import { freezeSlots, maxScoreOf } from '../../src/learning/attempts/layout';
import { QuestionCache } from '../../src/learning/attempts/question-cache';
import type { SlotResult } from '../../src/learning/attempts/attempt-record';
import type { AttemptDoc, GradeDoc, QuizDoc } from './quiz-models';
import type { Claims } from '../../src/kernel/claims';
import { reviewRights, reviewVerdict } from '../../src/learning/review-policy';
import { QuizSlots } from './quiz-slots';

export const QuizErrors = {
  attemptClosed: defineError('BINA_ERR_QUIZ_ATTEMPT_CLOSED', 409, 'activity-quiz:errors.attemptClosed'),
  deadlinePassed: defineError('BINA_ERR_QUIZ_DEADLINE_PASSED', 409, 'activity-quiz:errors.deadlinePassed'),
  noAttemptsLeft: defineError('BINA_ERR_QUIZ_NO_ATTEMPTS_LEFT', 409, 'activity-quiz:errors.noAttemptsLeft'),
  quizClosed: defineError('BINA_ERR_QUIZ_CLOSED', 409, 'activity-quiz:errors.quizClosed'),
  notGradable: defineError('BINA_ERR_QUIZ_NOT_GRADABLE', 409, 'activity-quiz:errors.notGradable'),
};

export type { SaveOutcome };

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export class AttemptService {
  readonly slots: QuizSlots;
  readonly engine: AttemptEngine<AttemptDoc>;
  readonly questions: QuestionCache;

  constructor(
    private ctx: PluginContext,
    readonly Quiz: Model<QuizDoc>,
    readonly Attempt: Model<AttemptDoc>,
    readonly Grade: Model<GradeDoc>,
    private claims: Claims,
  ) {
    this.slots = new QuizSlots(ctx, Quiz);
    this.questions = new QuestionCache(() => this.learning);
    this.engine = new AttemptEngine({ types: ctx.questionTypes, questions: (ids) => this.questions.get(ids), now: () => ctx.clock.now() }, Attempt);
  }

  private get learning() {
    return this.ctx.use<LearningService>('learning');
  }

  private graceMs(): number {
    return Number(this.ctx.settings.graceSeconds ?? 10) * 1000;
  }

  async loadQuiz(quizId: string): Promise<QuizDoc> {
    const q = Types.ObjectId.isValid(quizId) ? await this.Quiz.findById(quizId).lean() : null;
    if (!q) throw Errors.notFound('Quiz not found');
    return q;
  }

  /** The attempt, if the user owns it or may review all attempts of the course. Others get a 404. */
  async loadAttemptFor(user: SessionUser, attemptId: string): Promise<{ attempt: AttemptDoc; asTrainer: boolean }> {
    const a = Types.ObjectId.isValid(attemptId) ? await this.Attempt.findById(attemptId).lean() : null;
    if (!a) throw Errors.notFound('Attempt not found');
    if (String(a.userId) === user.id) return { attempt: a, asTrainer: false };
    const course = await this.learning.getCourse(String(a.courseId));
    if (this.ctx.authz.can(user, 'activity-quiz:review-all') && this.learning.canAuthor(user, course)) return { attempt: a, asTrainer: true };
    // Not "forbidden": do not confirm that someone else's attempt exists.
    throw Errors.notFound('Attempt not found');
  }

  /** Starts a new attempt, or returns the open one (a reconnecting learner resumes it). */
  async start(user: SessionUser, quizId: string): Promise<AttemptDoc> {
    const quiz = await this.loadQuiz(quizId);
    const { asAuthor } = await this.learning.requireParticipant(user, String(quiz.courseId));
    if (asAuthor && !user.roles.includes('learner')) throw Errors.forbidden('Trainers preview quizzes; they do not take them');
    const open = await this.Attempt.findOne({ quizId: quiz._id, userId: user.id, state: 'in_progress' }).lean();
    if (open) return open;
    const now = this.ctx.clock.now();
    if (quiz.closesAt && now >= quiz.closesAt) throw QuizErrors.quizClosed('This quiz is closed');
    if (quiz.slots.length === 0) throw Errors.conflict('This quiz has no questions yet');
    const used = await this.Attempt.countDocuments({ quizId: quiz._id, userId: user.id });
    if (used >= quiz.attemptsAllowed) throw QuizErrors.noAttemptsLeft('No attempts left', { details: { attemptsAllowed: quiz.attemptsAllowed } });
    const seed = randomInt(0, 2 ** 31);
    // Random slots are drawn now and stored, so the review and a regrade see the same questions.
    const drawn = await this.slots.draw(quiz, seed);
    const slots = freezeSlots({ kind: 'assessment', slots: drawn.map((s) => ({ slot: s.slot, questionId: s.questionId!, mark: s.mark })), shuffle: quiz.shuffleQuestions }, seed);
    let deadline: Date | undefined;
    if (quiz.timeLimitMinutes) deadline = new Date(now.getTime() + quiz.timeLimitMinutes * 60_000);
    if (quiz.closesAt && (!deadline || quiz.closesAt < deadline)) deadline = quiz.closesAt;
    let attempt: AttemptDoc;
    try {
      attempt = (
        await this.Attempt.create({
          quizId: quiz._id, courseId: quiz.courseId, userId: user.id, number: used + 1, state: 'in_progress', seed,
          slots, answers: {}, startedAt: now, deadline, maxScore: maxScoreOf(quiz.slots), results: [], gradeCount: 0,
        })
      ).toObject();
    } catch (e) {
      // A concurrent start won the race for this number: resume that attempt.
      if ((e as { code?: number }).code === 11000) {
        const again = await this.Attempt.findOne({ quizId: quiz._id, userId: user.id, state: 'in_progress' }).lean();
        if (again) return again;
      }
      throw e;
    }
    if (deadline) {
      await this.ctx.jobs.enqueue('autosubmit', { attemptId: String(attempt._id) }, { key: `autosubmit-${attempt._id}`, delayMs: Math.max(0, deadline.getTime() - now.getTime() + this.graceMs()) });
    }
    await this.learning.markProgress(user.id, await this.learning.activityFor(this.ctx.id, String(quiz._id)), 'viewed');
    return attempt;
  }

  /** The questions as the learner sees them: shuffled per attempt, with no keys. */
  learnerQuestions(attempt: AttemptDoc) {
    return this.engine.learnerQuestions(attempt);
  }

  /** Converts form fields to a response with the question type's own mapping. */
  async responseFromForm(attempt: AttemptDoc, slot: string, fields: FormFields): Promise<unknown> {
    const { type } = await this.engine.slotQuestion(attempt, slot);
    return this.engine.responseFromForm(type, slot, fields);
  }

  /**
   * Saves one answer. Idempotent: the same (slot, seq) twice is one answer; an older seq after a
   * newer one is ignored. Refused once submitted or after the deadline plus grace.
   */
  async saveAnswer(user: SessionUser, attemptId: string, slot: string, response: unknown, seq: number): Promise<SaveOutcome> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may answer');
    return this.saveTo(attempt, slot, response, seq);
  }

  /** Saves into an attempt already loaded for its learner (the form post saves several at once). */
  async saveTo(attempt: AttemptDoc, slot: string, response: unknown, seq: number): Promise<SaveOutcome> {
    const { type } = await this.engine.slotQuestion(attempt, slot);
    const value = this.engine.parse(type, response);
    const now = this.ctx.clock.now();
    const r = await this.engine.save(attempt, slot, value, seq, {
      conditions: [{ state: 'in_progress' }, { $or: [{ deadline: { $exists: false } }, { deadline: null }, { deadline: { $gt: new Date(now.getTime() - this.graceMs()) } }] }],
    });
    if (!('refused' in r.outcome)) return r.outcome;
    const current = r.current;
    if (!current || current.state !== 'in_progress') throw QuizErrors.attemptClosed('This attempt is already submitted', { details: { state: current?.state } });
    throw QuizErrors.deadlinePassed('The time for this attempt is over', { details: { deadline: current.deadline } });
  }

  /**
   * Marks a question *ragu-ragu* (unsure) or clears the mark: a note for the learner's own grid and
   * summary page, never graded. One conditional update; setting the same value twice is harmless.
   */
  async setFlag(user: SessionUser, attemptId: string, slot: string, flagged: boolean): Promise<{ slot: string; flagged: boolean }> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may flag questions');
    if (!attempt.slots.some((s) => s.slot === slot)) throw AttemptErrors.unknownSlot(`No question ${slot} in this attempt`);
    const updated = await this.Attempt.updateOne({ _id: attempt._id, state: 'in_progress' }, { $set: { [`flags.${slot}`]: flagged } });
    if (updated.matchedCount !== 1) throw QuizErrors.attemptClosed('This attempt is already submitted');
    return { slot, flagged };
  }

  /** Submits (idempotent) and enqueues grading with a deterministic job id. */
  async submit(user: SessionUser, attemptId: string): Promise<AttemptDoc> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may submit');
    return this.submitAttempt(attempt._id, 'learner');
  }

  async submitAttempt(attemptId: Types.ObjectId | string, by: 'learner' | 'deadline'): Promise<AttemptDoc> {
    const now = this.ctx.clock.now();
    const done = await this.Attempt.findOneAndUpdate({ _id: attemptId, state: 'in_progress' }, { $set: { state: 'submitted', submittedAt: now, submittedBy: by } }, { new: true }).lean();
    const a = done ?? (await this.Attempt.findById(attemptId).lean());
    if (!a) throw Errors.notFound('Attempt not found');
    // Enqueue even when it was already submitted: if the first enqueue was lost, this restores it.
    if (a.state === 'submitted') await this.ctx.jobs.enqueue('grade', { attemptId: String(a._id) }, { key: `grade-${a._id}` });
    if (done && by === 'learner') await this.ctx.jobs.cancel('autosubmit', `autosubmit-${a._id}`).catch(() => undefined);
    return a;
  }

  private totals(a: Pick<AttemptDoc, 'maxScore'>, quiz: Pick<QuizDoc, 'passPercent'> | null, results: SlotResult[]) {
    const score = round6(results.reduce((sum, r) => sum + r.score, 0));
    const passed = a.maxScore > 0 ? (score / a.maxScore) * 100 >= (quiz?.passPercent ?? 0) : true;
    return { score, passed, pending: this.engine.pendingManual(results) };
  }

  /**
   * The grading job. Exactly once by unique keys, not by a conditional update (FerretDB/SQLite does
   * not make those atomic between processes; ADR 0018): the grade is a document whose `_id` is the
   * attempt id, so of two graders only one can insert it. Applying a stored grade to the attempt
   * is idempotent, and a final attempt carries `announcePendingAt` until it is announced, so a
   * grader killed anywhere is simply run again (by BullMQ, or requeued by the recovery sweep,
   * ADR 0068). An attempt with an essay waits (`needs_grading`) until a trainer grades it
   * (`gradeManually`).
   */
  async grade(attemptId: string): Promise<'graded' | 'needs_grading' | 'skipped'> {
    const a = await this.Attempt.findById(attemptId).lean();
    if (!a || a.state === 'in_progress') return 'skipped';
    let grade = await this.Grade.findById(attemptId).lean();
    if (!grade) {
      if (a.state !== 'submitted') return 'skipped';
      await this.ctx.hooks.run(`${this.ctx.id}.attempt.grade`, { attemptId });
      const results = await this.engine.grade(a);
      const { score, passed } = this.totals(a, await this.Quiz.findById(a.quizId).lean(), results);
      try {
        grade = (await this.Grade.create({ _id: attemptId, score, passed, results, gradedAt: this.ctx.clock.now() })).toObject();
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        grade = await this.Grade.findById(attemptId).lean();
        if (!grade) throw e;
      }
    }
    const waiting = this.engine.pendingManual(grade.results).length > 0;
    // Only from `submitted`: a rerun must not undo a trainer's manual grades.
    await this.Attempt.updateOne(
      { _id: a._id, state: 'submitted' },
      { $set: { state: waiting ? 'needs_grading' : 'graded', results: grade.results, score: grade.score, ...(waiting ? {} : { passed: grade.passed, gradedAt: grade.gradedAt, announcePendingAt: this.ctx.clock.now() }), gradeCount: 1 } },
    );
    const now = (await this.Attempt.findById(attemptId).lean())!;
    if (now.state === 'needs_grading') return 'needs_grading';
    // Final, by this run or an earlier one (or a trainer's last essay grade) whose announcement was cut short.
    if (now.state !== 'graded' || !now.announcePendingAt) return 'skipped';
    // `graded` for the one run that wrote the audit row; any other (concurrent or later) run only repeats keyed steps.
    return (await this.announce(now, now.score ?? 0, now.passed === true)) ? 'graded' : 'skipped';
  }

  /**
   * Audit (once: a unique claim, ADR 0018), pass and event of a final attempt, then the attempt
   * is marked announced. The pass and the event are emitted strictly, so a failed listener fails
   * the job, which runs again; their listeners are keyed (progress per activity, a certificate
   * per achievement), so a second run adds nothing twice (the exam does the same, ADR 0061).
   */
  private async announce(a: AttemptDoc, score: number, passed: boolean, actorId?: string): Promise<boolean> {
    const first = await this.claim(`graded-${a._id}`);
    if (first) {
      await this.ctx.audit.record({ action: 'activity-quiz:audit.graded', ...(actorId ? { actorId } : {}), subject: { type: 'attempt', id: String(a._id) }, after: { score, maxScore: a.maxScore, passed } });
    }
    const activity = await this.learning.activityFor(this.ctx.id, String(a.quizId));
    if (passed) await this.learning.recordPass(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a) }, { strict: true });
    // `manual`: a trainer graded part of it, so the result came after the learner left the result page.
    const manual = Object.keys(a.manual ?? {}).length > 0;
    await this.learning.recordGraded(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a), manual, passed }, { strict: true });
    await this.ctx.events.emit(`${this.ctx.id}.attempt.graded`, { attemptId: String(a._id), userId: String(a.userId), quizId: String(a.quizId), score, maxScore: a.maxScore, passed }, { strict: true });
    await this.Attempt.updateOne({ _id: a._id }, { $set: { announcedAt: this.ctx.clock.now() }, $unset: { announcePendingAt: 1 } });
    return first;
  }

  private resultHref(a: Pick<AttemptDoc, '_id'>): string {
    return `/${this.ctx.id}/attempts/${a._id}/result`;
  }

  /** The attempt, for a trainer of its course who may grade it. */
  async loadForGrader(user: SessionUser, attemptId: string): Promise<AttemptDoc> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (!asTrainer) throw Errors.forbidden('Only the course\'s trainers grade');
    return attempt;
  }

  /**
   * A trainer's grade of one essay answer (points or rubric), then the attempt's totals: a waiting
   * attempt becomes final once every essay is graded; a change to a final one is a regrade that
   * the core is told about (`learning.activity.regraded`), so certificates get reviewed.
   */
  async gradeManually(user: SessionUser, attemptId: string, slot: string, input: ManualGradeInput) {
    const attempt = await this.loadForGrader(user, attemptId);
    if (attempt.state !== 'needs_grading' && attempt.state !== 'graded') throw QuizErrors.notGradable('This attempt is not graded yet', { details: { state: attempt.state } });
    const { grade, before, changed } = await this.engine.gradeManually(attempt, slot, input, user.id, ['needs_grading', 'graded']);
    if (!changed) throw QuizErrors.notGradable('The attempt changed meanwhile; reload');
    await this.ctx.audit.record({ action: 'activity-quiz:audit.manualGraded', actorId: user.id, subject: { type: 'attempt', id: attemptId }, args: { slot }, before: before ? { score: before.score, comment: before.comment } : null, after: { score: grade.score, comment: grade.comment, rubric: input.rubric ?? null } });
    const a = (await this.Attempt.findById(attemptId).lean())!;
    const results = await this.engine.grade(a);
    const t = this.totals(a, await this.Quiz.findById(a.quizId).lean(), results);
    const now = this.ctx.clock.now();
    if (a.state === 'needs_grading') {
      const final = t.pending.length === 0;
      const r = await this.Attempt.updateOne({ _id: a._id, state: 'needs_grading' }, { $set: { results, score: t.score, ...(final ? { state: 'graded', passed: t.passed, gradedAt: now, announcePendingAt: now } : {}) } });
      // A failure here leaves `announcePendingAt` for the recovery sweep, not a failed request.
      if (final && r.matchedCount === 1) await this.announce(a, t.score, t.passed, user.id).catch((e) => this.ctx.log.warn({ err: (e as Error).message, attemptId }, 'announcement left for the recovery sweep'));
    } else {
      const r = await this.Attempt.updateOne({ _id: a._id, state: 'graded' }, { $set: { results, score: t.score, passed: t.passed } });
      if (r.matchedCount === 1 && (a.score !== t.score || a.passed !== t.passed)) {
        const snapshot = (x: { score?: number | null; passed?: boolean | null }) => ({ score: x.score ?? null, passed: x.passed ?? null });
        await this.ctx.audit.record({ action: 'activity-quiz:audit.regraded', actorId: user.id, subject: { type: 'attempt', id: attemptId }, args: { reason: 'manual' }, before: snapshot(a), after: snapshot(t) });
        const activity = await this.learning.activityFor(this.ctx.id, String(a.quizId));
        await this.learning.recordRegrade(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a), passed: t.passed, changed: true, before: snapshot(a), after: snapshot(t) });
        if (t.passed && !a.passed) await this.learning.recordPass(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a) });
      }
    }
    return { state: t.pending.length === 0 ? 'graded' : 'needs_grading', score: t.score, pending: t.pending };
  }

  /** True for exactly one caller per key (a unique insert, ADR 0018). */
  private claim(key: string): Promise<boolean> {
    return this.claims.claim(key);
  }

  /** The result as the review options allow. Keys appear only when `rightAnswer` is allowed. */
  async review(user: SessionUser, attemptId: string) {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    const quiz = await this.loadQuiz(String(attempt.quizId));
    const rights = reviewRights(quiz, attempt, this.ctx.clock.now(), asTrainer);
    const questions = await this.engine.review(attempt, rights, asTrainer);
    const results = new Map(attempt.results.map((r) => [r.slot, r]));
    return {
      attempt: { id: String(attempt._id), quizId: String(attempt.quizId), number: attempt.number, state: attempt.state, startedAt: attempt.startedAt, submittedAt: attempt.submittedAt, gradedAt: attempt.gradedAt, deadline: attempt.deadline },
      quiz: { id: String(quiz._id), title: quiz.title, courseId: String(quiz.courseId) },
      rights,
      asTrainer,
      score: rights.marks ? attempt.score ?? null : null,
      maxScore: attempt.maxScore,
      passed: rights.marks ? attempt.passed ?? null : null,
      questions: questions.map(({ seq: _seq, section: _section, ...q }) => ({ ...q, verdict: q.scored === false ? null : reviewVerdict(rights, results.get(q.slot)) })),
    };
  }
}
