/**
 * Who takes a course, chosen by a trainer: people found by name or NIP, or whole units (a unit
 * and every unit below it, instansi → unit kerja). Enrolling is idempotent per person (the
 * enrolment's keyed `_id`); every enrol and unenrol by a trainer is audited.
 */
import { Types } from 'mongoose';
import type { KernelServices } from '../host/kernel-services';
import type { SessionUser } from '../identity/session-user';
import type { LearningService } from './learning-service';

export interface PersonHit {
  id: string;
  name: string;
  nip: string;
  unitName: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const users = (services: KernelServices) => services.conn.collection('identity_users');
const unitsCol = (services: KernelServices) => services.conn.collection('identity_units');

/** Units as a tree in display order, each with its depth. */
export async function unitTree(services: KernelServices): Promise<Array<{ id: string; name: string; depth: number; parentId: string | null }>> {
  const all = await unitsCol(services).find({}, { projection: { name: 1, parentId: 1 } }).toArray();
  const children = new Map<string, typeof all>();
  for (const u of all) {
    const p = u.parentId ? String(u.parentId) : '';
    children.set(p, [...(children.get(p) ?? []), u]);
  }
  const ids = new Set(all.map((u) => String(u._id)));
  const out: Array<{ id: string; name: string; depth: number; parentId: string | null }> = [];
  const walk = (parent: string, depth: number) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => String(a.name).localeCompare(String(b.name), 'id'))) {
      out.push({ id: String(u._id), name: String(u.name), depth, parentId: u.parentId ? String(u.parentId) : null });
      if (depth < 10) walk(String(u._id), depth + 1);
    }
  };
  walk('', 0);
  // Units whose parent is missing still appear, at the top.
  for (const u of all) if (u.parentId && !ids.has(String(u.parentId)) && !out.some((o) => o.id === String(u._id))) out.push({ id: String(u._id), name: String(u.name), depth: 0, parentId: null });
  return out;
}

/** A unit and every unit below it. */
export async function unitWithDescendants(services: KernelServices, unitId: string): Promise<Types.ObjectId[]> {
  const tree = await unitTree(services);
  const keep = new Set([unitId]);
  for (const u of tree) if (u.parentId && keep.has(u.parentId)) keep.add(u.id);
  return [...keep].filter((id) => tree.some((u) => u.id === id)).map((id) => new Types.ObjectId(id));
}

/** The active person whose NIP or username (e-mail) is exactly `text` (the person picker's value), if any. */
export async function findPersonByLogin(services: KernelServices, text: string): Promise<string | null> {
  const t = text.replace(/\s+/g, '');
  if (!t) return null;
  const row = await users(services).findOne({ active: { $ne: false }, $or: [{ nip: t }, { username: t.toLowerCase() }] }, { projection: { _id: 1 } });
  return row ? String(row._id) : null;
}

/** Active people whose name, NIP or username contains `q` (at most `limit`). */
export async function searchPeople(services: KernelServices, q: string, limit = 20): Promise<PersonHit[]> {
  const text = q.trim();
  if (text.length < 2) return [];
  const re = { $regex: escapeRegex(text), $options: 'i' };
  const rows = await users(services).find({ active: { $ne: false }, $or: [{ name: re }, { nip: re }, { username: re }] }, { projection: { name: 1, nip: 1, username: 1, unitId: 1 } }).limit(limit).toArray();
  const unitNames = new Map((await unitsCol(services).find({ _id: { $in: rows.filter((r) => r.unitId).map((r) => r.unitId) } }, { projection: { name: 1 } }).toArray()).map((u) => [String(u._id), String(u.name)]));
  return rows.map((r) => ({ id: String(r._id), name: String(r.name), nip: String(r.nip ?? r.username ?? ''), unitName: r.unitId ? unitNames.get(String(r.unitId)) ?? '' : '' }));
}

/** Enrols people and the active members of units (and units below them); returns how many were new, or the unknown ids (then nothing is enrolled). */
export async function enrolPeople(services: KernelServices, learning: LearningService, actor: SessionUser, courseId: string, input: { userIds: string[]; unitIds: string[] }): Promise<{ enrolled: number; already: number; unknown: string[] }> {
  const ids = new Set<string>();
  const unknown: string[] = [];
  const found = input.userIds.length ? await users(services).find({ _id: { $in: input.userIds.map((u) => new Types.ObjectId(u)) }, active: { $ne: false } }, { projection: { _id: 1 } }).toArray() : [];
  for (const u of found) ids.add(String(u._id));
  for (const u of input.userIds) if (!ids.has(u)) unknown.push(u);
  for (const unitId of input.unitIds) {
    if (!(await unitsCol(services).findOne({ _id: new Types.ObjectId(unitId) }, { projection: { _id: 1 } }))) {
      unknown.push(unitId);
      continue;
    }
    const units = await unitWithDescendants(services, unitId);
    for (const u of await users(services).find({ unitId: { $in: units }, active: { $ne: false } }, { projection: { _id: 1 } }).toArray()) ids.add(String(u._id));
  }
  // Nothing is enrolled when any choice is unknown: the caller shows which.
  if (unknown.length) return { enrolled: 0, already: 0, unknown };
  let enrolled = 0;
  for (const userId of ids) {
    const r = await learning.enrol(userId, courseId, { byTrainer: true });
    if (r.created) enrolled++;
  }
  if (enrolled) await services.audit.record('core', { action: 'course.audit.enrolled', actorId: actor.id, subject: { type: 'course', id: courseId }, args: { count: enrolled, units: input.unitIds.length } });
  return { enrolled, already: ids.size - enrolled, unknown };
}

export async function unenrolPerson(services: KernelServices, learning: LearningService, actor: SessionUser, courseId: string, userId: string): Promise<boolean> {
  const { removed } = await learning.unenrol(userId, courseId);
  if (removed) await services.audit.record('core', { action: 'course.audit.unenrolled', actorId: actor.id, subject: { type: 'course', id: courseId }, args: { userId } });
  return removed;
}
