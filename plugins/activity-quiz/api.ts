/**
 * What other plugins may use of activity-quiz (ADR 0039), and the only file of it they may import
 * (a plugin that lists activity-quiz in `requires`). `ctx.use<QuizApi>('activity-quiz')` gives
 * `reads`: quizzes and their graded attempts as the attempt engine's rows for reports (the core's
 * `AttemptReads`), so no report reads the quiz's models or guesses at its documents.
 */
import type { AttemptReads } from '../../src/learning/attempts/attempt-reads';

/** Reads of quizzes for reports: the core's contract, `activity(quizId)` for the quiz's summary. */
export type QuizReads = AttemptReads;

/** What `ctx.use('activity-quiz')` offers other plugins. */
export interface QuizApi {
  reads: QuizReads;
}
