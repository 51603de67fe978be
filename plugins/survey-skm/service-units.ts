/**
 * Service units (unit layanan): what the public rates and writes about. An admin defines them; each
 * has a public slug (its survey and feedback pages and the poster's QR code), optionally the
 * organisation unit whose ASN serve there, its service standard for answering feedback, and its
 * moderators. The heads of the organisation unit and the units above it moderate too, as they
 * manage its people (ADR 0034); its ASN answer feedback publicly (ADR 0049).
 */
import { Schema, Types, type Model } from 'mongoose';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { UnitTree } from '../../src/identity/unit-tree';
import type { ServiceUnitView } from './api';

export interface ServiceUnitDoc {
  _id: Types.ObjectId;
  slug: string;
  name: string;
  coreUnitId?: Types.ObjectId;
  serviceStandardDays: number;
  moderatorIds: Types.ObjectId[];
  createdAt: Date;
}

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function serviceUnitSchema(): Schema<ServiceUnitDoc> {
  const s = new Schema<ServiceUnitDoc>(
    {
      slug: { type: String, required: true },
      name: { type: String, required: true },
      coreUnitId: { type: Schema.Types.ObjectId },
      serviceStandardDays: { type: Number, required: true, default: 5 },
      moderatorIds: { type: [Schema.Types.ObjectId], default: [] },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  s.index({ slug: 1 }, { unique: true });
  return s;
}

export function unitView(d: ServiceUnitDoc): ServiceUnitView {
  return {
    id: String(d._id),
    slug: d.slug,
    name: d.name,
    coreUnitId: d.coreUnitId ? String(d.coreUnitId) : undefined,
    serviceStandardDays: d.serviceStandardDays,
    moderatorIds: (d.moderatorIds ?? []).map(String),
  };
}

export class ServiceUnits {
  constructor(
    private Unit: Model<ServiceUnitDoc>,
    private identity: () => IdentityService,
    private isAdmin: (user: SessionUser) => boolean,
  ) {}

  async bySlug(slug: string): Promise<ServiceUnitView | undefined> {
    if (!SLUG.test(slug)) return undefined;
    const d = await this.Unit.findOne({ slug }).lean();
    return d ? unitView(d) : undefined;
  }

  async byId(id: string): Promise<ServiceUnitView | undefined> {
    if (!Types.ObjectId.isValid(id)) return undefined;
    const d = await this.Unit.findById(id).lean();
    return d ? unitView(d) : undefined;
  }

  async list(): Promise<ServiceUnitView[]> {
    return (await this.Unit.find({}).sort({ name: 1 }).lean()).map(unitView);
  }

  private tree(): Promise<UnitTree> {
    return UnitTree.load(this.identity().models.Unit);
  }

  async isModerator(user: SessionUser | undefined, unit: ServiceUnitView, tree?: UnitTree): Promise<boolean> {
    if (!user) return false;
    if (this.isAdmin(user) || unit.moderatorIds.includes(user.id)) return true;
    if (!unit.coreUnitId || !user.unitHeadOf?.length) return false;
    return (tree ?? (await this.tree())).subtree(user.unitHeadOf).has(unit.coreUnitId);
  }

  async isStaff(user: SessionUser | undefined, unit: ServiceUnitView): Promise<boolean> {
    if (!user) return false;
    const tree = await this.tree();
    if (await this.isModerator(user, unit, tree)) return true;
    return Boolean(unit.coreUnitId && user.unitId && tree.subtree([unit.coreUnitId]).has(user.unitId));
  }

  async moderatedBy(user: SessionUser): Promise<ServiceUnitView[]> {
    const tree = await this.tree();
    const out: ServiceUnitView[] = [];
    for (const u of await this.list()) if (await this.isModerator(user, u, tree)) out.push(u);
    return out;
  }
}
