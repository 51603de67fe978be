/**
 * An answer on its way in (ADR 0053): form fields become a response through the question type
 * (`formResponse`), the type's schema validates it (`parseAnswer`, a 400 in the learner's
 * language), and it is stored as one small document, a *version*, keyed by (attempt, slot, seq):
 * a save is one insert. The answer of a slot is its version with the highest `seq`; reading the
 * answers back (and grading them) is answer-sheet.ts.
 *
 * Why versions and not one document per slot updated in place: on FerretDB 1.x an update is
 * read-apply-write without a lock (ADR 0026), so two concurrent conditional updates of one slot
 * can both match and the lower `seq` can win. An insert under a unique `_id` is atomic on every
 * server: the same (slot, seq) twice is one version (E11000: a duplicate), and concurrent saves of
 * one slot each keep their own version, the highest of which is the answer. Nothing is updated
 * in place, so nothing can be lost between a read and a write.
 *
 * Versions carry the attempt's owner (`userId`, personal data: export and erasure through the
 * owning plugin's privacy stores) and its parent (`parentId`: the exam or quiz), so a report or
 * board reads one parent's answers in one query. Superseded versions are pruned once an attempt
 * is graded (`prune`).
 */
import { createHash } from 'node:crypto';
import { Schema, Types, type Model } from 'mongoose';
import { Errors, isBinaError } from '../../kernel/errors';
import { toLocalizable, type IssueLike, type LocalizableText } from '../../views/zod-messages';
import type { QuestionType } from '../question-type';

export interface AnswerVersionDoc {
  _id: Types.ObjectId;
  attemptId: Types.ObjectId;
  /** The activity's own record the attempt belongs to (an exam), for reads across its attempts. */
  parentId: Types.ObjectId;
  /** The attempt's owner; null for an anonymous questionnaire or after erasure. */
  userId: Types.ObjectId | null;
  slot: string;
  seq: number;
  r: unknown;
  at: Date;
  /** Provisional score, only while a live board watches (ADR 0026 decision 4). */
  p?: number;
}

export const answerVersionSchema = new Schema<AnswerVersionDoc>(
  {
    attemptId: { type: Schema.Types.ObjectId, required: true },
    parentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, default: null },
    slot: { type: String, required: true },
    seq: { type: Number, required: true },
    r: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
    p: Number,
  },
  { versionKey: false, minimize: false },
);
answerVersionSchema.index({ attemptId: 1 });
answerVersionSchema.index({ parentId: 1 });
answerVersionSchema.index({ userId: 1 });

/** The `_id` of version `seq` of `slot` in `attemptId`: the first 12 bytes of SHA-256, so (attempt, slot, seq) is unique by `_id`. */
export function answerVersionId(attemptId: Types.ObjectId | string, slot: string, seq: number): Types.ObjectId {
  const text = `answer:${new Types.ObjectId(attemptId).toHexString()}:${slot}:${seq}`;
  return new Types.ObjectId(createHash('sha256').update(text).digest().subarray(0, 12));
}

type AnyType = Pick<QuestionType<unknown, unknown>, 'fromForm' | 'responseSchema'>;

/** Form values of one question: the main field and its `_<subId>` fields. */
export function formValues(fields: Record<string, string | string[] | undefined>, prefix: string) {
  const main = fields[prefix];
  const list = (main === undefined ? [] : Array.isArray(main) ? main : [main]).filter((v) => v !== '');
  const sub: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k.startsWith(`${prefix}_`) && typeof v === 'string' && v !== '') sub[k.slice(prefix.length + 1)] = v;
  }
  return { list, first: list[0], sub };
}

const INVALID_RESPONSE = 'Invalid response for this question';

/** Form fields as the body parser gives them. */
export type FormFields = Record<string, string | string[] | undefined>;

/** A response from the form fields of one slot (`q_<slot>`, `q_<slot>_<id>`) through its type; undefined means blank. */
export function formResponse(type: AnyType, slot: string, fields: FormFields): unknown {
  return type.fromForm ? type.fromForm(fields, `q_${slot}`) : undefined;
}

/**
 * A learner's response as its type reads it (null for blank), or the 400 that says why not. Each
 * detail keeps the English `message` of the API and carries the issue's i18n key (a numerical
 * type's "not a number" → `question-numerical:errors.notANumber`), so the API adds
 * `localizedMessage` in the caller's language and a page can show it (`refusedResponse`).
 */
export function parseAnswer(type: AnyType, response: unknown): unknown {
  if (response === null || response === undefined) return null;
  const parsed = type.responseSchema.safeParse(response);
  if (parsed.success) return parsed.data;
  const details = (parsed.error.issues as IssueLike[]).map((i) => ({ ...toLocalizable(i), path: ['response', ...i.path].join('.') }));
  throw Errors.validation(INVALID_RESPONSE, { details });
}

/** Who an attempt's versions belong to. */
export interface AnswerOwner {
  _id: Types.ObjectId;
  parentId: Types.ObjectId;
  userId?: Types.ObjectId | null;
}

const isDuplicateKey = (e: unknown) => (e as { code?: unknown }).code === 11000;

export class AnswerLog {
  constructor(readonly Answer: Model<AnswerVersionDoc>) {}

  /**
   * Stores version `seq` of `slot`: one insert. `duplicate` when that version is stored already
   * (a retried request); an older `seq` is stored too but never counts (`latestPerSlot`), and
   * the caller that wants to refuse it asks `latestSeq` first.
   */
  async insert(owner: AnswerOwner, slot: string, value: unknown, seq: number, at: Date, extra: { p?: number } = {}): Promise<'saved' | 'duplicate'> {
    const doc: AnswerVersionDoc = { _id: answerVersionId(owner._id, slot, seq), attemptId: owner._id, parentId: owner.parentId, userId: owner.userId ?? null, slot, seq, r: value ?? null, at, ...(extra.p !== undefined ? { p: extra.p } : {}) };
    try {
      // The driver's insert: a version is validated by construction, and mongoose's document
      // machinery would cost more than the write on this path (every autosave).
      await this.Answer.collection.insertOne(doc);
      return 'saved';
    } catch (e) {
      if (isDuplicateKey(e)) return 'duplicate';
      throw e;
    }
  }

  /** The highest stored `seq` of one slot (0 when none). */
  async latestSeq(attemptId: Types.ObjectId | string, slot: string): Promise<number> {
    const rows = await this.Answer.find({ attemptId: new Types.ObjectId(attemptId), slot }, { seq: 1, _id: 0 }).lean();
    return rows.reduce((m, r) => Math.max(m, r.seq), 0);
  }
}

/** Why `parseAnswer` refused a response (its details, each translatable), or undefined for any other error. */
export function refusedResponse(e: unknown): LocalizableText[] | undefined {
  return isBinaError(e) && e.code === Errors.validation.code && e.message === INVALID_RESPONSE && Array.isArray(e.details) ? (e.details as LocalizableText[]) : undefined;
}
