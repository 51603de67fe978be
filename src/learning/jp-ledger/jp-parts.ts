/**
 * What the JP pages, API routes, reminders and CLI share: the ledger, the claims, the unit scope
 * and the lookups every one of them needs (a person's target and year, a report for a scope).
 */
import { Types } from 'mongoose';
import { Errors } from '../../kernel/errors';
import type { KernelServices } from '../../host/kernel-services';
import type { IdentityModels } from '../../identity/identity-models';
import type { SessionUser } from '../../identity/session-user';
import type { UnitScope } from '../../identity/unit-scope';
import type { UnitTree } from '../../identity/unit-tree';
import type { JpClaims } from './jp-claims';
import type { JpLedger } from './jp-ledger';
import { buildJpReport, jpTargetFor, type JpReport } from './jp-report';
import { yearIn } from './jp-year';

export const REPORT = 'learning:jp-report';

export class JpParts {
  constructor(
    readonly services: KernelServices,
    readonly ledger: JpLedger,
    readonly claims: JpClaims,
    readonly scope: UnitScope,
    readonly identity: Pick<IdentityModels, 'User' | 'Unit'>,
  ) {}

  /** This year in the user's zone. */
  currentYear(timeZone: string): number {
    return yearIn(this.services.clock.now(), timeZone);
  }

  /** The person's target from settings (none for staff). */
  async targetOf(userId: string): Promise<number | undefined> {
    const u = await this.identity.User.findById(userId, { kind: 1 }).lean();
    return jpTargetFor(u?.kind, this.services.config);
  }

  /**
   * The compliance report over the user's scope, optionally one unit and those below it. A unit
   * outside the user's scope is refused (403), never answered with another scope.
   */
  async reportFor(user: SessionUser, year: number, unitId?: string): Promise<{ report: JpReport; tree: UnitTree; scope: 'all' | Set<string> }> {
    const tree = await this.scope.tree();
    const scope = await this.scope.units(user, REPORT, tree);
    if (unitId && (!tree.byId.has(unitId) || (scope !== 'all' && !scope.has(unitId)))) throw Errors.forbidden('This unit is not one of yours', { details: { capability: REPORT, scope: 'unit' } });
    const units = await this.scope.reportUnits(user, REPORT, unitId, tree);
    const people = await this.scope.people(units);
    return { report: await buildJpReport(this.ledger, people, tree, year, this.services.config), tree, scope };
  }

  /** The report over every unit, or one unit and those below (the CLI runs as the agency). */
  async reportForAgency(year: number, unitId?: string): Promise<JpReport> {
    const tree = await this.scope.tree();
    const people = await this.scope.people(unitId ? tree.subtree([unitId]) : 'all');
    return buildJpReport(this.ledger, people, tree, year, this.services.config);
  }

  /** Claims waiting that this user may see: of the people they supervise, and in their scope. */
  async pendingClaimsFor(user: SessionUser) {
    const mine = await this.claims.pendingForSupervisor(user.id);
    const scope = await this.scope.units(user, REPORT);
    let inScope: typeof mine = [];
    if (scope === 'all') inScope = await this.claims.pendingOf('all');
    else if (scope.size) inScope = await this.claims.pendingOf((await this.scope.people(scope)).map((p) => p._id as Types.ObjectId));
    const mineIds = new Set(mine.map((c) => String(c._id)));
    return { toDecide: mine, inScope: inScope.filter((c) => !mineIds.has(String(c._id)) && String(c.userId) !== user.id) };
  }

  async names(ids: Array<Types.ObjectId | string | undefined>): Promise<Map<string, string>> {
    const list = [...new Set(ids.filter(Boolean).map(String))];
    const rows = list.length ? await this.identity.User.find({ _id: { $in: list } }, { name: 1 }).lean() : [];
    return new Map(rows.map((u) => [String(u._id), u.name]));
  }
}
