/**
 * The attempt engine (issue 12; ADR 0037): one service for "an attempt at a layout of questions",
 * used by every activity that asks questions (activity-quiz, activity-exam, questionnaires).
 * Activities keep their policy (who may start, deadlines, sections, draws, pass rules, boards);
 * the engine owns what is the same everywhere:
 *
 * - the questions of an attempt as the learner sees them (keys stripped, options shuffled by the
 *   attempt's seed) with the values their input partial needs (`toFormView`);
 * - form fields → response through the question type (`fromForm`), and response validation;
 * - the sequence-guarded save: one conditional update of one answer ("only if newer, and only if
 *   the activity's conditions hold"), idempotent for a repeated (slot, seq);
 * - grading through the question types, with the manual grades that are in (points or rubric);
 * - the review, as the one review policy (review-policy.ts) allows;
 * - the read API for reports (`reads`), with responses classified by their type, so no report
 *   reads an activity's attempt documents.
 *
 * The engine never names a question type: what differs per type comes through the type's hooks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { Errors, defineError } from '../../kernel/errors';
import type { RegistryView } from '../../host/plugins/context';
import type { QuestionDoc } from '../learning-models';
import { toQuestion } from '../learning-service';
import type { QuestionType } from '../question-type';
import type { ReviewRights } from '../review-policy';
import { deriveSeed } from '../seeded-shuffle';
import type { AttemptRecord, AttemptSlot, ManualGrade, SavedAnswer, SlotResult } from './attempt-record';
import { formResponse, parseAnswer, type FormFields } from './answer-log';
import { gradeSlots } from './answer-sheet';

export const AttemptErrors = {
  unknownSlot: defineError('BINA_ERR_ATTEMPT_UNKNOWN_SLOT', 404, 'attempts.errors.unknownSlot'),
  notManual: defineError('BINA_ERR_ATTEMPT_NOT_MANUAL', 409, 'attempts.errors.notManual'),
};

export type { FormFields };

export type SaveOutcome =
  | { saved: true; seq: number; duplicate?: false }
  | { saved: true; seq: number; duplicate: true }
  | { saved: false; stale: true; seq: number; currentSeq: number }
  /** The activity's conditions refused the save; the caller reads why (closed, late, locked). */
  | { saved: false; refused: true; seq: number };

/** One slot as the learner sees it: no keys, options in the attempt's order, the saved response. */
export interface LearnerQuestion {
  slot: string;
  number: number;
  section?: string;
  mark: number;
  /** The type's input partial (`question-<type>/input`). */
  partial: string;
  type: string;
  name: string;
  stem: string;
  stemFormat: string;
  view: Record<string, unknown>;
  response: unknown;
  seq: number;
  /** False for a slot that takes no answer worth a mark (a description). */
  scored: boolean;
  /** The learner marked it *ragu-ragu* (unsure). */
  flagged: boolean;
  [formValue: string]: unknown;
}

export interface ReviewQuestion extends LearnerQuestion {
  score: number | null;
  correct: boolean | null;
  feedback: string[];
  rightAnswer: unknown;
  /** What the type's input partial reads to show `rightAnswer` (its `toFormView`); null without one. */
  rightAnswerForm: Record<string, unknown> | null;
  /** The trainer's view: this answer waits for a person's grade. */
  needsManual: boolean;
}

/** A row of the read API: one slot of one finished attempt. */
export interface SlotReadRow {
  slot: string;
  questionId: string;
  mark: number;
  score: number | null;
  /** The response's class as its type names it (`a+c`, `true`, `answered`); null when unanswered. */
  responseClass: string | null;
  scored: boolean;
}

export interface AttemptReadRow {
  attemptId: string;
  /** Null for an anonymous questionnaire. */
  userId: string | null;
  slots: SlotReadRow[];
}

const levelId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
/** A person's grade of one answer over the API: points, or one level per rubric criterion; a comment. */
export const manualGradeInput = z
  .strictObject({
    score: z.number().min(0).max(1000).optional(),
    rubric: z.record(levelId, levelId).optional(),
    comment: z.string().max(20_000).default(''),
  })
  .refine((v) => (v.score === undefined) !== (v.rubric === undefined), 'give either score or rubric');
export type ManualGradeInput = z.infer<typeof manualGradeInput>;

type AnyType = QuestionType<unknown, unknown>;

export interface EngineDeps {
  types: Pick<RegistryView<QuestionType<any, any>>, 'require'>;
  /** Question versions by id (immutable, so a cache may answer: question-cache.ts). */
  questions(ids: ReadonlyArray<string | Types.ObjectId>): Promise<Map<string, QuestionDoc>>;
  now(): Date;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The conditional writes the engine makes to an attempt. Mongoose cannot check a filter against
 * a model of a type parameter (`Model<A>`), so the engine writes through this view of the model,
 * which it is assignable to, instead of casting each filter.
 */
interface AttemptWrites {
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): PromiseLike<{ matchedCount: number }>;
}

/** How long a manual grade waits for the attempt's announcement in flight (`gradeManually`). */
export const MANUAL_GRADE_WAIT_MS = 10_000;

export class AttemptEngine<A extends AttemptRecord> {
  private readonly writes: AttemptWrites;

  constructor(
    private deps: EngineDeps,
    readonly Attempt: Model<A>,
  ) {
    this.writes = Attempt;
  }

  type(id: string): AnyType {
    return this.deps.types.require(id) as AnyType;
  }

  /** The answers of an attempt (one place to read them, whatever stores them). */
  answersOf(attempt: Pick<A, 'answers'>): Record<string, SavedAnswer> {
    return attempt.answers ?? {};
  }

  /** One slot with its question and type; a coded 404 for a slot the attempt does not have. */
  async slotQuestion(attempt: Pick<A, 'slots'>, slot: string): Promise<{ index: number; slot: AttemptSlot; question: QuestionDoc; type: AnyType }> {
    const index = attempt.slots.findIndex((s) => s.slot === slot);
    if (index < 0) throw AttemptErrors.unknownSlot(`No question ${slot} in this attempt`);
    const s = attempt.slots[index]!;
    const question = (await this.deps.questions([s.questionId])).get(String(s.questionId));
    if (!question) throw Errors.notFound('Question not found');
    return { index, slot: s, question, type: this.type(question.type) };
  }

  /** The questions as the learner sees them, in the attempt's order, with their saved responses. */
  async learnerQuestions(attempt: Pick<A, 'slots' | 'seed' | 'answers' | 'flags'>): Promise<LearnerQuestion[]> {
    const qs = await this.deps.questions(attempt.slots.map((s) => s.questionId));
    const answers = this.answersOf(attempt);
    return attempt.slots.map((s, i) => {
      const q = qs.get(String(s.questionId))!;
      const type = this.type(q.type);
      const lv = type.toLearnerView(toQuestion(q), deriveSeed(attempt.seed, s.slot));
      const saved = answers[s.slot];
      const response = saved?.r ?? null;
      return {
        slot: s.slot, number: i + 1, ...(s.section !== undefined ? { section: s.section } : {}), mark: s.mark, partial: `question-${q.type}/input`,
        ...lv, response, seq: saved?.seq ?? 0, scored: type.scored !== false, flagged: attempt.flags?.[s.slot] === true, ...this.formView(type, response),
      };
    });
  }

  /** The values a type's input partial reads to show `response` (matching's `matchMap`…). */
  formView(type: AnyType, response: unknown): Record<string, unknown> {
    return type.toFormView ? type.toFormView(response ?? null) : {};
  }

  /** A response from the form fields of one slot (`q_<slot>`, `q_<slot>_<id>`); undefined means blank. */
  responseFromForm(type: AnyType, slot: string, fields: FormFields): unknown {
    return formResponse(type, slot, fields);
  }

  /** The response as its type reads it (null for blank), or a 400 that says why not. */
  parse(type: AnyType, response: unknown): unknown {
    return parseAnswer(type, response);
  }

  /**
   * Saves one answer in one conditional update. `conditions` are the activity's ("still open,
   * before the deadline, in the current section"); `also` is what the activity sets in the same
   * update (a sequential cursor). `value` must have come through `parse`. Idempotent: the same
   * (slot, seq) twice is one answer, an older seq after a newer one is ignored. When the update
   * matches nothing, one read tells a duplicate and a stale save from a refusal; the caller
   * explains a refusal with the `current` attempt it is given.
   */
  async save(
    attempt: Pick<A, '_id'>,
    slot: string,
    value: unknown,
    seq: number,
    options: { conditions?: Record<string, unknown>[]; also?: Record<string, unknown>; extra?: Partial<SavedAnswer> } = {},
  ): Promise<{ outcome: SaveOutcome; at: Date; current?: A }> {
    const at = this.deps.now();
    const path = `answers.${slot}`;
    const and = [...(options.conditions ?? []), { $or: [{ [`${path}.seq`]: { $exists: false } }, { [`${path}.seq`]: { $lt: seq } }] }];
    // updateOne, not findOneAndUpdate: FerretDB 1.x cannot project findAndModify results, and we need none.
    const r = await this.writes.updateOne({ _id: attempt._id, $and: and }, { $set: { [path]: { r: value, seq, at, ...options.extra } }, ...(options.also ?? {}) });
    if (r.matchedCount === 1) return { outcome: { saved: true, seq }, at };
    const current = ((await this.Attempt.findById(attempt._id).lean()) ?? undefined) as A | undefined;
    const currentSeq = current ? (this.answersOf(current)[slot]?.seq ?? 0) : 0;
    if (current && currentSeq === seq) return { outcome: { saved: true, seq, duplicate: true }, at, current };
    if (current && currentSeq > seq) return { outcome: { saved: false, stale: true, seq, currentSeq }, at, current };
    return { outcome: { saved: false, refused: true, seq }, at, current };
  }

  /** Per-slot results from the answers through the question types, with the manual grades that are in. */
  grade(attempt: Pick<A, 'slots' | 'answers' | 'manual'>): Promise<SlotResult[]> {
    return gradeSlots(this.deps, attempt);
  }

  /** The provisional score of one parsed response (a live board's figure; the grade job's counts). */
  provisional(type: AnyType, question: QuestionDoc, value: unknown, mark: number): number {
    if (value === null || value === undefined) return 0;
    const g = type.grade(toQuestion(question), value, mark);
    return g.state === 'graded' ? g.score : 0;
  }

  /** Slots whose answer waits for a person (needs_manual, no manual grade yet). */
  pendingManual(results: ReadonlyArray<SlotResult>): string[] {
    return results.filter((r) => r.state === 'needs_manual').map((r) => r.slot);
  }

  /** What a grader sees of one answer: the question, the response, the rubric if any, and the grade so far. */
  async manualView(attempt: Pick<A, 'slots' | 'answers' | 'manual'>, slot: string) {
    const { slot: s, question, type } = await this.slotQuestion(attempt, slot);
    if (type.autoGraded) throw AttemptErrors.notManual('This question is graded automatically', { details: { type: question.type } });
    const rubric = type.rubricOf?.(toQuestion(question)) ?? null;
    const grade = attempt.manual?.[slot] ?? null;
    const response = this.answersOf(attempt)[slot]?.r ?? null;
    return {
      slot, mark: s.mark, question: { id: String(question._id), name: question.name, stem: question.stem, type: question.type },
      response, responseText: typeof (response as { text?: unknown } | null)?.text === 'string' ? (response as { text: string }).text : '',
      grade: grade ? { score: grade.score, comment: grade.comment, rubric: grade.rubric ?? null, at: grade.at } : null,
      criteria: rubric ? rubric.criteria.map((c) => ({ ...c, levels: c.levels.map((l) => ({ ...l, checked: grade?.rubric?.[c.id] === l.id })) })) : null,
    };
  }

  /**
   * Records a person's grade of one answer, if the attempt is in one of `states`: points up to the
   * slot's mark, or one rubric level per criterion (the type's `gradeWithRubric` scores it).
   * Returns the grade and the one it replaced (for the audit).
   *
   * Never while the attempt's grade is being announced (`announcePendingAt` set, ADR 0068): the
   * announcement ends with an update of this same document, and FerretDB 1.x applies two updates
   * of one document as read-modify-write, so a grade written meanwhile could be dropped by it
   * (ADR 0069). The precondition orders them: this update can match only once that write is in.
   * It waits up to `MANUAL_GRADE_WAIT_MS` for the announcement (usually well under a second);
   * an announcement that failed and waits for the recovery sweep answers `changed: false`.
   */
  async gradeManually(attempt: Pick<A, '_id' | 'slots' | 'manual'>, slot: string, input: ManualGradeInput, by: string, states: string[]): Promise<{ grade: ManualGrade; before: ManualGrade | null; changed: boolean }> {
    const { slot: s, question, type } = await this.slotQuestion(attempt, slot);
    if (type.autoGraded) throw AttemptErrors.notManual('This question is graded automatically', { details: { type: question.type } });
    let score: number;
    if (input.rubric) {
      if (!type.gradeWithRubric || !type.rubricOf?.(toQuestion(question))) throw Errors.validation('This question has no rubric', { details: [{ path: 'rubric', message: `${question.type} is graded by points` }] });
      score = type.gradeWithRubric(toQuestion(question), input.rubric, s.mark).score;
    } else {
      score = input.score ?? NaN;
      if (!Number.isFinite(score) || score < 0) throw Errors.validation('A score is required', { details: [{ path: 'score', message: 'required' }] });
      if (score > s.mark) throw Errors.validation('Score above the question\'s mark', { details: [{ path: 'score', message: `at most ${s.mark}` }] });
    }
    const before = attempt.manual?.[slot] ?? null;
    const grade: ManualGrade = { score: round6(score), comment: input.comment, ...(input.rubric ? { rubric: input.rubric } : {}), by: new Types.ObjectId(by), at: this.deps.now() };
    const started = Date.now();
    for (;;) {
      const r = await this.writes.updateOne({ _id: attempt._id, state: { $in: states }, announcePendingAt: { $exists: false } }, { $set: { [`manual.${slot}`]: grade } });
      if (r.matchedCount === 1) return { grade, before, changed: true };
      const now = await this.Attempt.findById(attempt._id, { state: 1, announcePendingAt: 1 }).lean<{ state: string; announcePendingAt?: Date }>();
      if (!now || !states.includes(now.state) || Date.now() - started >= MANUAL_GRADE_WAIT_MS) return { grade, before, changed: false };
      if (now.announcePendingAt) await sleep(100);
    }
  }

  /** The review questions: each figure only as far as `rights` allow; keys only with `rightAnswer`. */
  async review(attempt: Pick<A, 'slots' | 'seed' | 'answers' | 'manual' | 'results' | 'flags'>, rights: ReviewRights, asTrainer: boolean): Promise<ReviewQuestion[]> {
    const questions = await this.learnerQuestions(attempt);
    const qs = await this.deps.questions(attempt.slots.map((s) => s.questionId));
    const bySlot = new Map(attempt.results.map((r) => [r.slot, r]));
    return questions.map((q, i) => {
      const r = bySlot.get(q.slot);
      const doc = qs.get(String(attempt.slots[i]!.questionId))!;
      const type = this.type(doc.type);
      const comment = attempt.manual?.[q.slot]?.comment;
      const rightAnswer = rights.rightAnswer ? (type.correctResponse?.(toQuestion(doc)) ?? null) : null;
      return {
        ...q,
        score: rights.marks && r ? r.score : null,
        correct: rights.correctness && r ? (r.state === 'needs_manual' || r.manual || !q.scored ? null : r.score >= r.maxScore - 1e-9) : null,
        feedback: rights.feedback && r ? [...r.feedback, ...(doc.generalFeedback ? [doc.generalFeedback] : []), ...(comment ? [comment] : [])] : [],
        rightAnswer,
        rightAnswerForm: rightAnswer === null ? null : this.formView(type, rightAnswer),
        needsManual: asTrainer && r ? r.state === 'needs_manual' && !r.manual : false,
      };
    });
  }

  /** Finished attempts as report rows: marks and response classes, never raw responses or keys. */
  async reads(attempts: ReadonlyArray<Pick<A, '_id' | 'userId' | 'slots' | 'answers' | 'results'>>): Promise<AttemptReadRow[]> {
    const qs = await this.deps.questions([...new Set(attempts.flatMap((a) => a.slots.map((s) => String(s.questionId))))]);
    return attempts.map((a) => {
      const score = new Map(a.results.map((r) => [r.slot, r.score]));
      const answers = this.answersOf(a);
      return {
        attemptId: String(a._id),
        userId: a.userId ? String(a.userId) : null,
        slots: a.slots.map((s) => {
          const q = qs.get(String(s.questionId));
          const type = q ? this.type(q.type) : undefined;
          return { slot: s.slot, questionId: String(s.questionId), mark: s.mark, score: score.get(s.slot) ?? null, responseClass: type ? classify(type, answers[s.slot]?.r) : null, scored: type?.scored !== false };
        }),
      };
    });
  }
}

/** A response's class through its type (`answered` when the type names none); null for no answer. */
export function classify(type: AnyType, response: unknown): string | null {
  if (response === null || response === undefined) return null;
  const parsed = type.responseSchema.safeParse(response);
  if (!parsed.success) return null;
  return type.classifyResponse ? type.classifyResponse(parsed.data) : 'answered';
}
