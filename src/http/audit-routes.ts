/**
 * The audit log for admins: who did what, when, to what, with the values before and after;
 * filtered by actor (found by name, NIP or e-mail), subject, action and dates, newest first, in
 * pages; every row links to "more by this actor" and "more about this subject". The same filters
 * export CSV. Reading is the only thing these routes do: rows are appended by `ctx.audit.record`
 * and checked by `bina audit verify` (ADR 0030).
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { KernelServices } from '../host/kernel-services';
import type { IdentityService } from '../identity/identity-service';
import { escapeRegex } from '../identity/escape-regex';
import type { AuditDoc } from '../kernel/audit';
import { toCsv, type Cell } from '../learning/table-export';

const CAP = 'core:audit-view';
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-07');
// The filter form sends every field, empty ones as ''; an empty field means "any", not a bad value.
const withoutBlankFields = (input: unknown) =>
  input && typeof input === 'object' ? Object.fromEntries(Object.entries(input).filter(([, v]) => v !== '')) : input;
export const auditQuery = z.preprocess(withoutBlankFields, z.object({
  /** Name, NIP or e-mail of the person who acted. */
  actor: z.string().trim().max(100).optional(),
  actorId: z.string().regex(/^[a-f0-9]{24}$/).optional(),
  subjectType: z.string().trim().regex(/^[a-z][a-z0-9-]{0,40}$/).optional(),
  subjectId: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  /** Rows older than this sequence number (next page). */
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
}));
type AuditQuery = z.infer<typeof auditQuery>;

export function registerAuditRoutes(services: KernelServices, identity: IdentityService): void {
  const add = services.routes.add.bind(services.routes, 'core');
  services.registries.navItems.add('core', { id: 'core.audit', href: '/admin/audit', labelKey: 'auditLog.nav', icon: 'journal-check', capability: CAP, order: 80, menu: 'manage' });

  async function find(q: AuditQuery, limit = q.limit) {
    const filter: Record<string, unknown> = {};
    if (q.actorId) filter.actorId = q.actorId;
    else if (q.actor) {
      const re = { $regex: escapeRegex(q.actor), $options: 'i' };
      const people = await identity.models.User.find({ $or: [{ name: re }, { username: re }, { nip: re }, { email: re }] }, { _id: 1 }).limit(200).lean();
      filter.actorId = { $in: people.map((p) => String(p._id)) };
    }
    if (q.subjectType) filter['subject.type'] = q.subjectType;
    if (q.subjectId) filter['subject.id'] = q.subjectId;
    if (q.action) filter.action = { $regex: escapeRegex(q.action), $options: 'i' };
    const at: Record<string, Date> = {};
    if (q.from) at.$gte = new Date(`${q.from}T00:00:00+07:00`);
    if (q.to) at.$lt = new Date(new Date(`${q.to}T00:00:00+07:00`).getTime() + 86_400_000);
    if (Object.keys(at).length) filter.at = at;
    if (q.beforeSeq) filter.seq = { $lt: q.beforeSeq };
    const rows = (await services.audit.model.find(filter).sort({ seq: -1 }).limit(limit).lean()) as AuditDoc[];
    const ids = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => Boolean(x && /^[a-f0-9]{24}$/.test(x))))];
    const people = new Map((await identity.models.User.find({ _id: { $in: ids } }, { name: 1, username: 1 }).lean()).map((p) => [String(p._id), p]));
    return rows.map((r) => ({ ...r, actor: r.actorId ? people.get(r.actorId) : undefined }));
  }
  const json = (v: unknown) => (v === undefined || v === null ? '' : JSON.stringify(v));

  add('/api/v1/audit', { method: 'get', path: '/audit', capability: CAP, summary: 'Audit log rows, newest first, by actor, subject, action and dates', query: auditQuery }, async ({ query }) => {
    const rows = await find(query);
    return {
      rows: rows.map((r) => ({ seq: r.seq, at: r.at, owner: r.owner, action: r.action, actorId: r.actorId ?? null, actorName: r.actor?.name ?? null, subject: r.subject, before: r.before ?? null, after: r.after ?? null, args: r.args ?? null, hash: r.hash })),
      nextBeforeSeq: rows.length === query.limit ? rows[rows.length - 1]!.seq : null,
    };
  });

  add('/admin/audit', { method: 'get', path: '/admin/audit', kind: 'page', capability: CAP, summary: 'Audit log page (filters, links by actor and subject)', query: auditQuery }, async ({ query, t, req }) => {
    const rows = await find(query);
    const base = new URLSearchParams(Object.entries(query).filter(([key, v]) => v !== undefined && key !== 'beforeSeq' && key !== 'limit').map(([key, v]): [string, string] => [key, String(v)]));
    const withParams = (extra: Record<string, string>) => `?${new URLSearchParams({ ...Object.fromEntries(base), ...extra }).toString()}`;
    return {
      view: 'core/admin-audit', title: t('auditLog.title'),
      data: {
        q: query,
        rows: rows.map((r) => ({
          seq: r.seq, at: r.at, action: services.translator.exists(req.locale, r.action) ? t(r.action, r.args ?? {}) : r.action, actionKey: r.action,
          actorName: r.actor ? `${r.actor.name} (${r.actor.username})` : r.actorId ?? '—',
          actorHref: r.actorId ? `/admin/audit?${new URLSearchParams({ actorId: r.actorId })}` : null,
          subject: `${r.subject.type} ${r.subject.id}`, subjectHref: `/admin/audit?${new URLSearchParams({ subjectType: r.subject.type, subjectId: r.subject.id })}`,
          before: r.redaction ? t('auditLog.redacted') : json(r.before), after: r.redaction ? t('auditLog.redacted') : json(r.after),
        })),
        next: rows.length === query.limit ? withParams({ beforeSeq: String(rows[rows.length - 1]!.seq) }) : null,
        csvHref: `/admin/audit.csv${withParams({})}`,
      },
    };
  });

  add('/admin/audit.csv', { method: 'get', path: '/admin/audit.csv', kind: 'page', capability: CAP, summary: 'The filtered audit log as CSV (up to 50,000 rows)', query: auditQuery }, async ({ query, res }) => {
    const rows = await find(query, 50_000);
    const table: Cell[][] = [['seq', 'at', 'actor_id', 'actor', 'action', 'subject_type', 'subject_id', 'before', 'after', 'args', 'hash']];
    for (const r of rows) table.push([r.seq, r.at.toISOString(), r.actorId ?? '', r.actor?.name ?? '', r.action, r.subject.type, r.subject.id, json(r.before), json(r.after), json(r.args), r.hash]);
    (res as Response).type('text/csv; charset=utf-8').attachment('audit.csv').send(toCsv(table));
  });
}
