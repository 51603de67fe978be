/**
 * An attempt's answers on their way out (ADR 0053): read in one query (every version of the
 * attempt, or of every attempt of a parent such as an exam), the highest version per slot over
 * the answers embedded in attempts from before, and graded through the question types with the
 * manual grades that are in. Storing them is answer-log.ts.
 *
 * Grading sits here, beside the read, because it is the one reader that must see every answer
 * stored: the grade job reads the sheet after the submit and the save window (exam-service.ts).
 */
import { Types, type Model } from 'mongoose';
import type { RegistryView } from '../../host/plugins/context';
import type { QuestionDoc } from '../learning-models';
import { toQuestion } from '../learning-service';
import type { QuestionType } from '../question-type';
import type { AnswerVersionDoc } from './answer-log';
import { answerVersionId } from './answer-log';
import type { AttemptSlot, ManualGrade, SavedAnswer, SlotResult } from './attempt-record';

/** The highest version per slot; `base` (embedded answers of attempts from before ADR 0053) counts as versions too. */
export function latestPerSlot(versions: Iterable<Pick<AnswerVersionDoc, 'slot' | 'seq' | 'r' | 'at' | 'p'>>, base: Record<string, SavedAnswer> = {}): Record<string, SavedAnswer> {
  const out: Record<string, SavedAnswer> = { ...base };
  for (const v of versions) {
    const have = out[v.slot];
    if (!have || have.seq < v.seq) out[v.slot] = { r: v.r, seq: v.seq, at: v.at, ...(v.p !== undefined && v.p !== null ? { p: v.p } : {}) };
  }
  return out;
}

/** Embedded answers (attempts from before ADR 0053) and stored versions together: per slot, the higher `seq`. */
export function mergeAnswers(embedded: Record<string, SavedAnswer> | undefined, versions: Record<string, SavedAnswer> | undefined): Record<string, SavedAnswer> {
  return latestPerSlot(Object.entries(versions ?? {}).map(([slot, a]) => ({ slot, ...a })), embedded ?? {});
}

export interface GradeDeps {
  types: Pick<RegistryView<QuestionType<any, any>>, 'require'>;
  /** Question versions by id (immutable, so a cache may answer: question-cache.ts). */
  questions(ids: ReadonlyArray<string | Types.ObjectId>): Promise<Map<string, QuestionDoc>>;
}

/** Per-slot results of `attempt.answers` through the question types, with the manual grades that are in. */
export async function gradeSlots(deps: GradeDeps, attempt: { slots: AttemptSlot[]; answers?: Record<string, SavedAnswer>; manual?: Record<string, ManualGrade> }): Promise<SlotResult[]> {
  const qs = await deps.questions(attempt.slots.map((s) => s.questionId));
  const answers = attempt.answers ?? {};
  return attempt.slots.map((s) => {
    const sec = s.section !== undefined ? { section: s.section } : {};
    const q = qs.get(String(s.questionId));
    if (!q) return { slot: s.slot, ...sec, score: 0, maxScore: s.mark, state: 'needs_manual', feedback: [] };
    const type = deps.types.require(q.type) as QuestionType<unknown, unknown>;
    const saved = answers[s.slot]?.r;
    const parsed = saved === null || saved === undefined ? undefined : type.responseSchema.safeParse(saved);
    const g = type.grade(toQuestion(q), parsed?.success ? parsed.data : undefined, s.mark);
    const m = attempt.manual?.[s.slot];
    if (g.state === 'needs_manual' && m) return { slot: s.slot, ...sec, score: Math.min(s.mark, Math.max(0, m.score)), maxScore: s.mark, state: 'graded', feedback: g.feedback, manual: true };
    return { slot: s.slot, ...sec, score: g.score, maxScore: g.maxScore, state: g.state, feedback: g.feedback };
  });
}

export class AnswerSheet {
  constructor(
    readonly Answer: Model<AnswerVersionDoc>,
    private deps: GradeDeps,
  ) {}

  /** The answers of one attempt in one query, over `base` (its embedded answers, if any). */
  async answersOf(attemptId: Types.ObjectId | string, base: Record<string, SavedAnswer> = {}): Promise<Record<string, SavedAnswer>> {
    const rows = await this.Answer.find({ attemptId: new Types.ObjectId(attemptId) }, { slot: 1, seq: 1, r: 1, at: 1, p: 1 }).lean();
    return latestPerSlot(rows, base);
  }

  /** The answers of every attempt of a parent (an exam) in one query, by attempt id. */
  async answersOfParent(parentId: Types.ObjectId | string): Promise<Map<string, Record<string, SavedAnswer>>> {
    const rows = await this.Answer.find({ parentId: new Types.ObjectId(parentId) }, { attemptId: 1, slot: 1, seq: 1, r: 1, at: 1, p: 1 }).lean();
    const by = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = String(r.attemptId);
      const list = by.get(k) ?? [];
      list.push(r);
      by.set(k, list);
    }
    return new Map([...by].map(([k, list]) => [k, latestPerSlot(list)]));
  }

  /** Per-slot results of an attempt whose `answers` are read (answersOf). */
  grade(attempt: { slots: AttemptSlot[]; answers?: Record<string, SavedAnswer>; manual?: Record<string, ManualGrade> }): Promise<SlotResult[]> {
    return gradeSlots(this.deps, attempt);
  }

  /** Deletes an attempt's superseded versions (after grading: only the answer of each slot is ever read again). */
  async prune(attemptId: Types.ObjectId | string, answers: Record<string, SavedAnswer>): Promise<void> {
    const keep = Object.entries(answers).map(([slot, a]) => answerVersionId(attemptId, slot, a.seq));
    await this.Answer.deleteMany({ attemptId: new Types.ObjectId(attemptId), _id: { $nin: keep } });
  }
}
