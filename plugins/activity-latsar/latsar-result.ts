/**
 * The actualisation result (pure): the penguji's rubric scores (0–100 per criterion) weighted by
 * the programme's weights, on exact fractions, rounded to 2 decimals half away from zero; the
 * band is the first (highest) whose minimum the rounded result reaches, compared in hundredths so
 * that 70.01 is never read as 70.00999….
 */
import { roundFraction } from '../../src/learning/exact-rounding';

export interface Criterion { key: string; weight: number; id: string; en: string }
export interface Band { min: number; id: string; en: string; passed: boolean }

export function rubricResult(rubric: Criterion[], bands: Band[], scores: Record<string, number>): { score: number; band: Band } {
  let num = 0n;
  let den = 0n;
  for (const c of rubric) {
    const s = scores[c.key];
    if (s === undefined || !Number.isInteger(s) || s < 0 || s > 100) throw new RangeError(`score for ${c.key} must be a whole number 0-100`);
    num += BigInt(s) * BigInt(c.weight);
    den += BigInt(c.weight);
  }
  const score = roundFraction(num, den, 2);
  const hundredths = Math.round(score * 100);
  const sorted = [...bands].sort((a, b) => b.min - a.min);
  const band = sorted.find((b) => hundredths >= Math.round(b.min * 100)) ?? sorted[sorted.length - 1]!;
  return { score, band };
}
