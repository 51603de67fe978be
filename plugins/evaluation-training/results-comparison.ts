/**
 * Level 4 (results): a cohort's performance ratings before and after the training, beside a
 * comparison group from the same units who did not take it. The figure is the change in the mean
 * ordinal rating of each group and the difference between the two changes. It is an association,
 * not proof that the training caused it (the groups were not assigned at random); the page says so.
 */
import { SKP_ORDINAL, type SkpRating } from './skp-rating';

export interface BeforeAfter {
  before?: SkpRating;
  after?: SkpRating;
}

export interface GroupChange {
  /** People with a rating in both periods. */
  n: number;
  meanBefore?: number;
  meanAfter?: number;
  change?: number;
}

export interface ResultsComparison {
  trained: GroupChange;
  comparison: GroupChange;
  /** trained.change − comparison.change; an association only. */
  difference?: number;
  kind: 'association';
}

const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

function change(group: readonly BeforeAfter[]): GroupChange {
  const both = group.filter((g): g is Required<BeforeAfter> => Boolean(g.before && g.after));
  if (!both.length) return { n: 0 };
  const meanBefore = both.reduce((a, g) => a + SKP_ORDINAL[g.before], 0) / both.length;
  const meanAfter = both.reduce((a, g) => a + SKP_ORDINAL[g.after], 0) / both.length;
  return { n: both.length, meanBefore: round2(meanBefore), meanAfter: round2(meanAfter), change: round2(meanAfter - meanBefore) };
}

export function compareResults(trained: readonly BeforeAfter[], comparison: readonly BeforeAfter[]): ResultsComparison {
  const t = change(trained);
  const c = change(comparison);
  return { trained: t, comparison: c, difference: t.change !== undefined && c.change !== undefined ? round2(t.change - c.change) : undefined, kind: 'association' };
}
