/**
 * The attempt lifecycle: start (or resume), save one answer, submit, grade. Every state change is
 * a single-document update with a precondition on the current state, so concurrent requests,
 * retried jobs and a worker killed mid-job can never grade twice or accept an answer after submit.
 */
import { randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { Errors, defineError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import { toQuestion } from '../../src/learning/learning-service';
import type { QuestionDoc } from '../../src/learning/learning-models';
import { parseResponse } from '../../src/learning/question-type';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';
import type { AttemptDoc, GradeDoc, QuizDoc, SlotResult } from './quiz-models';
import type { Claims } from '../../src/kernel/claims';
import { reviewRights } from '../../src/learning/review-policy';
import { QuizSlots } from './quiz-slots';

export const QuizErrors = {
  attemptClosed: defineError('BINA_ERR_QUIZ_ATTEMPT_CLOSED', 409, 'activity-quiz:errors.attemptClosed'),
  deadlinePassed: defineError('BINA_ERR_QUIZ_DEADLINE_PASSED', 409, 'activity-quiz:errors.deadlinePassed'),
  noAttemptsLeft: defineError('BINA_ERR_QUIZ_NO_ATTEMPTS_LEFT', 409, 'activity-quiz:errors.noAttemptsLeft'),
  quizClosed: defineError('BINA_ERR_QUIZ_CLOSED', 409, 'activity-quiz:errors.quizClosed'),
  unknownSlot: defineError('BINA_ERR_QUIZ_UNKNOWN_SLOT', 404, 'activity-quiz:errors.unknownSlot'),
};

export type SaveOutcome =
  | { saved: true; seq: number; duplicate?: false }
  | { saved: true; seq: number; duplicate: true }
  | { saved: false; stale: true; seq: number; currentSeq: number };

export class AttemptService {
  readonly slots: QuizSlots;

  constructor(
    private ctx: PluginContext,
    readonly Quiz: Model<QuizDoc>,
    readonly Attempt: Model<AttemptDoc>,
    readonly Grade: Model<GradeDoc>,
    private claims: Claims,
  ) {
    this.slots = new QuizSlots(ctx, Quiz);
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
    const slots = quiz.shuffleQuestions ? seededShuffle(drawn, seed) : drawn;
    let deadline: Date | undefined;
    if (quiz.timeLimitMinutes) deadline = new Date(now.getTime() + quiz.timeLimitMinutes * 60_000);
    if (quiz.closesAt && (!deadline || quiz.closesAt < deadline)) deadline = quiz.closesAt;
    let attempt: AttemptDoc;
    try {
      attempt = (
        await this.Attempt.create({
          quizId: quiz._id, courseId: quiz.courseId, userId: user.id, number: used + 1, state: 'in_progress', seed,
          slots: slots.map((s) => ({ slot: s.slot, questionId: s.questionId, mark: s.mark })), answers: {}, startedAt: now,
          deadline, maxScore: quiz.slots.reduce((sum, s) => sum + s.mark, 0), results: [], gradeCount: 0,
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
  async learnerQuestions(attempt: AttemptDoc) {
    const qs = await this.learning.questionsByIds(attempt.slots.map((s) => s.questionId));
    return attempt.slots.map((s, i) => {
      const q = qs.get(String(s.questionId))!;
      const type = this.ctx.questionTypes.require(q.type);
      const lv = type.toLearnerView(toQuestion(q), deriveSeed(attempt.seed, s.slot));
      const saved = attempt.answers?.[s.slot];
      return { slot: s.slot, number: i + 1, mark: s.mark, partial: `question-${q.type}/input`, ...lv, response: saved?.r ?? null, seq: saved?.seq ?? 0, flagged: attempt.flags?.[s.slot] === true };
    });
  }

  private async questionForSlot(attempt: AttemptDoc, slot: string): Promise<QuestionDoc> {
    const s = attempt.slots.find((x) => x.slot === slot);
    if (!s) throw QuizErrors.unknownSlot(`No question ${slot} in this attempt`);
    const q = (await this.learning.questionsByIds([s.questionId])).get(String(s.questionId));
    if (!q) throw Errors.notFound('Question not found');
    return q;
  }

  /** Converts form fields to a response with the question type's own mapping. */
  async responseFromForm(attempt: AttemptDoc, slot: string, fields: Record<string, string | string[] | undefined>): Promise<unknown> {
    const q = await this.questionForSlot(attempt, slot);
    const type = this.ctx.questionTypes.require(q.type);
    return type.fromForm ? type.fromForm(fields, `q_${slot}`) : undefined;
  }

  /**
   * Saves one answer. Idempotent: the same (slot, seq) twice is one answer; an older seq after a
   * newer one is ignored. Refused once submitted or after the deadline plus grace.
   */
  async saveAnswer(user: SessionUser, attemptId: string, slot: string, response: unknown, seq: number): Promise<SaveOutcome> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may answer');
    const q = await this.questionForSlot(attempt, slot);
    const type = this.ctx.questionTypes.require(q.type);
    let value: unknown = null;
    if (response !== null && response !== undefined) {
      value = parseResponse(type, response);
    }
    const now = this.ctx.clock.now();
    const path = `answers.${slot}`;
    // updateOne, not findOneAndUpdate: FerretDB 1.x cannot project findAndModify results, and we need none.
    const updated = await this.Attempt.updateOne(
      {
        _id: attempt._id,
        state: 'in_progress',
        $and: [
          { $or: [{ deadline: { $exists: false } }, { deadline: null }, { deadline: { $gt: new Date(now.getTime() - this.graceMs()) } }] },
          { $or: [{ [`${path}.seq`]: { $exists: false } }, { [`${path}.seq`]: { $lt: seq } }] },
        ],
      },
      { $set: { [path]: { r: value, seq, at: now } } },
    );
    if (updated.matchedCount === 1) return { saved: true, seq };
    const current = await this.Attempt.findById(attempt._id).lean();
    if (!current || current.state !== 'in_progress') throw QuizErrors.attemptClosed('This attempt is already submitted', { details: { state: current?.state } });
    if (current.deadline && current.deadline.getTime() + this.graceMs() < now.getTime()) throw QuizErrors.deadlinePassed('The time for this attempt is over', { details: { deadline: current.deadline } });
    const currentSeq = current.answers?.[slot]?.seq ?? 0;
    if (currentSeq === seq) return { saved: true, seq, duplicate: true };
    return { saved: false, stale: true, seq, currentSeq };
  }

  /**
   * Marks a question *ragu-ragu* (unsure) or clears the mark: a note for the learner's own grid and
   * summary page, never graded. One conditional update; setting the same value twice is harmless.
   */
  async setFlag(user: SessionUser, attemptId: string, slot: string, flagged: boolean): Promise<{ slot: string; flagged: boolean }> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw Errors.forbidden('Only the learner may flag questions');
    if (!attempt.slots.some((s) => s.slot === slot)) throw QuizErrors.unknownSlot(`No question ${slot} in this attempt`);
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

  /**
   * The grading job. Exactly once by unique keys, not by a conditional update (FerretDB/SQLite does
   * not make those atomic between processes; ADR 0018): the grade is a document whose `_id` is the
   * attempt id, so of two graders only one can insert it, and only the one that wins the
   * announcement claim writes the audit record and emits the event. Applying a stored grade to the
   * attempt is idempotent, so a grader killed half-way is simply run again.
   */
  async grade(attemptId: string): Promise<'graded' | 'skipped'> {
    const a = await this.Attempt.findById(attemptId).lean();
    if (!a || a.state === 'in_progress') return 'skipped';
    let grade = await this.Grade.findById(attemptId).lean();
    if (!grade) {
      if (a.state !== 'submitted') return 'skipped';
      await this.ctx.hooks.run(`${this.ctx.id}.attempt.grade`, { attemptId });
      const qs = await this.learning.questionsByIds(a.slots.map((s) => s.questionId));
      const results: SlotResult[] = a.slots.map((s) => {
        const q = qs.get(String(s.questionId));
        if (!q) return { slot: s.slot, score: 0, maxScore: s.mark, state: 'needs_manual', feedback: [] };
        const type = this.ctx.questionTypes.require(q.type);
        const saved = a.answers?.[s.slot]?.r;
        const parsed = saved === null || saved === undefined ? undefined : type.responseSchema.safeParse(saved);
        const g = type.grade(toQuestion(q), parsed?.success ? parsed.data : undefined, s.mark);
        return { slot: s.slot, score: g.score, maxScore: g.maxScore, state: g.state, feedback: g.feedback };
      });
      const score = Math.round(results.reduce((sum, r) => sum + r.score, 0) * 1e6) / 1e6;
      const quiz = await this.Quiz.findById(a.quizId).lean();
      const passed = a.maxScore > 0 ? (score / a.maxScore) * 100 >= (quiz?.passPercent ?? 0) : true;
      try {
        grade = (await this.Grade.create({ _id: attemptId, score, passed, results, gradedAt: this.ctx.clock.now() })).toObject();
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        grade = await this.Grade.findById(attemptId).lean();
        if (!grade) throw e;
      }
    }
    await this.Attempt.updateOne(
      { _id: a._id },
      { $set: { state: 'graded', results: grade.results, score: grade.score, passed: grade.passed, gradedAt: grade.gradedAt, gradeCount: 1 } },
    );
    if (!(await this.claim(`graded-${attemptId}`))) return 'skipped';
    const { score, passed } = grade;
    await this.ctx.audit.record({ action: 'activity-quiz:audit.graded', subject: { type: 'attempt', id: String(a._id) }, after: { score, maxScore: a.maxScore, passed } });
    if (passed) await this.learning.recordPass(String(a.userId), await this.learning.activityFor(this.ctx.id, String(a.quizId)), { sourceId: String(a._id), href: `/${this.ctx.id}/attempts/${a._id}/result` });
    await this.ctx.events.emit(`${this.ctx.id}.attempt.graded`, { attemptId: String(a._id), userId: String(a.userId), quizId: String(a.quizId), score, maxScore: a.maxScore, passed });
    return 'graded';
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
    const questions = await this.learnerQuestions(attempt);
    const qs = await this.learning.questionsByIds(attempt.slots.map((s) => s.questionId));
    const bySlot = new Map(attempt.results.map((r) => [r.slot, r]));
    return {
      attempt: { id: String(attempt._id), quizId: String(attempt.quizId), number: attempt.number, state: attempt.state, startedAt: attempt.startedAt, submittedAt: attempt.submittedAt, gradedAt: attempt.gradedAt, deadline: attempt.deadline },
      quiz: { id: String(quiz._id), title: quiz.title, courseId: String(quiz.courseId) },
      rights,
      score: rights.marks ? attempt.score ?? null : null,
      maxScore: attempt.maxScore,
      passed: rights.marks ? attempt.passed ?? null : null,
      questions: questions.map((q) => {
        const r = bySlot.get(q.slot);
        const doc = qs.get(String(attempt.slots.find((s) => s.slot === q.slot)!.questionId))!;
        const type = this.ctx.questionTypes.require(doc.type);
        return {
          slot: q.slot, number: q.number, type: q.type, partial: q.partial, name: q.name, stem: q.stem, view: q.view, response: q.response, mark: q.mark,
          score: rights.marks && r ? r.score : null,
          correct: rights.correctness && r ? (r.state === 'needs_manual' ? null : r.score >= r.maxScore - 1e-9) : null,
          feedback: rights.feedback && r ? [...r.feedback, ...(doc.generalFeedback ? [doc.generalFeedback] : [])] : [],
          rightAnswer: rights.rightAnswer ? type.correctResponse?.(toQuestion(doc)) ?? null : null,
        };
      }),
    };
  }
}
