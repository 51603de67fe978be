/**
 * Exam totals from per-slot results: per section and overall, with pass rules per section AND
 * overall, as BKN's CAT decides (DOMAIN.md: TWK ≥ 65, TIU ≥ 80, TKP ≥ 166, and those are settings
 * per exam, never constants here). Pure and deterministic, so grading, manual grading and regrade
 * all compute totals the same way.
 *
 * Rules: a section without a rule passes; an exam passes when every section passes and its own
 * overall rule (if any) passes. `percent` compares score / maxScore × 100 (a section worth 0 marks
 * passes a percent rule). Scores are rounded to 6 decimals so float noise cannot flip a pass.
 */
import type { PassRule, SectionScore, SlotResult } from './exam-models';

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6 + 0;
}

export function meetsRule(rule: PassRule | undefined | null, score: number, maxScore: number): boolean {
  if (!rule) return true;
  if (rule.mode === 'points') return score >= rule.value - 1e-9;
  if (maxScore <= 0) return true;
  return (score / maxScore) * 100 >= rule.value - 1e-9;
}

export interface ExamTotals {
  score: number;
  maxScore: number;
  sections: SectionScore[];
  passed: boolean;
  /** Slots that still wait for a person's grade; the attempt is final only when this is 0. */
  pendingManual: string[];
}

export function examTotals(
  sections: ReadonlyArray<{ key: string; pass?: PassRule | null }>,
  overall: PassRule | undefined | null,
  results: ReadonlyArray<SlotResult>,
): ExamTotals {
  const out: SectionScore[] = sections.map((s) => {
    const rs = results.filter((r) => r.section === s.key);
    const score = round6(rs.reduce((sum, r) => sum + r.score, 0));
    const maxScore = round6(rs.reduce((sum, r) => sum + r.maxScore, 0));
    return { key: s.key, score, maxScore, passed: meetsRule(s.pass, score, maxScore) };
  });
  const score = round6(results.reduce((sum, r) => sum + r.score, 0));
  const maxScore = round6(results.reduce((sum, r) => sum + r.maxScore, 0));
  return {
    score,
    maxScore,
    sections: out,
    passed: out.every((s) => s.passed) && meetsRule(overall, score, maxScore),
    pendingManual: results.filter((r) => r.state === 'needs_manual' && !r.manual).map((r) => r.slot),
  };
}

/** Which attempt counts for a participant (Moodle's grading method); only final attempts count. */
export function countingAttempt<T extends { number: number; score?: number | null; state: string }>(attempts: T[], method: 'highest' | 'first' | 'last'): T | undefined {
  const done = attempts.filter((a) => a.state === 'graded').sort((a, b) => a.number - b.number);
  if (done.length === 0) return undefined;
  if (method === 'first') return done[0];
  if (method === 'last') return done[done.length - 1];
  return done.reduce((best, a) => ((a.score ?? 0) > (best.score ?? 0) ? a : best));
}

/** NIP shown on a public screen: enough to find oneself, not enough to identify a stranger. */
export function maskNip(nip: string | undefined | null): string {
  if (!nip) return '—';
  if (nip.length <= 8) return '•'.repeat(nip.length);
  return `${nip.slice(0, 4)}${'•'.repeat(nip.length - 8)}${nip.slice(-4)}`;
}
