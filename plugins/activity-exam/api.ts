/**
 * What other plugins may use of activity-exam (ADR 0039), and the only file of it they may import
 * (a plugin that lists activity-exam in `requires`). `ctx.use<ExamApi>('activity-exam')` gives
 * `reads`: exams and their graded attempts as the attempt engine's rows for reports (the core's
 * `AttemptReads`), so no report reads the exam's models or guesses at its documents.
 */
import type { AttemptReads } from '../../src/learning/attempts/attempt-reads';

/** Reads of exams for reports: the core's contract, `activity(examId)` for the exam's summary. */
export type ExamReads = AttemptReads;

/** What `ctx.use('activity-exam')` offers other plugins. */
export interface ExamApi {
  reads: ExamReads;
}
