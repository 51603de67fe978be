/** The JP ledger over the JSON API: my JP, claims (submit with evidence, decide), and the compliance report. */
import { z } from 'zod';
import type { RouteHandler, RouteSpec } from '../../http/route-table';
import { objectId } from '../../identity/identity-service';
import { claimInput, CLAIM, DECIDE, decisionInput, EVIDENCE_LIMIT, type JpClaimDoc } from './jp-claims';
import { jpReportJson } from './jp-report';
import { REPORT, type JpParts } from './jp-parts';

export function claimJson(c: JpClaimDoc) {
  return {
    id: String(c._id), userId: String(c.userId), title: c.title, provider: c.provider, kind: c.kind, mode: c.mode, startDate: c.startDate, endDate: c.endDate,
    jp: c.jp, status: c.status, reason: c.reason, evidence: { name: c.evidence.name, type: c.evidence.type, size: c.evidence.size, href: `/jp/claims/${c._id}/evidence` },
    decidedBy: c.decidedBy ? String(c.decidedBy) : undefined, decidedAt: c.decidedAt, createdAt: c.createdAt,
  };
}

export function registerJpApiRoutes(parts: JpParts): void {
  const { services, ledger, claims } = parts;
  const add = (path: string, spec: Omit<RouteSpec, 'path' | 'kind'>, h: RouteHandler) => services.routes.add('core', `/api/v1${path}`, { ...spec, path, kind: 'api' }, h);
  const year = z.coerce.number().int().min(2000).max(2100).optional();

  add('/jp/me', { method: 'get', capability: 'core:self', summary: 'My JP of a year: total, by mode and kind, target and entries', query: z.object({ year }) }, async ({ user, query }) => {
    await claims.repair(user!.id);
    const y = query.year ?? parts.currentYear(user!.timeZone);
    const [summary, target, entries] = await Promise.all([ledger.summary(user!.id, y), parts.targetOf(user!.id), ledger.history(user!.id, y)]);
    return {
      ...summary, target: target ?? null,
      entries: entries.map((e) => ({ id: String(e._id), source: e.source, title: e.title, kind: e.activityKind, mode: e.mode, provider: e.provider, startDate: e.startDate, endDate: e.endDate, jp: e.jp, ipAsnCategory: e.ipAsnCategory })),
    };
  });
  add('/jp/claims', {
    method: 'post', capability: CLAIM, status: 201, summary: 'Claim JP for training done outside Bina (multipart: fields and an `evidence` PDF or image)',
    multipart: { limit: EVIDENCE_LIMIT + 64 * 1024 }, body: claimInput,
  }, async ({ body, files, user }) => ({ claim: claimJson(await claims.submit(user!, body, files.evidence)) }));
  add('/jp/claims', { method: 'get', capability: 'core:self', summary: 'My JP claims' }, async ({ user }) => ({ claims: (await claims.mine(user!.id)).map(claimJson) }));
  add('/jp/claims/pending', { method: 'get', capability: DECIDE, scoped: true, summary: 'Claims waiting: of the people I supervise, and in my units' }, async ({ user }) => {
    const p = await parts.pendingClaimsFor(user!);
    return { toDecide: p.toDecide.map(claimJson), inScope: p.inScope.map(claimJson) };
  });
  add('/jp/claims/:claimId/decision', { method: 'post', capability: DECIDE, scoped: true, summary: 'Approve a claim, or reject it with a reason (its claimant\'s direct supervisor or an admin)', params: z.object({ claimId: objectId }), body: decisionInput }, async ({ params, body, user }) => ({
    claim: claimJson(await claims.decide(user!, params.claimId, body)),
  }));
  add('/jp/report', { method: 'get', capability: REPORT, scoped: true, summary: 'JP compliance per ASN of my units (admins: all)', query: z.object({ year, unit: objectId.optional() }) }, async ({ user, query }) => {
    const { report } = await parts.reportFor(user!, query.year ?? parts.currentYear(user!.timeZone), query.unit);
    return jpReportJson(report);
  });
}
