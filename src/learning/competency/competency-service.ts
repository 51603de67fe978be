/**
 * The competency profile of a person and what is built on it: the evidence trail (append-only),
 * the current levels (current-level.ts, ADR 0045), the position's standard (ADR 0046), the JPM
 * with its band and gaps (job-person-match.ts, the same code as `bina competency jpm`), the courses
 * that close each gap, the yearly development plan and the gap heat map of a set of units.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { KernelServices } from '../../host/kernel-services';
import { Errors } from '../../kernel/errors';
import type { IdentityModels, UserDoc } from '../../identity/identity-models';
import type { LearningModels } from '../learning-models';
import { currentLevels, type CurrentLevel, type EvidenceSource } from './current-level';
import { coursesForGaps, type CompetencyCourse } from './course-recommendations';
import { defineCompetencyModels, planId, positionKey, type CompetencyModels, type EvidenceDoc, type PlanDoc, type PlanItem, type PositionDoc } from './competency-models';
import { jobPersonMatch, type JpmResult, type JpmRules } from './job-person-match';
import { jpmRulesFromSettings } from './jpm-settings';

export interface NewEvidence {
  userId: string;
  competency: string;
  level: number;
  source: EvidenceSource;
  by?: string;
  /** Exactly-once key for entries from events; manual entries get a random one. */
  key?: string;
  message: { key: string; args?: Record<string, string | number> };
}

export interface ProfileRow {
  code: string;
  name: string;
  group: string;
  required?: number;
  current: number;
  selfAssessed: boolean;
  gap: number;
}

export interface Profile {
  user: UserDoc;
  position?: PositionDoc;
  rows: ProfileRow[];
  jpm?: JpmResult;
  recommendations: Map<string, CompetencyCourse[]>;
  levels: Map<string, CurrentLevel>;
}

export class CompetencyService {
  readonly models: CompetencyModels;

  constructor(private services: KernelServices, private learning: LearningModels, private identity: IdentityModels) {
    this.models = defineCompetencyModels(services.conn);
    for (const m of Object.values(this.models)) services.models.add(m);
  }

  /** The competency catalogue (the learning spine's model), for the pages. */
  get catalogueModels(): Pick<LearningModels, 'Competency' | 'Course'> {
    return this.learning;
  }

  get rules(): JpmRules {
    return jpmRulesFromSettings(this.services.config);
  }

  // ---- evidence -------------------------------------------------------------------------------

  /** Appends an entry; a repeated key (a retried event) changes nothing. Returns whether it was new. */
  async recordEvidence(e: NewEvidence): Promise<boolean> {
    if (!(await this.learning.Competency.exists({ code: e.competency }))) {
      throw Errors.validation('Unknown competency', { details: [{ path: 'competency', message: 'not in the catalogue', i18n: 'competency.err.unknown' }] });
    }
    try {
      await this.models.Evidence.create({
        userId: new Types.ObjectId(e.userId), competency: e.competency, level: e.level, source: e.source, by: e.by ? new Types.ObjectId(e.by) : undefined,
        at: this.services.clock.now(), message: { key: e.message.key, args: e.message.args ?? {} }, key: e.key ?? `manual:${randomUUID()}`,
      });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  trail(userId: string): Promise<EvidenceDoc[]> {
    return this.models.Evidence.find({ userId: new Types.ObjectId(userId) }).sort({ at: -1, _id: -1 }).limit(500).lean();
  }

  // ---- profile --------------------------------------------------------------------------------

  positionOf(user: Pick<UserDoc, 'positionName'>): Promise<PositionDoc | null> {
    return user.positionName ? this.models.Position.findOne({ nameKey: positionKey(user.positionName) }).lean() : Promise.resolve(null);
  }

  async profile(userId: string, withRecommendations = true): Promise<Profile> {
    const user = await this.identity.User.findById(userId).lean();
    if (!user) throw Errors.notFound('Person not found');
    const [position, trail, catalogue] = await Promise.all([this.positionOf(user), this.models.Evidence.find({ userId: user._id }).lean(), this.learning.Competency.find().sort({ group: 1, code: 1 }).lean()]);
    const levels = currentLevels(trail);
    const required = new Map((position?.standard ?? []).map((s) => [s.competency, s.required]));
    const rows: ProfileRow[] = catalogue
      .filter((c) => required.has(c.code) || levels.has(c.code))
      .map((c) => {
        const cur = levels.get(c.code);
        const req = required.get(c.code);
        return { code: c.code, name: c.name, group: c.group, required: req, current: cur?.level ?? 0, selfAssessed: cur?.selfAssessed ?? false, gap: req ? Math.max(0, req - (cur?.level ?? 0)) : 0 };
      });
    const standard = (position?.standard ?? []).filter((s) => catalogue.some((c) => c.code === s.competency));
    const jpm = standard.length ? jobPersonMatch(standard, new Map([...levels].map(([code, l]) => [code, l.level])), this.rules) : undefined;
    const recommendations = withRecommendations && jpm ? await coursesForGaps(this.learning, jpm.gaps) : new Map<string, CompetencyCourse[]>();
    return { user, position: position ?? undefined, rows, jpm, recommendations, levels };
  }

  /** Courses that close my gaps, once each, for the home page and the catalogue's badges. */
  async homeRecommendations(userId: string): Promise<Array<CompetencyCourse & { competency: string; competencyName: string }>> {
    const p = await this.profile(userId);
    const names = new Map(p.rows.map((r) => [r.code, r.name]));
    const seen = new Set<string>();
    const out: Array<CompetencyCourse & { competency: string; competencyName: string }> = [];
    for (const g of p.jpm?.gaps ?? []) {
      for (const c of p.recommendations.get(g.competency) ?? []) {
        if (seen.has(c.id)) continue;
        seen.add(c.id);
        out.push({ ...c, competency: g.competency, competencyName: names.get(g.competency) ?? g.competency });
      }
    }
    return out.slice(0, 6);
  }

  // ---- plans ----------------------------------------------------------------------------------

  getPlan(userId: string, year: number): Promise<PlanDoc | null> {
    return this.models.Plan.findById(planId(userId, year)).lean();
  }

  /** Saves the items of a draft (or of a returned plan, which becomes a draft again). */
  async saveDraft(user: Pick<UserDoc, '_id' | 'unitId'>, year: number, items: PlanItem[]): Promise<PlanDoc> {
    const _id = planId(user._id, year);
    const now = this.services.clock.now();
    try {
      const saved = await this.models.Plan.findOneAndUpdate(
        { _id, state: { $in: ['draft', 'returned'] } },
        { $set: { items, state: 'draft', updatedAt: now, unitId: user.unitId }, $setOnInsert: { userId: user._id, year } },
        { upsert: true, new: true, lean: true },
      );
      return saved!;
    } catch (err) {
      // The upsert met an existing plan in another state (submitted or approved).
      if ((err as { code?: number }).code === 11000) throw Errors.conflict('The plan is no longer a draft', { details: [{ path: 'plan', message: 'not a draft', i18n: 'competency.plan.err.notDraft' }] });
      throw err;
    }
  }

  async submit(user: Pick<UserDoc, '_id' | 'supervisorId'>, year: number): Promise<PlanDoc> {
    if (!user.supervisorId) throw Errors.validation('No direct supervisor', { details: [{ path: 'plan', message: 'no supervisor', i18n: 'competency.plan.err.noSupervisor' }] });
    const r = await this.models.Plan.findOneAndUpdate(
      { _id: planId(user._id, year), state: 'draft', 'items.0': { $exists: true } },
      { $set: { state: 'submitted', supervisorId: user.supervisorId, submittedAt: this.services.clock.now(), updatedAt: this.services.clock.now() }, $unset: { returnReason: 1 } },
      { new: true, lean: true },
    );
    if (!r) throw Errors.conflict('Only a draft with items can be submitted', { details: [{ path: 'plan', message: 'not a draft with items', i18n: 'competency.plan.err.notSubmittable' }] });
    await this.services.audit.record('core', { action: 'competency.audit.planSubmitted', actorId: String(user._id), subject: { type: 'competency-plan', id: String(r._id) }, after: { state: 'submitted', year } });
    return r;
  }

  /** Approves or returns a submitted plan; the caller has checked the approver's right. */
  async decide(id: string, by: string, decision: { approve: true } | { approve: false; reason: string }): Promise<PlanDoc> {
    const set = decision.approve ? { state: 'approved' } : { state: 'returned', returnReason: decision.reason };
    const r = await this.models.Plan.findOneAndUpdate(
      { _id: new Types.ObjectId(id), state: 'submitted' },
      { $set: { ...set, decidedBy: new Types.ObjectId(by), decidedAt: this.services.clock.now(), updatedAt: this.services.clock.now() } },
      { new: true, lean: true },
    );
    if (!r) throw Errors.conflict('The plan is not waiting for approval', { details: [{ path: 'plan', message: 'not submitted', i18n: 'competency.plan.err.notSubmitted' }] });
    await this.services.audit.record('core', { action: decision.approve ? 'competency.audit.planApproved' : 'competency.audit.planReturned', actorId: by, subject: { type: 'competency-plan', id }, before: { state: 'submitted' }, after: set });
    return r;
  }

  /** Per item: done when its course is completed or the level reached the target. */
  async progress(plan: PlanDoc): Promise<{ done: number; total: number; percent: number; items: Array<PlanItem & { done: boolean; current: number }> }> {
    const trail = await this.models.Evidence.find({ userId: plan.userId }).lean();
    const levels = currentLevels(trail);
    const courseIds = plan.items.filter((i) => i.courseId).map((i) => i.courseId!);
    const completed = new Set((await this.learning.Enrolment.find({ userId: plan.userId, courseId: { $in: courseIds }, status: 'completed' }, { courseId: 1 }).lean()).map((e) => String(e.courseId)));
    const items = plan.items.map((i) => {
      const current = levels.get(i.competency)?.level ?? 0;
      return { ...i, current, done: current >= i.to || (i.courseId ? completed.has(String(i.courseId)) : false) };
    });
    const done = items.filter((i) => i.done).length;
    return { done, total: items.length, percent: items.length ? Math.round((done / items.length) * 100) : 0, items };
  }

  // ---- heat map -------------------------------------------------------------------------------

  /**
   * Competency × person: for each ASN in the units (undefined = all) with a position standard,
   * the gap per competency of the standards met (required − current; 0 when met; absent when the
   * position does not ask for it), and the JPM.
   */
  async heatMap(unitIds: Set<string> | undefined) {
    const filter: Record<string, unknown> = { active: true, kind: { $in: ['pns', 'pppk'] } };
    if (unitIds) filter.unitId = { $in: [...unitIds].map((u) => new Types.ObjectId(u)) };
    const people = await this.identity.User.find(filter, { name: 1, nip: 1, positionName: 1, unitId: 1 }).sort({ name: 1 }).limit(2000).lean();
    const positions = new Map((await this.models.Position.find().lean()).map((p) => [p.nameKey, p]));
    const withStandard = people.filter((p) => p.positionName && positions.get(positionKey(p.positionName))?.standard.length);
    const trail = await this.models.Evidence.find({ userId: { $in: withStandard.map((p) => p._id) } }, { userId: 1, competency: 1, level: 1, source: 1, at: 1 }).lean();
    const byUser = new Map<string, typeof trail>();
    for (const e of trail) (byUser.get(String(e.userId)) ?? byUser.set(String(e.userId), []).get(String(e.userId))!).push(e);
    const codes = new Set<string>();
    const rows = withStandard.map((p) => {
      const position = positions.get(positionKey(p.positionName!))!;
      const levels = currentLevels(byUser.get(String(p._id)) ?? []);
      const cells = new Map<string, { required: number; current: number; gap: number }>();
      for (const s of position.standard) {
        codes.add(s.competency);
        const current = levels.get(s.competency)?.level ?? 0;
        cells.set(s.competency, { required: s.required, current, gap: Math.max(0, s.required - current) });
      }
      const jpm = jobPersonMatch(position.standard, new Map([...levels].map(([c, l]) => [c, l.level])), this.rules);
      return { id: String(p._id), name: p.name, nip: p.nip ?? '', unitId: p.unitId ? String(p.unitId) : '', position: position.name, cells, jpm };
    });
    const catalogue = await this.learning.Competency.find({ code: { $in: [...codes] } }).sort({ group: 1, code: 1 }).lean();
    return { competencies: catalogue.map((c) => ({ code: c.code, name: c.name })), rows };
  }
}
