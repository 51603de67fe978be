/**
 * The IKM report of a service unit: per period, the element totals, the IKM (ikm.ts, the same
 * code as `bina skm ikm`), and the respondent profile; a period below the anonymity threshold
 * (DOMAIN.md: at least 2 respondents, a setting) shows "not enough responses" and no figures.
 */
import { ikmFromTotals, SKM_ELEMENTS, type ElementTotal, type IkmResult, type IkmWeight } from './ikm';
import { PROFILE_FIELDS, type ProfileField } from './responses';
import type { SkmResponses } from './skm-responses';

export interface PeriodReport {
  period: string;
  respondents: number;
  /** Undefined below the threshold. */
  result?: IkmResult;
  profile?: Record<ProfileField, Array<{ value: string; count: number }>>;
}

export async function unitReport(responses: SkmResponses, serviceUnitId: string, opts: { weight: IkmWeight; minRespondents: number }): Promise<PeriodReport[]> {
  const rows = await responses.rows(serviceUnitId);
  const byPeriod = new Map<string, { totals: ElementTotal[]; n: number; profile: Record<string, Map<string, number>> }>();
  for (const r of rows) {
    let p = byPeriod.get(r.period);
    if (!p) {
      p = { totals: SKM_ELEMENTS.map(() => ({ sum: 0, count: 0 })), n: 0, profile: Object.fromEntries(Object.keys(PROFILE_FIELDS).map((k) => [k, new Map<string, number>()])) };
      byPeriod.set(r.period, p);
    }
    p.n++;
    r.scores.forEach((v, i) => {
      p!.totals[i]!.sum += v;
      p!.totals[i]!.count++;
    });
    for (const k of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
      const v = r.profile?.[k] || 'none';
      p.profile[k]!.set(v, (p.profile[k]!.get(v) ?? 0) + 1);
    }
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, p]) => {
      if (p.n < opts.minRespondents) return { period, respondents: p.n };
      const profile = Object.fromEntries(
        (Object.keys(PROFILE_FIELDS) as ProfileField[]).map((k) => [k, [...PROFILE_FIELDS[k], 'none'].map((value) => ({ value, count: p.profile[k]!.get(value) ?? 0 })).filter((x) => x.count > 0)]),
      ) as PeriodReport['profile'];
      return { period, respondents: p.n, result: ikmFromTotals(p.totals, opts.weight), profile };
    });
}
