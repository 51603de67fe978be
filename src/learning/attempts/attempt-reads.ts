/**
 * The read API that reports use (issue 12): an activity built on the attempt engine (the exam, the
 * quiz) offers its finished attempts as the engine's report rows and its questions as summaries,
 * through its own `api.ts`. So no report reads another plugin's models or guesses at response
 * shapes, and one report (item analysis) serves every such activity the same way.
 */
import type { RegistryView } from '../../host/plugins/context';
import type { QuestionDoc } from '../learning-models';
import { toQuestion } from '../learning-service';
import type { QuestionType } from '../question-type';
import type { SlotReadRow } from './attempt-engine';

/** Which attempts a report covers: every graded attempt, or each participant's first. */
export type AttemptScope = 'all' | 'first';

/** The activity a report is about (an exam, a quiz), as its page names it. */
export interface ActivitySummary {
  id: string;
  title: string;
  courseId: string;
  /** Its page on this site, where a report links back to. */
  href: string;
}

/**
 * One finished attempt as the engine reports it. Each slot is a layout position (`s1`, the same
 * slot in every attempt, even when drawn at random) with its question, its mark, the graded score
 * (null without a result) and the response's class as its type names it (never the raw response).
 */
export interface GradedAttemptRow {
  attemptId: string;
  userId: string;
  /** In the attempt's display order. */
  slots: SlotReadRow[];
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

export interface AttemptReads {
  /** The activity's summary by its id (the exam's, the quiz's); a coded 404 when there is none. The caller checks who may see it. */
  activity(refId: string): Promise<ActivitySummary>;
  /** How many attempts are fully graded (attempts still waiting for a person are not). */
  countGradedAttempts(refId: string, scope: AttemptScope): Promise<number>;
  /** The fully graded attempts, oldest first. */
  gradedAttempts(refId: string, scope: AttemptScope): Promise<GradedAttemptRow[]>;
  /** The questions of these ids (versions), in no order; an unknown id is left out. */
  questions(questionIds: string[]): Promise<QuestionSummary[]>;
}

/**
 * Question versions as reports name them. A choice type's options come from its learner view
 * (texts, never keys), so no report knows a type's data shape.
 */
export function questionSummaries(types: Pick<RegistryView<QuestionType<any, any>>, 'get'>, docs: Iterable<QuestionDoc>): QuestionSummary[] {
  return [...docs].map((doc) => {
    const type = types.get(doc.type);
    const question = toQuestion(doc);
    const view = type ? (type.toLearnerView(question, 0).view as { options?: Array<{ id?: unknown; text?: unknown }> }) : {};
    const options = (view.options ?? []).flatMap((o) => (typeof o.id === 'string' && typeof o.text === 'string' ? [{ id: o.id, text: o.text }] : []));
    return { id: String(doc._id), name: doc.name, type: doc.type, options, randomGuessScore: type?.randomGuessScore?.(question) ?? null };
  });
}
