/**
 * Job–person match (JPM, DOMAIN.md): Σ current level ÷ Σ required level × 100 %, over the
 * competencies of the position's standard, shown with 2 decimals, and its band. The same function
 * serves the profile pages and `bina competency jpm`, so the two cannot disagree.
 *
 * Rules, each a setting of the agency (config.ts, `BINA_JPM_*`):
 * - uncapped (default): a level above the requirement counts in full and may make up for a gap
 *   elsewhere; capped: each competency counts at most its required level;
 * - bands: Optimal ≥ 90 %, Cukup Optimal 78 – < 90 %, Kurang Optimal < 78 %. The band is read from
 *   the value as shown (rounded to 2 decimals), so what a person reads and how they are banded
 *   never disagree (89.995 % shows as 90.00 % and is Optimal).
 * A competency the profile lacks counts as level 0 and is a gap of its full requirement.
 */
import { roundFraction } from '../exact-rounding';

export interface StandardEntry {
  competency: string;
  /** Required level, 1–5. */
  required: number;
}

export type JpmBand = 'optimal' | 'cukup-optimal' | 'kurang-optimal';

export interface JpmRules {
  capped: boolean;
  /** Lowest JPM (percent) that is Optimal. @default 90 */
  optimalFrom: number;
  /** Lowest JPM (percent) that is Cukup Optimal. @default 78 */
  cukupFrom: number;
}

export const DEFAULT_JPM_RULES: JpmRules = { capped: false, optimalFrom: 90, cukupFrom: 78 };

export interface JpmGap {
  competency: string;
  required: number;
  current: number;
  gap: number;
}

export interface JpmResult {
  /** Percent, rounded half up to 2 decimals. */
  jpm: number;
  band: JpmBand;
  /** Competencies below their required level, largest gap first, then by code. */
  gaps: JpmGap[];
}

/** Labels as reports print them (Indonesian terms of competency mapping; used in both languages). */
export const JPM_BAND_LABELS: Record<JpmBand, string> = {
  optimal: 'Optimal',
  'cukup-optimal': 'Cukup Optimal',
  'kurang-optimal': 'Kurang Optimal',
};

export function jobPersonMatch(standard: readonly StandardEntry[], levels: ReadonlyMap<string, number>, rules: JpmRules = DEFAULT_JPM_RULES): JpmResult {
  if (standard.length === 0) throw new RangeError('the standard lists no competency');
  let requiredSum = 0;
  let currentSum = 0;
  const gaps: JpmGap[] = [];
  for (const { competency, required } of standard) {
    const current = levels.get(competency) ?? 0;
    requiredSum += required;
    currentSum += rules.capped ? Math.min(current, required) : current;
    if (current < required) gaps.push({ competency, required, current, gap: required - current });
  }
  gaps.sort((a, b) => b.gap - a.gap || a.competency.localeCompare(b.competency));
  const jpm = roundFraction(BigInt(currentSum) * 100n, BigInt(requiredSum));
  return { jpm, band: jpmBand(jpm, rules), gaps };
}

export function jpmBand(jpm: number, rules: Pick<JpmRules, 'optimalFrom' | 'cukupFrom'> = DEFAULT_JPM_RULES): JpmBand {
  if (jpm >= rules.optimalFrom) return 'optimal';
  if (jpm >= rules.cukupFrom) return 'cukup-optimal';
  return 'kurang-optimal';
}
