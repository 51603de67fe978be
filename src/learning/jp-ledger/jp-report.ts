/**
 * The JP compliance report: per ASN their JP of a year by kind against their target, and the share
 * at or above target, per unit and for the whole scope. The pages, the exports and
 * `bina jp report` all build it here, so they cannot disagree. Targets come from settings per
 * employment type (DOMAIN.md, configurable); staff without an ASN number have none and are not
 * counted in compliance.
 */
import { Types } from 'mongoose';
import type { Config } from '../../config';
import type { UnitTree } from '../../identity/unit-tree';
import type { ScopedPerson } from '../../identity/unit-scope';
import type { Cell } from '../table-export';
import { JP_KINDS } from './jp-kinds';
import { round2, type JpLedger } from './jp-ledger';

/** The yearly JP target of an employment type (settings), or undefined for staff (no obligation). */
export function jpTargetFor(kind: string | undefined, config: Pick<Config, 'BINA_JP_TARGET_PNS' | 'BINA_JP_TARGET_PPPK'>): number | undefined {
  if (kind === 'pns') return config.BINA_JP_TARGET_PNS;
  if (kind === 'pppk') return config.BINA_JP_TARGET_PPPK;
  return undefined;
}

export interface JpReportRow {
  userId: string;
  name: string;
  nip: string;
  kind: string;
  unitId?: string;
  unit: string;
  unitCode: string;
  target: number;
  total: number;
  byKind: Record<string, number>;
  met: boolean;
  shortBy: number;
}

export interface JpReport {
  year: number;
  rows: JpReportRow[];
  below: JpReportRow[];
  /** Kinds that occur, in the order of jp-kinds.ts. */
  kinds: string[];
  units: Array<{ unitId?: string; unit: string; people: number; met: number; share: number }>;
  totals: { people: number; met: number; share: number; jp: number; byKind: Record<string, number> };
}

const share = (met: number, people: number) => (people ? round2((met / people) * 100) : 0);

export async function buildJpReport(ledger: JpLedger, people: ScopedPerson[], tree: UnitTree, year: number, config: Pick<Config, 'BINA_JP_TARGET_PNS' | 'BINA_JP_TARGET_PPPK'>): Promise<JpReport> {
  const asn = people.filter((p) => jpTargetFor(p.kind, config) !== undefined);
  const entries = await ledger.entriesFor(asn.map((p) => p._id as Types.ObjectId), year);
  const sums = new Map<string, { total: number; byKind: Record<string, number> }>();
  const seenKinds = new Set<string>();
  for (const e of entries) {
    const s = sums.get(String(e.userId)) ?? sums.set(String(e.userId), { total: 0, byKind: {} }).get(String(e.userId))!;
    s.total += e.jp;
    s.byKind[e.activityKind] = (s.byKind[e.activityKind] ?? 0) + e.jp;
    seenKinds.add(e.activityKind);
  }
  const rows: JpReportRow[] = asn.map((p) => {
    const s = sums.get(String(p._id)) ?? { total: 0, byKind: {} };
    const target = jpTargetFor(p.kind, config)!;
    const total = round2(s.total);
    const unit = p.unitId ? tree.byId.get(String(p.unitId)) : undefined;
    return {
      userId: String(p._id), name: [p.frontTitle, p.name].filter(Boolean).join(' ') + (p.backTitle ? `, ${p.backTitle}` : ''), nip: p.nip ?? '', kind: p.kind,
      unitId: unit?.id, unit: unit?.name ?? '', unitCode: unit?.code ?? '', target, total, byKind: s.byKind, met: total >= target, shortBy: round2(Math.max(0, target - total)),
    };
  });
  const byUnit = new Map<string, { unitId?: string; unit: string; people: number; met: number }>();
  for (const r of rows) {
    const u = byUnit.get(r.unitId ?? '') ?? byUnit.set(r.unitId ?? '', { unitId: r.unitId, unit: r.unit, people: 0, met: 0 }).get(r.unitId ?? '')!;
    u.people += 1;
    if (r.met) u.met += 1;
  }
  const order = new Map(tree.ordered.map((n, i) => [n.id, i]));
  const units = [...byUnit.values()].sort((a, b) => (order.get(a.unitId ?? '') ?? 1e9) - (order.get(b.unitId ?? '') ?? 1e9)).map((u) => ({ ...u, share: share(u.met, u.people) }));
  const byKind: Record<string, number> = {};
  for (const r of rows) for (const [kind, jp] of Object.entries(r.byKind)) byKind[kind] = round2((byKind[kind] ?? 0) + jp);
  const met = rows.filter((r) => r.met).length;
  return {
    year, rows, below: rows.filter((r) => !r.met).sort((a, b) => b.shortBy - a.shortBy || a.name.localeCompare(b.name, 'id')),
    kinds: JP_KINDS.map((k) => k.id).filter((k) => seenKinds.has(k)), units,
    totals: { people: rows.length, met, share: share(met, rows.length), jp: round2(rows.reduce((s, r) => s + r.total, 0)), byKind },
  };
}

/** The per-ASN table (CSV, XLSX, the CLI's CSV): one row per person, a column per kind that occurs. */
export function jpReportTable(r: JpReport, label: (key: string, args?: Record<string, unknown>) => string): Cell[][] {
  return [
    [label('jp.report.col.nip'), label('jp.report.col.name'), label('jp.report.col.unit'), label('jp.report.col.employment'), ...r.kinds.map((k) => label(`jp.kind.${k}`)), label('jp.report.col.total'), label('jp.report.col.target'), label('jp.report.col.met')],
    ...r.rows.map((x) => [x.nip, x.name, x.unit, x.kind.toUpperCase(), ...r.kinds.map((k) => round2(x.byKind[k] ?? 0)), x.total, x.target, label(x.met ? 'jp.report.yes' : 'jp.report.no')]),
  ];
}

/** The report as JSON for the API and `bina jp report --format json`. */
export function jpReportJson(r: JpReport) {
  return {
    year: r.year,
    compliance: { people: r.totals.people, atOrAboveTarget: r.totals.met, sharePercent: r.totals.share },
    totals: { jp: r.totals.jp, byKind: r.totals.byKind },
    units: r.units.map((u) => ({ unit: u.unit, people: u.people, atOrAboveTarget: u.met, sharePercent: u.share })),
    people: r.rows.map((x) => ({ nip: x.nip, name: x.name, unit: x.unit, unitCode: x.unitCode, employment: x.kind, byKind: Object.fromEntries(Object.entries(x.byKind).map(([k, v]) => [k, round2(v)])), total: x.total, target: x.target, met: x.met })),
  };
}
