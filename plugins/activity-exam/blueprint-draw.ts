/**
 * Turns an exam's blueprint into one participant's slots: per section its fixed questions, then N
 * questions drawn at random from the bank (latest, visible versions matching the section's
 * category / tags / competency+level / difficulty), in an order shuffled from the attempt's seed.
 * Slot names follow the blueprint (`s1`… across sections), so slot k means "the k-th item of the
 * blueprint" in every attempt — what item analysis compares — while the display order varies.
 *
 * The candidate pools are cached per exam for a few seconds: at an exam start 500 participants
 * draw from the same pool within one second, and the pool query is the expensive part (on
 * FerretDB 1.x every filter but a bare `_id` scans the whole collection). The query reads the
 * whole question versions and hands them to `onLoad` (the question cache), so the learner views
 * of a new attempt need no second read.
 */
import type { Model, Types } from 'mongoose';
import type { QuestionDoc } from '../../src/learning/learning-models';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';
import type { AttemptSlot, ExamDoc, SectionDoc } from './exam-models';

export interface PoolEntry {
  _id: Types.ObjectId;
  qid: string;
  defaultMark: number;
  type: string;
}

/** The bank filter of a drawing section. Without a bank, the course's own questions. */
export function drawFilter(exam: Pick<ExamDoc, 'courseId'>, section: Pick<SectionDoc, 'draw'>): Record<string, unknown> {
  const d = section.draw!;
  const f: Record<string, unknown> = { latest: true, hidden: { $ne: true } };
  if (d.bankId) f.bankId = d.bankId;
  else f.courseId = exam.courseId;
  if (d.categoryIds?.length) f.categoryId = { $in: d.categoryIds };
  if (d.tags?.length) f.tags = { $all: d.tags };
  if (d.competencyCode) f['competency.code'] = d.competencyCode;
  if (d.competencyLevel) f['competency.level'] = d.competencyLevel;
  if (d.difficulty) f.difficulty = d.difficulty;
  return f;
}

export class BlueprintDrawer {
  private pools = new Map<string, { at: number; stamp: number; pool: Promise<PoolEntry[]> }>();

  constructor(
    private Question: () => Model<QuestionDoc>,
    private ttlMs = 5_000,
    private onLoad: (docs: QuestionDoc[]) => void = () => undefined,
  ) {}

  /** Candidates of a section, sorted by id so the same seed always picks the same questions. */
  pool(exam: ExamDoc, section: SectionDoc): Promise<PoolEntry[]> {
    const key = `${exam._id}:${section.key}`;
    const stamp = exam.updatedAt.getTime();
    const hit = this.pools.get(key);
    const now = Date.now();
    if (hit && hit.stamp === stamp && now - hit.at < this.ttlMs) return hit.pool;
    // One query for all concurrent starts: the promise itself is cached.
    const pool = this.Question()
      .find(drawFilter(exam, section))
      .sort({ _id: 1 })
      .lean<QuestionDoc[]>()
      .exec()
      .then((docs) => {
        this.onLoad(docs);
        return docs.map((q) => ({ _id: q._id, qid: q.qid, defaultMark: q.defaultMark, type: q.type }));
      });
    this.pools.set(key, { at: now, stamp, pool });
    pool.catch(() => this.pools.delete(key));
    if (this.pools.size > 2000) this.pools.delete(this.pools.keys().next().value!);
    return pool;
  }

  forget(examId: string): void {
    for (const k of this.pools.keys()) if (k.startsWith(`${examId}:`)) this.pools.delete(k);
  }

  /**
   * The participant's slots, or the sections whose pools are too small.
   * @param fixedQids qid of each fixed question id (the caller loads them).
   */
  async draw(exam: ExamDoc, seed: number, fixedQids: Map<string, { qid: string; defaultMark: number; type: string }>): Promise<{ slots: AttemptSlot[]; short: Array<{ section: string; need: number; have: number }> }> {
    const slots: AttemptSlot[] = [];
    const short: Array<{ section: string; need: number; have: number }> = [];
    let n = 0;
    for (const section of exam.sections) {
      const chosen: Array<Omit<AttemptSlot, 'slot'>> = [];
      const used = new Set<string>();
      for (const f of section.fixed ?? []) {
        const q = fixedQids.get(String(f.questionId));
        if (!q) continue;
        used.add(q.qid);
        chosen.push({ section: section.key, questionId: f.questionId, mark: f.mark, type: q.type });
      }
      if (section.draw && section.draw.count > 0) {
        const pool = (await this.pool(exam, section)).filter((p) => !used.has(p.qid));
        if (pool.length < section.draw.count) short.push({ section: section.key, need: section.draw.count, have: pool.length });
        const picked = seededShuffle(pool, deriveSeed(seed, `draw:${section.key}`)).slice(0, section.draw.count);
        for (const p of picked) chosen.push({ section: section.key, questionId: p._id, mark: section.draw.mark ?? p.defaultMark, type: p.type });
      }
      // Names by blueprint position, then the display order shuffled within the section.
      const named = chosen.map((c) => ({ slot: `s${++n}`, ...c }));
      slots.push(...(section.shuffle ? seededShuffle(named, deriveSeed(seed, `order:${section.key}`)) : named));
    }
    return { slots, short };
  }
}
