/**
 * The current level of one competency, derived from a person's evidence trail (ADR 0045). Pure:
 * the trail is the input, nothing is stored, so changing the rule re-derives every profile.
 *
 * The rule:
 * 1. An assessor's or the direct supervisor's rating is a judgement of the whole competency: the
 *    latest one sets the level, and may lower it.
 * 2. A certificate or an exam result proves a level was reached: one dated after the latest rating
 *    (or any, without a rating) raises the level to the highest it proves, never lowers it.
 * 3. A self-assessment counts only while there is no other evidence for that competency, and the
 *    level is then marked as self-assessed.
 * Ties in time keep the order of the trail (the later-written entry wins).
 */

export const EVIDENCE_SOURCES = ['certificate', 'exam', 'assessor', 'supervisor', 'self'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export interface EvidenceLike {
  competency: string;
  level: number;
  source: EvidenceSource;
  at: Date;
}

export interface CurrentLevel {
  level: number;
  /** True when only self-assessments speak for this level. */
  selfAssessed: boolean;
  /** The evidence the level comes from (the rating, certificate, exam or self-assessment). */
  basis: EvidenceSource;
  at: Date;
}

const isRating = (s: EvidenceSource) => s === 'assessor' || s === 'supervisor';
const isProof = (s: EvidenceSource) => s === 'certificate' || s === 'exam';

/** Current level per competency code from a trail (any order). */
export function currentLevels(trail: readonly EvidenceLike[]): Map<string, CurrentLevel> {
  const byCompetency = new Map<string, EvidenceLike[]>();
  for (const e of trail) (byCompetency.get(e.competency) ?? byCompetency.set(e.competency, []).get(e.competency)!).push(e);
  const out = new Map<string, CurrentLevel>();
  for (const [code, list] of byCompetency) {
    // Stable sort by time: equal times keep the trail's order.
    const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i).map((x) => x.e);
    let rating: EvidenceLike | undefined;
    for (const e of sorted) if (isRating(e.source)) rating = e;
    let best: CurrentLevel | undefined = rating ? { level: rating.level, selfAssessed: false, basis: rating.source, at: rating.at } : undefined;
    for (const e of sorted) {
      if (!isProof(e.source)) continue;
      if (rating && e.at.getTime() < rating.at.getTime()) continue;
      if (!best || e.level > best.level) best = { level: e.level, selfAssessed: false, basis: e.source, at: e.at };
    }
    if (!best) {
      const self = sorted.filter((e) => e.source === 'self').at(-1);
      if (self) best = { level: self.level, selfAssessed: true, basis: 'self', at: self.at };
    }
    if (best) out.set(code, best);
  }
  return out;
}
