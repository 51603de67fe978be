/**
 * Achievements: what a certificate attests (name, criteria, competency and level, JP, validity,
 * template) and the rule that earns it: pass activity X (any type) and/or complete course Y, or manual.
 *
 * Invariants:
 * - Every reference in an achievement exists when it is saved: the competency is in the
 *   catalogue, each activity is an activity of a course, each course exists, the template exists.
 *   A bad reference is a 400 that names the field, never a certificate that cannot be built later.
 * - Achievements are archived, never deleted: issued certificates point at them.
 * - Editing an achievement never changes certificates already issued (they carry a snapshot).
 */
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { LearningService } from '../../src/learning/learning-service';
import type { CertificatePdfService } from '../certificate-pdf/api';
import { ACHIEVEMENT_TYPES } from './build-credential';
import { REQUIREMENT_TYPES, type AchievementDoc, type EarningDoc, type Requirement } from './certificate-models';
import { objectId } from '../../src/kernel/object-id';

/** Re-exported for this module's importers: the schema itself is src/kernel/object-id.ts. */
export { objectId };

export const achievementInput = z.strictObject({
  name: z.string().trim().min(3).max(200),
  description: z.string().trim().min(1).max(2000),
  criteria: z.string().trim().min(1).max(2000),
  achievementType: z.enum(ACHIEVEMENT_TYPES).default('Certificate'),
  competency: z.strictObject({ code: z.string().trim().min(1).max(40), level: z.number().int().min(1).max(5) }),
  jp: z.number().positive().max(1000),
  /** Months of validity; null = never expires (e.g. attendance). */
  validityMonths: z.number().int().min(1).max(600).nullable().default(null),
  templateId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$|^[a-f0-9]{24}$/, 'must be a template id').default('default'),
  locale: z.enum(['id', 'en']).default('id'),
  /** Empty: awarded by admins only. */
  requirements: z.array(z.strictObject({ type: z.enum(REQUIREMENT_TYPES), refId: objectId })).max(10).default([]),
  combine: z.enum(['all', 'any']).default('all'),
});
export type AchievementInput = z.output<typeof achievementInput>;

export function achievementView(a: AchievementDoc) {
  return {
    id: String(a._id),
    name: a.name,
    description: a.description,
    criteria: a.criteria,
    achievementType: a.achievementType,
    competency: a.competency,
    jp: a.jp,
    validityMonths: a.validityMonths ?? null,
    templateId: a.templateId,
    locale: a.locale,
    requirements: a.requirements.map((r) => ({ type: r.type, refId: r.refId, title: r.title })),
    combine: a.combine,
    archived: a.archived,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export class AchievementService {
  constructor(
    readonly Achievement: Model<AchievementDoc>,
    readonly Earning: Model<EarningDoc>,
    private learning: () => LearningService,
    private pdf: () => CertificatePdfService,
  ) {}

  async get(id: string): Promise<AchievementDoc> {
    const a = Types.ObjectId.isValid(id) ? await this.Achievement.findById(id).lean() : null;
    if (!a) throw Errors.notFound('Achievement not found');
    return a;
  }

  /** Checks every reference; returns the requirements with their titles. */
  async checkReferences(input: Partial<AchievementInput>): Promise<Requirement[] | undefined> {
    const problems: Array<{ in: 'body'; path: string; message: string }> = [];
    if (input.competency && !(await this.learning().models.Competency.exists({ code: input.competency.code }))) {
      problems.push({ in: 'body', path: 'competency.code', message: 'not in the competency catalogue' });
    }
    if (input.templateId !== undefined && !(await this.pdf().templates.exists(input.templateId))) {
      problems.push({ in: 'body', path: 'templateId', message: 'no such certificate template' });
    }
    let requirements: Requirement[] | undefined;
    if (input.requirements) {
      requirements = [];
      const seen = new Set<string>();
      for (const [i, r] of input.requirements.entries()) {
        const key = `${r.type}:${r.refId}`;
        if (seen.has(key)) {
          problems.push({ in: 'body', path: `requirements.${i}`, message: 'listed twice' });
          continue;
        }
        seen.add(key);
        const title = await this.requirementTitle(r.type, r.refId);
        if (title === undefined) problems.push({ in: 'body', path: `requirements.${i}.refId`, message: `no such ${r.type}` });
        else requirements.push({ type: r.type, refId: r.refId.toLowerCase(), title });
      }
    }
    if (problems.length) throw Errors.validation('Invalid achievement', { details: problems });
    return requirements;
  }

  private async requirementTitle(type: Requirement['type'], refId: string): Promise<string | undefined> {
    const learning = this.learning();
    if (type === 'course') {
      const c = await learning.models.Course.findById(refId).lean();
      return c?.title;
    }
    const activity = await learning.models.Activity.findOne({ refId: refId.toLowerCase() }).lean();
    return activity?.title;
  }

  async create(input: AchievementInput, actorId: string, now: Date, attests: { learningKey?: string } = {}): Promise<AchievementDoc> {
    const requirements = (await this.checkReferences(input)) ?? [];
    const doc = await this.Achievement.create({
      ...input,
      ...attests,
      validityMonths: input.validityMonths ?? undefined,
      requirements,
      requirementKeys: requirements.map((r) => `${r.type}:${r.refId}`),
      archived: false,
      createdBy: actorId,
      createdAt: now,
      updatedAt: now,
    });
    return doc.toObject();
  }

  async update(id: string, patch: Partial<AchievementInput>, now: Date): Promise<{ before: AchievementDoc; after: AchievementDoc }> {
    const before = await this.get(id);
    const requirements = await this.checkReferences(patch);
    const { validityMonths, requirements: _r, ...rest } = patch;
    const set: Record<string, unknown> = { ...rest, updatedAt: now };
    const unset: Record<string, ''> = {};
    if (validityMonths === null) unset.validityMonths = '';
    else if (validityMonths !== undefined) set.validityMonths = validityMonths;
    if (requirements) {
      set.requirements = requirements;
      set.requirementKeys = requirements.map((r) => `${r.type}:${r.refId}`);
    }
    await this.Achievement.updateOne({ _id: before._id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    return { before, after: await this.get(id) };
  }

  async archive(id: string, now: Date): Promise<AchievementDoc> {
    const a = await this.get(id);
    await this.Achievement.updateOne({ _id: a._id }, { $set: { archived: true, updatedAt: now } });
    return this.get(id);
  }

  /** Active achievements that a met requirement `type:refId` contributes to. */
  async forRequirement(type: Requirement['type'], refId: string): Promise<AchievementDoc[]> {
    return this.Achievement.find({ requirementKeys: `${type}:${refId.toLowerCase()}`, archived: false }).lean();
  }

  /** Records that the learner met one requirement (once; duplicates change nothing). */
  async recordEarning(a: AchievementDoc, userId: string, type: Requirement['type'], refId: string, source: { id: string; href: string }, now: Date): Promise<void> {
    try {
      await this.Earning.updateOne(
        { achievementId: a._id, userId: new Types.ObjectId(userId), type, refId: refId.toLowerCase() },
        { $setOnInsert: { sourceId: source.id, href: source.href, at: now } },
        { upsert: true },
      );
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e; // a concurrent duplicate event made the row
    }
  }

  /** Whether the learner's earnings satisfy the achievement's rule (never for manual-only ones). */
  async ruleMet(a: AchievementDoc, userId: string): Promise<boolean> {
    if (a.requirements.length === 0) return false;
    const rows = await this.Earning.find({ achievementId: a._id, userId }).lean();
    const met = new Set(rows.map((r) => `${r.type}:${r.refId}`));
    const keys = a.requirements.map((r) => `${r.type}:${r.refId}`);
    return a.combine === 'any' ? keys.some((k) => met.has(k)) : keys.every((k) => met.has(k));
  }

  /** The learner's earnings for an achievement, best evidence first (a passed activity, then a course). */
  async earnings(achievementId: Types.ObjectId, userId: string): Promise<EarningDoc[]> {
    const order: Record<string, number> = { activity: 0, course: 1 };
    const rows = await this.Earning.find({ achievementId, userId }).lean();
    return rows.sort((x, y) => (order[x.type] ?? 2) - (order[y.type] ?? 2));
  }
}
