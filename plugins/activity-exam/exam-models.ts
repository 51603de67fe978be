/**
 * Exams, attempts, accommodations, the integrity log and regrade runs. An attempt freezes at start
 * what the learner gets: its slots (section, question version, mark) in display order, its seed,
 * its deadline. Answers live in one map keyed by generated slot names (`s1`…, never user input)
 * with the client's sequence number, so a save is one conditional update ("only if newer, still
 * open, before the deadline"). Arrays hold objects only (FerretDB has no nested arrays).
 */
import { Schema, type Types } from 'mongoose';
import { REVIEW_WHEN, type ReviewOptions } from '../../src/learning/review-policy';
import type { ManualGrade, SavedAnswer } from '../../src/learning/attempts/attempt-record';

export { REVIEW_WHEN };
export const GRADING_METHODS = ['highest', 'first', 'last'] as const;
export type GradingMethod = (typeof GRADING_METHODS)[number];
export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

export interface PassRule {
  mode: 'points' | 'percent';
  value: number;
}

export interface SectionDraw {
  count: number;
  /** Mark of each drawn question; undefined = the question's default mark. */
  mark?: number;
  /** Without a bank, the draw is over the course's own questions. */
  bankId?: Types.ObjectId;
  categoryIds: Types.ObjectId[];
  tags: string[];
  competencyCode?: string;
  competencyLevel?: number;
  difficulty?: (typeof DIFFICULTIES)[number];
}

export interface SectionDoc {
  /** Short stable key (`twk`), used in results and pass rules. */
  key: string;
  title: string;
  timeLimitMinutes?: number;
  shuffle: boolean;
  draw?: SectionDraw;
  fixed: Array<{ questionId: Types.ObjectId; mark: number }>;
  pass?: PassRule;
}

export interface ExamDoc {
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  title: string;
  intro: string;
  opensAt?: Date;
  closesAt?: Date;
  timeLimitMinutes?: number;
  attemptsAllowed: number;
  grading: GradingMethod;
  navigation: 'free' | 'sequential';
  sections: SectionDoc[];
  pass?: PassRule;
  review: ReviewOptions;
  board: { identity: 'names' | 'masked_nip'; public: boolean; token: string };
  access: Array<{ rule: string; settings: unknown }>;
  updatedAt: Date;
}

/** The engine's saved answer; `p` (provisional score) only while a live board watches the exam. */
export type { SavedAnswer };

export interface SlotResult {
  slot: string;
  section: string;
  score: number;
  maxScore: number;
  state: 'graded' | 'needs_manual' | 'blank';
  feedback: string[];
  /** True when the score came from a person (manual grading). */
  manual?: boolean;
}

export interface SectionScore {
  key: string;
  score: number;
  maxScore: number;
  passed: boolean;
}

export type { ManualGrade };

export type AttemptState = 'in_progress' | 'submitted' | 'needs_grading' | 'graded';

/**
 * One question of an attempt. Deliberately small (an attempt holds 100+ of them, and on FerretDB
 * 1.x every `_id` lookup and conditional update reads every attempt document of the collection):
 * the question's `qid` and texts come from the question cache by `questionId`.
 */
export interface AttemptSlot {
  slot: string;
  section: string;
  questionId: Types.ObjectId;
  mark: number;
  /** The question's type id, so a save parses the answer without the question (attempts since ADR 0053). */
  type?: string;
}

export interface ExamAttemptDoc {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  courseId: Types.ObjectId;
  userId: Types.ObjectId;
  number: number;
  state: AttemptState;
  seed: number;
  /** In display order; slot names follow the blueprint (stable across attempts, for item analysis). */
  slots: AttemptSlot[];
  answers: Record<string, SavedAnswer>;
  /** Slots the learner marked *ragu-ragu* (unsure), keyed like `answers`; false or absent = not flagged. */
  flags?: Record<string, boolean>;
  startedAt: Date;
  deadline?: Date;
  /** Sequential navigation: the lowest display index that may still be answered. */
  cursor: number;
  /** Timed sections: the section being taken and when its time ends. */
  sectionIndex: number;
  sectionDeadline?: Date;
  /** The browser session holding the attempt (single-session rule) and where it was last seen. */
  session?: { id: string; at: Date };
  /** Exam-session ids the server issued for this attempt (start, allowed resumes): the browsers let in. */
  devices?: string[];
  client: { ip: string; sessionId: string };
  submittedAt?: Date;
  submittedBy?: 'learner' | 'deadline';
  gradedAt?: Date;
  score?: number;
  maxScore: number;
  passed?: boolean;
  results: SlotResult[];
  sections: SectionScore[];
  manual: Record<string, ManualGrade>;
  gradeCount: number;
  /** When the grade job finished telling others (audit, events, certificates): a job that died before it runs that part again (ADR 0061). */
  announcedAt?: Date;
  /** Set with the grade, cleared once it is announced: the recovery sweep finds an attempt a dead job left between the two (ADR 0068). */
  announcePendingAt?: Date;
  regradeRuns: string[];
  /** Set at start when the close time cuts the time limit short (the learner was told). */
  warning?: { key: string; availableMinutes: number; limitMinutes: number; closesAt: Date };
}

export interface AccommodationDoc {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  userId: Types.ObjectId;
  extraMinutes: number;
  opensAt?: Date;
  closesAt?: Date;
  extraAttempts: number;
  reason: string;
  by: Types.ObjectId;
  at: Date;
}

export const INTEGRITY_KINDS = ['focus_lost', 'fullscreen_exit', 'visibility_hidden', 'ip_change', 'device_change', 'resume', 'takeover'] as const;
export type IntegrityKind = (typeof INTEGRITY_KINDS)[number];

export interface IntegrityDoc {
  _id: Types.ObjectId;
  attemptId: Types.ObjectId;
  examId: Types.ObjectId;
  userId: Types.ObjectId;
  kind: IntegrityKind;
  at: Date;
  clientAt?: Date;
  ip: string;
  details?: Record<string, unknown>;
}

export interface RegradeRunDoc {
  _id: Types.ObjectId;
  examId: Types.ObjectId;
  qids: string[];
  toLatest: boolean;
  state: 'queued' | 'running' | 'done';
  requestedBy: Types.ObjectId;
  at: Date;
  finishedAt?: Date;
  affected: number;
  changed: number;
}

export interface RegradeRowDoc {
  _id: Types.ObjectId;
  runId: Types.ObjectId;
  examId: Types.ObjectId;
  attemptId: Types.ObjectId;
  userId: Types.ObjectId;
  before: { score: number | null; passed: boolean | null; sections: SectionScore[] };
  after: { score: number | null; passed: boolean | null; sections: SectionScore[] };
  changed: boolean;
  notified: boolean;
  at: Date;
}

const review = { type: String, enum: REVIEW_WHEN, required: true };
const passRule = { type: new Schema({ mode: { type: String, enum: ['points', 'percent'] }, value: Number }, { _id: false }) };
const sectionScore = { _id: false, key: String, score: Number, maxScore: Number, passed: Boolean };

export const examSchema = new Schema<ExamDoc>(
  {
    courseId: { type: Schema.Types.ObjectId, required: true, index: true },
    title: { type: String, required: true },
    intro: { type: String, default: '' },
    opensAt: Date,
    closesAt: Date,
    timeLimitMinutes: Number,
    attemptsAllowed: { type: Number, default: 1 },
    grading: { type: String, enum: GRADING_METHODS, default: 'highest' },
    navigation: { type: String, enum: ['free', 'sequential'], default: 'free' },
    sections: {
      type: [
        {
          _id: false,
          key: String,
          title: String,
          timeLimitMinutes: Number,
          shuffle: Boolean,
          draw: {
            type: new Schema(
              {
                count: Number, mark: Number, bankId: Schema.Types.ObjectId, categoryIds: [Schema.Types.ObjectId], tags: [String],
                competencyCode: String, competencyLevel: Number, difficulty: String,
              },
              { _id: false },
            ),
          },
          fixed: [{ _id: false, questionId: Schema.Types.ObjectId, mark: Number }],
          pass: passRule,
        },
      ],
      default: [],
    },
    pass: passRule,
    review: { marks: review, correctness: review, feedback: review, rightAnswer: review },
    board: { identity: { type: String, enum: ['names', 'masked_nip'], default: 'masked_nip' }, public: { type: Boolean, default: false }, token: { type: String, required: true } },
    access: { type: [{ _id: false, rule: String, settings: Schema.Types.Mixed }], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
examSchema.index({ 'board.token': 1 });

export const examAttemptSchema = new Schema<ExamAttemptDoc>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    courseId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    state: { type: String, enum: ['in_progress', 'submitted', 'needs_grading', 'graded'], required: true },
    seed: { type: Number, required: true },
    slots: { type: [{ _id: false, slot: String, section: String, questionId: Schema.Types.ObjectId, mark: Number, type: { type: String } }], required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    flags: { type: Schema.Types.Mixed, default: undefined },
    startedAt: { type: Date, required: true },
    deadline: Date,
    cursor: { type: Number, default: 0 },
    sectionIndex: { type: Number, default: 0 },
    sectionDeadline: Date,
    session: { type: new Schema({ id: String, at: Date }, { _id: false }) },
    devices: { type: [String], default: undefined },
    client: { ip: String, sessionId: String },
    submittedAt: Date,
    submittedBy: String,
    gradedAt: Date,
    score: Number,
    maxScore: { type: Number, required: true },
    passed: Boolean,
    results: { type: [{ _id: false, slot: String, section: String, score: Number, maxScore: Number, state: String, feedback: [String], manual: Boolean }], default: [] },
    sections: { type: [sectionScore], default: [] },
    manual: { type: Schema.Types.Mixed, default: {} },
    gradeCount: { type: Number, default: 0 },
    announcedAt: Date,
    announcePendingAt: Date,
    regradeRuns: { type: [String], default: [] },
    warning: Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false },
);
// One attempt per number: 500 concurrent "start" clicks of one learner cannot create two attempts.
// The exam start relies on it: it inserts attempt 1 straight away and reads only when that fails.
examAttemptSchema.index({ examId: 1, userId: 1, number: 1 }, { unique: true });
examAttemptSchema.index({ examId: 1, state: 1 });
examAttemptSchema.index({ userId: 1, state: 1 });
// The grade recovery sweep (ADR 0068): attempts submitted long ago, grades never announced.
examAttemptSchema.index({ state: 1, submittedAt: 1 });
examAttemptSchema.index({ announcePendingAt: 1 });

export const accommodationSchema = new Schema<AccommodationDoc>(
  {
    examId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    extraMinutes: { type: Number, default: 0 },
    opensAt: Date,
    closesAt: Date,
    extraAttempts: { type: Number, default: 0 },
    reason: { type: String, default: '' },
    by: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
accommodationSchema.index({ examId: 1, userId: 1 }, { unique: true });

export const integritySchema = new Schema<IntegrityDoc>(
  {
    attemptId: { type: Schema.Types.ObjectId, required: true },
    examId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: INTEGRITY_KINDS, required: true },
    at: { type: Date, required: true },
    clientAt: Date,
    ip: { type: String, default: '' },
    details: Schema.Types.Mixed,
  },
  { versionKey: false },
);
integritySchema.index({ attemptId: 1, at: 1 });

export const regradeRunSchema = new Schema<RegradeRunDoc>(
  {
    examId: { type: Schema.Types.ObjectId, required: true, index: true },
    qids: { type: [String], default: [] },
    toLatest: { type: Boolean, default: true },
    state: { type: String, enum: ['queued', 'running', 'done'], required: true },
    requestedBy: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    finishedAt: Date,
    affected: { type: Number, default: 0 },
    changed: { type: Number, default: 0 },
  },
  { versionKey: false },
);

const scoreSnapshot = { score: Number, passed: Boolean, sections: [sectionScore] };
export const regradeRowSchema = new Schema<RegradeRowDoc>(
  {
    runId: { type: Schema.Types.ObjectId, required: true },
    examId: { type: Schema.Types.ObjectId, required: true },
    attemptId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    before: scoreSnapshot,
    after: scoreSnapshot,
    changed: Boolean,
    notified: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// Exactly one before/after row per attempt and run, however often the job runs.
regradeRowSchema.index({ runId: 1, attemptId: 1 }, { unique: true });

