/**
 * What other plugins may use of activity-exam (ADR 0039), and the only file of it they may import
 * (a plugin that lists activity-exam in `requires`). `ctx.use<ExamApi>('activity-exam')` gives
 * `reads`: exams and their graded attempts as plain rows for reports, so no report reads the
 * exam's models or guesses at its documents.
 */
import type { SlotReadRow } from '../../src/learning/attempts/attempt-engine';

/** Which attempts a report covers: every graded attempt, or each participant's first. */
export type AttemptScope = 'all' | 'first';

export interface ExamSummary {
  id: string;
  title: string;
  courseId: string;
}

/**
 * One slot of a graded attempt (the attempt engine's report row): the blueprint position (`s1`,
 * the same slot in every attempt, even when drawn at random), its question, its mark, the graded
 * score (null without a result) and the response's class as its type names it (never the raw
 * response).
 */
export type GradedSlotRow = SlotReadRow;

export interface GradedAttemptRow {
  attemptId: string;
  userId: string;
  /** In the attempt's display order. */
  slots: GradedSlotRow[];
}

/** A question as a report names it: its name, its type, its options' texts (choice types) and a blind guess's expected score. */
export interface QuestionSummary {
  id: string;
  name: string;
  type: string;
  /** Option id → text, for the choice types whose learner view lists options; empty otherwise. */
  options: Array<{ id: string; text: string }>;
  /** Fraction of the mark a blind guess earns (the type's `randomGuessScore`); null when it cannot say. */
  randomGuessScore: number | null;
}

export interface ExamReads {
  /** The exam's summary; a coded 404 when there is none. The caller checks who may see it. */
  exam(examId: string): Promise<ExamSummary>;
  /** How many attempts of the exam are fully graded (attempts still waiting for a person are not). */
  countGradedAttempts(examId: string, scope: AttemptScope): Promise<number>;
  /** The fully graded attempts, oldest first. */
  gradedAttempts(examId: string, scope: AttemptScope): Promise<GradedAttemptRow[]>;
  /** The questions of these ids (versions), in no order; an unknown id is left out. */
  questions(questionIds: string[]): Promise<QuestionSummary[]>;
}

/** What `ctx.use('activity-exam')` offers other plugins. */
export interface ExamApi {
  reads: ExamReads;
}
