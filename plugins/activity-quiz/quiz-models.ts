/**
 * Quizzes and attempts. An attempt freezes its slots (question version ids, marks, order) and its
 * seed at start, so a review or regrade shows what the learner saw. Answers live in one map keyed
 * by generated slot names (`s1`…, never user input) with the client's sequence number, so a save
 * is one atomic update that can say "only if newer and still open".
 */
import { Schema, type Types } from 'mongoose';
import { REVIEW_WHEN, type ReviewOptions } from '../../src/learning/review-policy';
import { attemptRecordFields, type AttemptRecord, type SlotResult } from '../../src/learning/attempts/attempt-record';

export { REVIEW_WHEN };

/** "A question from this bank (category, and below unless `recursive` is false) with every one of these tags." */
export interface RandomRule {
  bankId: Types.ObjectId;
  categoryId?: Types.ObjectId;
  recursive: boolean;
  tags: string[];
}

/** A quiz slot: one question version, or a random rule drawn per attempt (quiz-slots.ts). */
export interface QuizSlot {
  slot: string;
  questionId?: Types.ObjectId;
  mark: number;
  random?: RandomRule;
}

export interface QuizDoc {
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  title: string;
  intro: string;
  timeLimitMinutes?: number;
  closesAt?: Date;
  attemptsAllowed: number;
  shuffleQuestions: boolean;
  passPercent: number;
  review: ReviewOptions;
  slots: QuizSlot[];
  updatedAt: Date;
}

export type { SlotResult };

export const ATTEMPT_STATES = ['in_progress', 'submitted', 'needs_grading', 'graded'] as const;

/** The engine's record (slots, seed, answers, results, manual grades) plus the quiz's policy fields. */
export interface AttemptDoc extends AttemptRecord {
  quizId: Types.ObjectId;
  courseId: Types.ObjectId;
  userId: Types.ObjectId;
  number: number;
  /** `needs_grading`: an essay waits for a trainer's grade (the rest is graded). */
  state: (typeof ATTEMPT_STATES)[number];
  startedAt: Date;
  deadline?: Date;
  submittedAt?: Date;
  submittedBy?: 'learner' | 'deadline';
  gradedAt?: Date;
  score?: number;
  maxScore: number;
  passed?: boolean;
  /** Incremented by the one update that grades; a test proves it stays 1. */
  gradeCount: number;
  /** Set when the attempt becomes final, cleared once that is announced (pass, event): the recovery sweep finds one a dead job left between the two (ADR 0068). */
  announcePendingAt?: Date;
  announcedAt?: Date;
}

const review = { type: String, enum: REVIEW_WHEN, required: true };

export const quizSchema = new Schema<QuizDoc>(
  {
    courseId: { type: Schema.Types.ObjectId, required: true, index: true },
    title: { type: String, required: true },
    intro: { type: String, default: '' },
    timeLimitMinutes: Number,
    closesAt: Date,
    attemptsAllowed: { type: Number, default: 1 },
    shuffleQuestions: { type: Boolean, default: true },
    passPercent: { type: Number, default: 0 },
    review: { marks: review, correctness: review, feedback: review, rightAnswer: review },
    slots: {
      type: [{
        _id: false, slot: String, questionId: Schema.Types.ObjectId, mark: Number,
        random: { type: new Schema({ bankId: Schema.Types.ObjectId, categoryId: Schema.Types.ObjectId, recursive: Boolean, tags: [String] }, { _id: false }), default: undefined },
      }],
      default: [],
    },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export const attemptSchema = new Schema<AttemptDoc>(
  {
    quizId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    state: { type: String, enum: ATTEMPT_STATES, required: true },
    ...attemptRecordFields,
    startedAt: { type: Date, required: true },
    deadline: Date,
    submittedAt: Date,
    submittedBy: String,
    gradedAt: Date,
    score: Number,
    maxScore: { type: Number, required: true },
    passed: Boolean,
    gradeCount: { type: Number, default: 0 },
    announcePendingAt: Date,
    announcedAt: Date,
  },
  { versionKey: false, minimize: false },
);
// One attempt per number: two concurrent "start" clicks cannot create two attempts.
attemptSchema.index({ quizId: 1, userId: 1, number: 1 }, { unique: true });
attemptSchema.index({ userId: 1, state: 1 });
// The grade recovery sweep (ADR 0068): attempts submitted long ago, final grades never announced.
attemptSchema.index({ state: 1, submittedAt: 1 });
attemptSchema.index({ announcePendingAt: 1 });

/** One grade per attempt: `_id` is the attempt id, so a second grader cannot insert another. */
export interface GradeDoc {
  _id: string;
  score: number;
  passed: boolean;
  results: SlotResult[];
  gradedAt: Date;
}

export const gradeSchema = new Schema<GradeDoc>(
  {
    _id: { type: String, required: true },
    score: { type: Number, required: true },
    passed: { type: Boolean, required: true },
    results: attemptRecordFields.results,
    gradedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
