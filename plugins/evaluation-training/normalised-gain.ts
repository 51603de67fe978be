/**
 * Kirkpatrick level 2 (learning): the normalised gain of a pre-test and a post-test,
 * g = (post − pre) / (max − pre): the share of what a learner could still gain that they gained.
 * It is negative when the post-test is lower, and undefined when the pre-test was already full
 * marks (nothing left to gain): such a learner is shown, not counted in the cohort's averages.
 * A cohort gets both usual summaries, each named on the page: the mean of the learners' gains, and
 * Hake's class gain (⟨post⟩ − ⟨pre⟩) / (max − ⟨pre⟩) over the learners with both tests.
 */

export interface PrePost {
  learnerId: string;
  pre?: number;
  post?: number;
}

export interface LearnerGain extends PrePost {
  /** Rounded to 2 decimals; undefined without both tests or with a full pre-test. */
  gain?: number;
}

export interface CohortGain {
  /** Learners with both tests. */
  paired: number;
  /** Mean of the individual gains (learners with room to gain), 2 decimals. */
  meanOfGains?: number;
  /** Hake's ⟨g⟩ over the paired learners, 2 decimals. */
  classGain?: number;
  meanPre?: number;
  meanPost?: number;
}

const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

export function normalisedGain(pre: number, post: number, max: number): number | undefined {
  if (!(max > 0) || pre < 0 || post < 0 || pre > max || post > max) throw new RangeError(`scores must lie within 0–${max}`);
  if (pre === max) return undefined;
  return (post - pre) / (max - pre);
}

export function learnerGains(rows: readonly PrePost[], max: number): LearnerGain[] {
  return rows.map((r) => {
    const g = r.pre !== undefined && r.post !== undefined ? normalisedGain(r.pre, r.post, max) : undefined;
    return { ...r, gain: g === undefined ? undefined : round2(g) };
  });
}

export function cohortGain(rows: readonly PrePost[], max: number): CohortGain {
  const paired = rows.filter((r): r is Required<PrePost> => r.pre !== undefined && r.post !== undefined);
  if (paired.length === 0) return { paired: 0 };
  const gains = paired.map((r) => normalisedGain(r.pre, r.post, max)).filter((g): g is number => g !== undefined);
  const meanPre = paired.reduce((a, r) => a + r.pre, 0) / paired.length;
  const meanPost = paired.reduce((a, r) => a + r.post, 0) / paired.length;
  return {
    paired: paired.length,
    meanOfGains: gains.length ? round2(gains.reduce((a, g) => a + g, 0) / gains.length) : undefined,
    classGain: meanPre < max ? round2((meanPost - meanPre) / (max - meanPre)) : undefined,
    meanPre: round2(meanPre),
    meanPost: round2(meanPost),
  };
}
