/**
 * The SKM's responses on the attempt engine (ADR 0059): a respondent's nine answers become one
 * submitted, anonymous attempt at the SKM questionnaire layout, written in one insert (the public
 * form is sent once, whole; there is no autosave to sequence), exactly once per device, unit and
 * period by the unique device hash. Answers go through the Likert type (`engine.parse`), and the
 * report reads them back through `engine.reads` as response classes (the levels `1`…`4`), never
 * from raw fields.
 */
import { Types, type Model } from 'mongoose';
import { AttemptEngine } from '../../src/learning/attempts/attempt-engine';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { EngineDeps } from '../../src/learning/attempts/attempt-engine';
import { ELEMENT_COUNT } from './ikm';
import type { ProfileField, SkmAttemptDoc } from './responses';
import { skmSlots, slotOf } from './skm-questionnaire';

/** One response as the report reads it: the nine scores in element order and the profile. */
export interface SkmResponseRow {
  period: string;
  scores: number[];
  profile?: Partial<Record<ProfileField, string>>;
}

export class SkmResponses {
  readonly engine: AttemptEngine<SkmAttemptDoc>;

  constructor(
    readonly Attempt: Model<SkmAttemptDoc>,
    types: EngineDeps['types'],
    questions: () => Map<string, QuestionDoc>,
    private now: () => Date,
  ) {
    this.engine = new AttemptEngine<SkmAttemptDoc>({ types, now, questions: async (ids) => new Map(ids.map((i) => [String(i), questions().get(String(i))!]).filter(([, q]) => q) as Array<[string, QuestionDoc]>) }, Attempt);
  }

  /**
   * Stores one respondent's answers (scores 1–4 in element order, already checked by the form);
   * `duplicate` when this device already answered for the unit and period.
   */
  async record(input: { serviceUnitId: string; period: string; scores: number[]; profile: Partial<Record<ProfileField, string>>; deviceHash: string; at?: Date; _id?: Types.ObjectId }): Promise<'stored' | 'duplicate'> {
    const at = input.at ?? this.now();
    const likert = this.engine.type('likert');
    const answers = Object.fromEntries(input.scores.map((v, i) => [slotOf(i), { r: this.engine.parse(likert, { level: String(v) }), seq: 1, at }]));
    const slots = skmSlots();
    const results = await this.engine.grade({ slots, answers, manual: {} });
    try {
      await this.Attempt.create({
        ...(input._id ? { _id: input._id } : {}), state: 'submitted', seed: 0, slots, answers, results,
        serviceUnitId: new Types.ObjectId(input.serviceUnitId), period: input.period, ...(Object.keys(input.profile).length ? { profile: input.profile } : {}), submittedAt: at, deviceHash: input.deviceHash,
      });
      return 'stored';
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return 'duplicate';
      throw err;
    }
  }

  async answered(serviceUnitId: string, period: string, deviceHash: string): Promise<boolean> {
    return Boolean(await this.Attempt.exists({ serviceUnitId: new Types.ObjectId(serviceUnitId), period, deviceHash }));
  }

  /** A unit's responses (optionally of one period) through the engine's read API. */
  async rows(serviceUnitId: string, period?: string): Promise<SkmResponseRow[]> {
    const docs = await this.Attempt.find({ serviceUnitId: new Types.ObjectId(serviceUnitId), ...(period ? { period } : {}) }, { _id: 1, slots: 1, answers: 1, results: 1, period: 1, profile: 1 }).lean();
    const reads = await this.engine.reads(docs as SkmAttemptDoc[]);
    const out: SkmResponseRow[] = [];
    docs.forEach((d, i) => {
      const bySlot = new Map(reads[i]!.slots.map((s) => [s.slot, s.responseClass]));
      const scores = Array.from({ length: ELEMENT_COUNT }, (_, e) => Number(bySlot.get(slotOf(e))));
      // record() stores all nine; a document edited by hand into something else never counts.
      if (scores.every((v) => v >= 1 && v <= 4)) out.push({ period: d.period, scores, ...(d.profile ? { profile: d.profile } : {}) });
    });
    return out;
  }
}
