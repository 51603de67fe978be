/**
 * Importing units and people from CSV (docs/users-csv.md), the way question import works: a
 * preview first, listing every row as a create, an update or unchanged, and every problem with its
 * file, line and column; nothing is written while any problem remains (nothing half-imported).
 * Writing is a series of upserts keyed by unit code and by username (the NIP, or the e-mail of
 * staff), units before people and supervisors last, so an interrupted import that is retried
 * completes and a repeated one changes nothing (idempotent by NIP).
 *
 * New people get no usable password: an admin sets a temporary one on their page (which they must
 * change at first login). Roles in the file apply to new people only, and never `admin`: roles of
 * existing people change on their page, where the change is audited.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { AuditLog } from '../kernel/audit';
import type { Clock } from '../kernel/clock';
import { ROLES, type Role } from '../kernel/plugins/manifest';
import { toLocalizable, type LocalizableText } from '../views/zod-messages';
import { FUNCTIONAL_LEVELS, POSITION_TYPES, TIME_ZONES } from './asn-lists';
import type { IdentityModels, UserDoc } from './identity-models';
import { readCsv, UNIT_COLUMNS, USER_COLUMNS, type CsvRead, type CsvRecord } from './people-csv';
import { employmentOf, profileFields, userRules } from './user-fields';
import { UnitTree } from './unit-tree';

export interface ImportProblem extends LocalizableText {
  file: 'units' | 'users';
  line: number;
  column?: string;
}

export interface PlannedRow {
  file: 'units' | 'users';
  line: number;
  key: string;
  label: string;
  action: 'create' | 'update' | 'unchanged';
  /** Columns whose value changes (updates). */
  changes: string[];
}

export interface ImportPlan {
  units: PlannedRow[];
  users: PlannedRow[];
  problems: ImportProblem[];
  counts: { create: number; update: number; unchanged: number };
}

export const importInput = z.strictObject({
  units: z.string().max(2_000_000).optional(),
  users: z.string().max(5_000_000).optional(),
  dryRun: z.boolean().default(true),
});

const p = (file: ImportProblem['file'], line: number, column: string | undefined, message: string, i18n: string, args?: Record<string, unknown>): ImportProblem => ({
  file, line, ...(column ? { column } : {}), message, i18n: `people.import.err.${i18n}`, ...(args ? { args } : {}),
});

const slug = (s: string) => s.trim().toLowerCase().replace(/[\s_]+/g, '-');
const zoneOf = (s: string) => TIME_ZONES.find((z) => z.label === s.toUpperCase() || z.id === s)?.id;
const USER_FIELD_OF: Record<string, string> = { front_title: 'frontTitle', back_title: 'backTitle', position_name: 'positionName', position_type: 'positionType', functional_level: 'functionalLevel', time_zone: 'timeZone' };
const COLUMN_OF = Object.fromEntries(Object.entries(USER_FIELD_OF).map(([c, f]) => [f, c]));

interface UnitRow { line: number; code: string; name: string; parentCode?: string; region?: string }
interface UserRow {
  line: number; username: string; nip?: string; email?: string; unitCode?: string; supervisorNip?: string; roles: Role[];
  fields: Record<string, string>;
}

export class PeopleImport {
  constructor(private models: IdentityModels, private audit: AuditLog, private clock: Clock) {}

  /** Reads, checks and compares with what is stored; writes nothing. */
  async plan(input: { units?: string | undefined; users?: string | undefined }): Promise<ImportPlan & { unitRows: UnitRow[]; userRows: UserRow[] }> {
    const problems: ImportProblem[] = [];
    const tree = await UnitTree.load(this.models.Unit);
    const unitRead = input.units?.trim() ? readCsv(input.units, UNIT_COLUMNS, ['code', 'name']) : { ok: true as const, records: [] };
    const userRead = input.users?.trim() ? readCsv(input.users, USER_COLUMNS, ['name']) : { ok: true as const, records: [] };
    for (const [file, r] of [['units', unitRead], ['users', userRead]] as const) if (!r.ok) problems.push(fileProblem(file, r));
    const unitRows = this.checkUnits(unitRead.ok ? unitRead.records : [], tree, problems);
    const fileUnitCodes = new Set(unitRows.map((u) => u.code));
    const userRows = await this.checkUsers(userRead.ok ? userRead.records : [], tree, fileUnitCodes, problems);

    const units: PlannedRow[] = unitRows.map((u) => {
      const have = tree.byCode(u.code);
      const parentHave = have?.parentId ? tree.byId.get(have.parentId)?.code : undefined;
      const changes = have ? [have.name !== u.name && 'name', u.parentCode && parentHave !== u.parentCode && 'parent_code', u.region && have.region !== u.region && 'region'].filter((c): c is string => Boolean(c)) : [];
      return { file: 'units', line: u.line, key: u.code, label: u.name, action: !have ? 'create' : changes.length ? 'update' : 'unchanged', changes };
    });
    const existing = new Map((await this.models.User.find({ username: { $in: userRows.map((u) => u.username) } }).lean()).map((u) => [u.username, u]));
    const supervisorIds = new Map((await this.models.User.find({ username: { $in: userRows.flatMap((u) => (u.supervisorNip ? [u.supervisorNip] : [])) } }, { username: 1 }).lean()).map((u) => [String(u._id), u.username]));
    const users: PlannedRow[] = userRows.map((u) => {
      const have = existing.get(u.username);
      const changes = have ? userChanges(have, u, tree, supervisorIds) : [];
      return { file: 'users', line: u.line, key: u.username, label: u.fields.name!, action: !have ? 'create' : changes.length ? 'update' : 'unchanged', changes };
    });
    const all = [...units, ...users];
    const counts = { create: all.filter((r) => r.action === 'create').length, update: all.filter((r) => r.action === 'update').length, unchanged: all.filter((r) => r.action === 'unchanged').length };
    problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file === 'units' ? -1 : 1));
    return { units, users, problems, counts, unitRows, userRows };
  }

  private checkUnits(records: CsvRecord[], tree: UnitTree, problems: ImportProblem[]): UnitRow[] {
    const rows: UnitRow[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of records) {
      const before = problems.length;
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(v.code ?? '')) problems.push(p('units', line, 'code', 'a code is 1–40 letters, digits, _ or -', 'unitCode'));
      else if (seen.has(v.code!)) problems.push(p('units', line, 'code', `code ${v.code} is already on line ${seen.get(v.code!)}`, 'duplicate', { value: v.code, line: seen.get(v.code!) }));
      if (!v.name || v.name.length > 200) problems.push(p('units', line, 'name', 'a name of 1–200 characters is needed', 'unitName'));
      if ((v.region ?? '').length > 100) problems.push(p('units', line, 'region', 'at most 100 characters', 'tooLong', { max: 100 }));
      if (v.code) seen.set(v.code, line);
      if (problems.length === before) rows.push({ line, code: v.code!, name: v.name!, parentCode: v.parent_code || undefined, region: v.region || undefined });
    }
    // Parents: in the file or stored; and no unit may end up below itself.
    const parentOf = new Map<string, string | undefined>();
    for (const n of tree.byId.values()) parentOf.set(n.code, n.parentId ? tree.byId.get(n.parentId)?.code : undefined);
    for (const r of rows) if (r.parentCode || !parentOf.has(r.code)) parentOf.set(r.code, r.parentCode ?? parentOf.get(r.code));
    for (const r of rows) {
      if (r.parentCode && !parentOf.has(r.parentCode)) problems.push(p('units', r.line, 'parent_code', `no unit has the code ${r.parentCode}`, 'unknownUnit', { value: r.parentCode }));
      let at = r.parentCode;
      for (let i = 0; at && i < 1000; i++) {
        if (at === r.code) {
          problems.push(p('units', r.line, 'parent_code', 'a unit cannot be placed below itself', 'cycle'));
          break;
        }
        at = parentOf.get(at);
      }
    }
    return rows;
  }

  private async checkUsers(records: CsvRecord[], tree: UnitTree, fileUnits: Set<string>, problems: ImportProblem[]): Promise<UserRow[]> {
    const rows: UserRow[] = [];
    const seen = new Map<string, number>();
    const schema = z.object({ nip: z.string().optional(), ...profileFields }).superRefine((u, ctx) => userRules(u, ctx));
    for (const { line, values: v } of records) {
      const before = problems.length;
      const nip = v.nip?.replace(/\s+/g, '') || undefined;
      const fields: Record<string, string> = {};
      for (const c of ['email', 'name', 'front_title', 'back_title', 'golongan', 'position_name', 'phone'] as const) if (v[c]) fields[USER_FIELD_OF[c] ?? c] = c === 'email' ? v[c]!.toLowerCase() : v[c]!;
      if (!v.name) fields.name = '';
      if (v.position_type) {
        const t = slug(v.position_type);
        if ((POSITION_TYPES as readonly string[]).includes(t)) fields.positionType = t;
        else problems.push(p('users', line, 'position_type', `not a position type (${POSITION_TYPES.join(', ')})`, 'positionType', { value: v.position_type }));
      }
      if (v.functional_level) {
        const l = slug(v.functional_level);
        if ((FUNCTIONAL_LEVELS as readonly string[]).includes(l)) fields.functionalLevel = l;
        else problems.push(p('users', line, 'functional_level', `not a functional level (${FUNCTIONAL_LEVELS.join(', ')})`, 'functionalLevel', { value: v.functional_level }));
      }
      if (v.time_zone) {
        const tz = zoneOf(v.time_zone);
        if (tz) fields.timeZone = tz;
        else problems.push(p('users', line, 'time_zone', 'WIB, WITA or WIT', 'timeZone', { value: v.time_zone }));
      }
      const roles = (v.roles ?? '').split(/[;\s|]+/).map((r) => r.trim().toLowerCase()).filter(Boolean);
      for (const r of roles) {
        if (r === 'admin') problems.push(p('users', line, 'roles', 'the admin role is given on the person\'s page, not by import', 'adminRole'));
        else if (!(ROLES as readonly string[]).includes(r)) problems.push(p('users', line, 'roles', `not a role (learner, trainer, mentor)`, 'role', { value: r }));
      }
      const checked = schema.safeParse({ nip, ...fields });
      if (!checked.success) {
        for (const i of checked.error.issues) {
          const field = String(i.path[0] ?? 'name');
          const column = COLUMN_OF[field] ?? field;
          const loc = toLocalizable(i);
          problems.push({ file: 'users', line, column, message: loc.message, ...(loc.i18n ? { i18n: loc.i18n } : {}), ...(loc.args ? { args: loc.args } : {}) });
        }
      }
      if (v.unit_code && !fileUnits.has(v.unit_code) && !tree.byCode(v.unit_code)) problems.push(p('users', line, 'unit_code', `no unit has the code ${v.unit_code}`, 'unknownUnit', { value: v.unit_code }));
      const username = (nip ?? fields.email ?? '').toLowerCase();
      if (username && seen.has(username)) problems.push(p('users', line, nip ? 'nip' : 'email', `${username} is already on line ${seen.get(username)}`, 'duplicate', { value: username, line: seen.get(username) }));
      if (username && !seen.has(username)) seen.set(username, line);
      if (problems.length === before) {
        rows.push({ line, username, nip, email: fields.email, unitCode: v.unit_code || undefined, supervisorNip: v.supervisor_nip?.replace(/\s+/g, '') || undefined, roles: roles as Role[], fields });
      }
    }
    // Supervisors: someone in the file or already stored, and not the person themselves.
    const wanted = [...new Set(rows.flatMap((r) => (r.supervisorNip ? [r.supervisorNip] : [])))];
    const stored = new Set((await this.models.User.find({ username: { $in: wanted } }, { username: 1 }).lean()).map((u) => u.username));
    // An e-mail may belong to a stored person other than the row's (unique usernames of staff).
    const emails = rows.filter((r) => r.nip && r.email).map((r) => r.email!);
    const emailOwners = new Map((await this.models.User.find({ username: { $in: emails } }, { username: 1 }).lean()).map((u) => [u.username, true]));
    for (const r of rows) {
      if (r.supervisorNip === r.nip && r.nip) problems.push(p('users', r.line, 'supervisor_nip', 'nobody is their own supervisor', 'supervisorSelf'));
      else if (r.supervisorNip && !seen.has(r.supervisorNip) && !stored.has(r.supervisorNip)) problems.push(p('users', r.line, 'supervisor_nip', `nobody has the NIP ${r.supervisorNip}`, 'unknownSupervisor', { value: r.supervisorNip }));
      if (r.email && emailOwners.has(r.email)) problems.push(p('users', r.line, 'email', `${r.email} is the login of another person`, 'emailTaken', { value: r.email }));
    }
    return rows;
  }

  /** Writes the plan when it has no problem; otherwise a 400 listing them and nothing written. */
  async apply(input: { units?: string | undefined; users?: string | undefined }, actorId: string): Promise<ImportPlan> {
    const plan = await this.plan(input);
    if (plan.problems.length) throw Errors.validation('The files have problems; nothing was imported', { details: plan.problems });
    const now = this.clock.now();
    // Units, parents before children (the file may list them in any order).
    const codeToId = new Map([...(await UnitTree.load(this.models.Unit)).byId.values()].map((n) => [n.code, n.id]));
    const pending = [...plan.unitRows];
    while (pending.length) {
      const i = pending.findIndex((u) => !u.parentCode || codeToId.has(u.parentCode) && !pending.some((o) => o.code === u.parentCode));
      const [u] = pending.splice(i < 0 ? 0 : i, 1);
      const parentId = u!.parentCode ? codeToId.get(u!.parentCode) : undefined;
      // An empty cell leaves the stored value as it is (as for people).
      const doc = await this.models.Unit.findOneAndUpdate(
        { code: u!.code },
        { $set: { name: u!.name, ...(parentId ? { parentId: new Types.ObjectId(parentId) } : {}), ...(u!.region ? { region: u!.region } : {}) } },
        { upsert: true, new: true },
      ).lean();
      codeToId.set(u!.code, String(doc!._id));
    }
    // People, keyed by username; supervisors once everyone exists.
    for (const r of plan.userRows) {
      const unitId = r.unitCode ? codeToId.get(r.unitCode) : undefined;
      const set: Record<string, unknown> = { ...r.fields, updatedAt: now, ...(unitId ? { unitId: new Types.ObjectId(unitId) } : {}) };
      await this.models.User.updateOne(
        { username: r.username },
        {
          $set: set,
          $setOnInsert: { username: r.username, kind: employmentOf(r.nip), ...(r.nip ? { nip: r.nip } : {}), roles: r.roles.length ? [...new Set(r.roles)] : ['learner'], passwordHash: '!', active: true, createdAt: now, locale: 'id', ...(r.fields.timeZone ? {} : { timeZone: 'Asia/Jakarta' }) },
        },
        { upsert: true },
      );
    }
    const withSupervisor = plan.userRows.filter((r) => r.supervisorNip);
    const ids = new Map((await this.models.User.find({ username: { $in: withSupervisor.map((r) => r.supervisorNip!) } }, { username: 1 }).lean()).map((u) => [u.username, u._id]));
    for (const r of withSupervisor) await this.models.User.updateOne({ username: r.username }, { $set: { supervisorId: ids.get(r.supervisorNip!) } });
    await this.audit.record('core', { action: 'audit.users.imported', actorId, subject: { type: 'import', id: `people-${now.getTime()}` }, after: plan.counts });
    return { units: plan.units, users: plan.users, problems: [], counts: plan.counts };
  }
}

function fileProblem(file: ImportProblem['file'], r: Extract<CsvRead, { ok: false }>): ImportProblem {
  switch (r.problem) {
    case 'unknownColumn': return p(file, r.line, r.column, `unknown column ${r.column}`, 'unknownColumn', { value: r.column });
    case 'missingColumn': return p(file, r.line, r.column, `the column ${r.column} is missing`, 'missingColumn', { value: r.column });
    case 'tooMany': return p(file, r.line, undefined, 'at most 5000 rows per file', 'tooMany');
    default: return p(file, r.line, undefined, `the file cannot be read as CSV: ${r.detail ?? ''}`, 'parse');
  }
}

/** The columns of a stored person that the row would change. */
function userChanges(have: UserDoc, row: UserRow, tree: UnitTree, supervisorUsernames: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(row.fields)) if (String(have[field as keyof UserDoc] ?? '') !== value) out.push(COLUMN_OF[field] ?? field);
  const unitCode = have.unitId ? tree.byId.get(String(have.unitId))?.code : undefined;
  if (row.unitCode && row.unitCode !== unitCode) out.push('unit_code');
  if (row.supervisorNip && supervisorUsernames.get(String(have.supervisorId ?? '')) !== row.supervisorNip) out.push('supervisor_nip');
  return out;
}
