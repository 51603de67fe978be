/**
 * The contract every question-type plugin implements (ARCHITECTURE.md, "The plugin contract").
 *
 * A question type is plain data plus pure functions: the core does all I/O. The invariant this
 * file protects: `toLearnerView` is the only shape of a question that may leave the server while
 * an attempt is open, so it must never contain an answer key, a fraction, a weight or feedback.
 */
import type { z } from 'zod';
import type { NeutralQuestion } from './interchange/neutral-question';

/** Text with its authoring format (GIFT/Moodle formats). Rendering happens in views, never here. */
export type TextFormat = 'moodle' | 'html' | 'markdown' | 'plain';

/** Fields every stored question version has, whatever its type. */
export interface QuestionCommon {
  /** Question type id, e.g. `multichoice` (the plugin id without `question-`). */
  type: string;
  name: string;
  stem: string;
  stemFormat: TextFormat;
  /** Shown to the learner after grading when the review options allow it. */
  generalFeedback?: string;
  /** Default mark of the question; a quiz slot may override it. */
  defaultMark: number;
}

/** A stored question: the common fields plus the type's own authored data. */
export interface Question<TData = unknown> extends QuestionCommon {
  data: TData;
}

/** The outcome of grading one response. `score` is in marks, between `-maxScore` and `maxScore`. */
export interface GradeResult {
  score: number;
  maxScore: number;
  /**
   * `graded`: final. `needs_manual`: the type cannot grade automatically (essay);
   * score is 0 until a person grades it. `blank`: no answer given (score 0).
   */
  state: 'graded' | 'needs_manual' | 'blank';
  /** i18n-free feedback texts as authored; the view decides what to show. */
  feedback: string[];
  /** Per-part correctness for review pages, keyed by an id the type defines (option id, pair id…). */
  parts?: Array<{ id: string; correct: boolean | null }>;
}

/** Criteria with levels worth points (Moodle's rubric); `gradeWithRubric` scores one level per criterion. */
export interface Rubric {
  criteria: Array<{ id: string; description: string; levels: Array<{ id: string; label: string; points: number }> }>;
}

/** What a learner may see of a question during an attempt. No keys, no fractions, no feedback. */
export interface LearnerView {
  type: string;
  name: string;
  stem: string;
  stemFormat: TextFormat;
  /** Type-specific, key-free payload (e.g. shuffled options with ids and texts only). */
  view: Record<string, unknown>;
}

/**
 * A question type. `grade` and `toLearnerView` are pure and deterministic: the same inputs give
 * the same outputs, so a regrade or a review shows exactly what the learner saw.
 */
export interface QuestionType<TData = unknown, TResponse = unknown> {
  /** e.g. `multichoice`; the owning plugin is `question-<id>`. */
  id: string;
  /** Schema of the authored data (`Question.data`). */
  dataSchema: z.ZodType<TData>;
  /** Schema of one learner response. Invalid responses are rejected at save time with a 400. */
  responseSchema: z.ZodType<TResponse>;
  /** Whether `grade` can give a final score without a person (false for essay). */
  autoGraded: boolean;
  /**
   * False for a type that carries no mark and takes no answer worth scoring (a description between
   * questions, a Likert item of a questionnaire): new questions of it default to mark 0, and
   * reports show it with null statistics. Absent means true.
   */
  scored?: boolean;
  /** Grades one response. `response` undefined means blank. `maxScore` is the slot's mark. */
  grade(question: Question<TData>, response: TResponse | undefined, maxScore: number): GradeResult;
  /** Strips every key; `seed` drives option shuffling so the same seed gives the same order. */
  toLearnerView(question: Question<TData>, seed: number): LearnerView;
  /** A response that makes the question fully correct, for previews and tests (undefined for essay). */
  correctResponse?(question: Question<TData>): TResponse | undefined;
  /**
   * What a blind guess would score, as a fraction of the mark (0–1), for item analysis (Moodle's
   * `get_random_guess_score`); null or absent when it cannot be estimated (essays, free text).
   */
  randomGuessScore?(question: Question<TData>): number | null;
  /**
   * Turns the HTML form fields of one question (named `<prefix>` and `<prefix>_<subId>`, as the
   * type's `input` partial writes them) into a response; undefined means blank. Used by the
   * no-JavaScript form and by autosave, so both save exactly what the type would grade.
   */
  fromForm?(fields: Record<string, string | string[] | undefined>, prefix: string): TResponse | undefined;
  /**
   * The inverse of `fromForm` for the type's `input` partial: the values beside `response` that the
   * partial reads to show a saved response in the form (matching: `matchMap`, choice per
   * sub-question). Absent means the partial reads `response` alone. Keys only the partial knows.
   */
  toFormView?(response: TResponse | null): Record<string, unknown>;
  /**
   * An answer-free class of one response for the response distribution of item analysis: the
   * option ids chosen (`a+c`), `true`/`false`, the number given; null for no answer. Two responses
   * in the same class count as one row. Absent means every answer is `answered`.
   */
  classifyResponse?(response: TResponse): string | null;
  /** The rubric a grader scores a manual answer with (essay), for the grading form; undefined for points. */
  rubricOf?(question: Question<TData>): Rubric | undefined;
  /**
   * Manual grading with the question's rubric (essay): `selections` maps criterion id → level id.
   * An invalid selection throws a 400 BinaError whose details name `rubric.<criterionId>`.
   */
  gradeWithRubric?(question: Question<TData>, selections: Readonly<Record<string, string>>, maxScore: number): { score: number };
  /**
   * The trainer's authoring form. The type's partial `question-<id>/edit` writes its own fields
   * into the question form (plain names; repeated rows as repeated names, i.e. parallel arrays;
   * the common names `name`, `stem`, `stemFormat`, `generalFeedback`, `defaultMark`, `categoryId`,
   * `tags`, `difficulty`, `competency`, `level`, `type`, `action` and `_csrf` are the core's).
   * `fromFields` turns the posted fields into authored data; it never throws and may return data
   * that `dataSchema` then rejects (the form is shown again with the errors), and it generates ids
   * for new rows. `toFields` is its inverse: the fields that show `data` in the form, so that
   * `fromFields(toFields(d))` equals `d`.
   */
  editForm?: {
    fromFields(fields: Record<string, string | string[] | undefined>): unknown;
    toFields(data: TData): Record<string, string | string[]>;
  };
  /**
   * Mapping to and from the neutral interchange schema (GIFT, Aiken, Moodle XML importers and
   * exporters read and write only that schema). `fromNeutral` may throw; the importer reports the
   * message against the question's line, so nothing is dropped silently.
   */
  interchange?: {
    neutralTypes: ReadonlyArray<NeutralQuestion['type']>;
    fromNeutral(item: NeutralQuestion): TData;
    toNeutral(question: Question<TData>): NeutralQuestion;
  };
}

/** A new question's mark when none is given: 1, or 0 for a type that carries no mark (`scored: false`). */
export function defaultMarkOf(type: Pick<QuestionType, 'scored'> | undefined): number {
  return type?.scored === false ? 0 : 1;
}


