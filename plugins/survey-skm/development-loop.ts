/**
 * Closing the loop (issue 15, ADR 0060): a low SKM element recommends development. For a service
 * unit's latest period with enough respondents (the report's anonymity threshold), every element
 * whose exact average is below `lowElementBelow` (a setting) is a finding; the element's
 * competency codes (`elementCompetencies`, a setting with defaults from the catalogue of
 * PermenPANRB 38/2017) give the courses tagged with them. The ASN of the service unit's
 * organisation unit and the units below it get those courses on their home page with the reason;
 * the unit head sees the findings (element, period, average against the threshold) on the unit
 * dashboard.
 *
 * Findings are computed from the responses through the engine and kept per service unit for a
 * minute in this process: a home page asks for them on every visit, and a new response moves an
 * average by little.
 */
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { UnitTree } from '../../src/identity/unit-tree';
import { coursesForCompetency, type CompetencyCourse } from '../../src/learning/competency/course-recommendations';
import type { HomeRecommendation } from '../../src/learning/home-recommendations';
import type { LearningService } from '../../src/learning/learning-service';
import type { ServiceUnitView } from './api';
import { roundFraction } from '../../src/learning/exact-rounding';
import { SKM_ELEMENTS, type SkmElement } from './ikm';
import type { ServiceUnits } from './service-units';
import type { SkmResponses } from './skm-responses';

export interface LoopSettings {
  lowElementBelow: number;
  elementCompetencies: Partial<Record<SkmElement, string[]>>;
  minRespondents: number;
}

/** One low element of a service unit in a period, and the competencies it calls for. */
export interface LowElement {
  element: SkmElement;
  /** 1–9 (U1…U9). */
  number: number;
  period: string;
  respondents: number;
  /** The element's average, rounded half up to 2 decimals for display (the test used the exact one). */
  average: number;
  threshold: number;
  competencies: string[];
}

/** The low elements of the latest period that has at least `minRespondents` responses. */
export function lowElementsOf(rows: ReadonlyArray<{ period: string; scores: number[] }>, settings: LoopSettings): LowElement[] {
  const byPeriod = new Map<string, { n: number; sums: number[] }>();
  for (const r of rows) {
    const p = byPeriod.get(r.period) ?? byPeriod.set(r.period, { n: 0, sums: SKM_ELEMENTS.map(() => 0) }).get(r.period)!;
    p.n++;
    r.scores.forEach((v, i) => (p.sums[i]! += v));
  }
  const latest = [...byPeriod.entries()].filter(([, p]) => p.n >= settings.minRespondents).sort(([a], [b]) => b.localeCompare(a))[0];
  if (!latest) return [];
  const [period, p] = latest;
  return SKM_ELEMENTS.flatMap((element, i) =>
    // sum / n < threshold, without dividing: the sums are exact integers.
    p.sums[i]! < settings.lowElementBelow * p.n
      ? [{ element, number: i + 1, period, respondents: p.n, average: roundFraction(BigInt(p.sums[i]!), BigInt(p.n), 2), threshold: settings.lowElementBelow, competencies: settings.elementCompetencies[element] ?? [] }]
      : [],
  );
}

export class DevelopmentLoop {
  private cache = new Map<string, { at: number; low: LowElement[] }>();

  constructor(
    private responses: SkmResponses,
    private units: ServiceUnits,
    private settings: LoopSettings,
    private learning: () => LearningService,
    private identity: () => IdentityService,
    private now: () => Date,
  ) {}

  /** The findings of one service unit (cached for a minute). */
  async lowElements(unit: Pick<ServiceUnitView, 'id'>): Promise<LowElement[]> {
    const hit = this.cache.get(unit.id);
    const t = this.now().getTime();
    if (hit && t - hit.at < 60_000 && t >= hit.at) return hit.low;
    const low = lowElementsOf(await this.responses.rows(unit.id), this.settings);
    this.cache.set(unit.id, { at: t, low });
    return low;
  }

  /** Courses for one finding: tagged with any of its competencies, each once. */
  async coursesFor(low: LowElement, limit = 3): Promise<Array<CompetencyCourse & { competency: string }>> {
    const out: Array<CompetencyCourse & { competency: string }> = [];
    for (const code of low.competencies) {
      for (const c of await coursesForCompetency(this.learning().models, { competency: code, limit })) if (!out.some((o) => o.id === c.id)) out.push({ ...c, competency: code });
    }
    return out.slice(0, limit);
  }

  /** The service units a person serves in: those of their organisation unit or a unit above it. */
  async unitsOf(user: SessionUser): Promise<ServiceUnitView[]> {
    if (!user.unitId) return [];
    const all = (await this.units.list()).filter((u) => u.coreUnitId);
    if (!all.length) return [];
    const tree = await UnitTree.load(this.identity().models.Unit);
    return all.filter((u) => tree.subtree([u.coreUnitId!]).has(user.unitId!));
  }

  /** Home-page recommendations for a person, each with its reason. */
  async recommendationsFor(user: SessionUser, reason: (unit: ServiceUnitView, low: LowElement) => string): Promise<HomeRecommendation[]> {
    const out: HomeRecommendation[] = [];
    const names = new Map<string, string>();
    for (const unit of await this.unitsOf(user)) {
      for (const low of await this.lowElements(unit)) {
        for (const c of await this.coursesFor(low)) {
          if (!names.has(c.competency)) names.set(c.competency, (await this.learning().models.Competency.findOne({ code: c.competency }, { name: 1 }).lean())?.name ?? c.competency);
          out.push({ ...c, competencyName: names.get(c.competency)!, reason: reason(unit, low) });
        }
      }
    }
    return out;
  }
}
