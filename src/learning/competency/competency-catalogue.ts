/**
 * What admins maintain: the competencies (descriptions and level indicators of the seeded ones,
 * the agency's teknis catalogue) and the positions with their standard (standar kompetensi
 * jabatan), by form and by CSV import. Imports check every row first and write nothing while any
 * problem remains (no transactions in FerretDB, ADR 0034's rule), then upsert by code, so a
 * re-run of the same file changes nothing. Problems carry an i18n key and the 1-based line.
 */
import { Types } from 'mongoose';
import type { KernelServices } from '../../host/kernel-services';
import { readCsv } from '../../identity/people-csv';
import type { SessionUser } from '../../identity/session-user';
import { Errors } from '../../kernel/errors';
import type { CompetencyDoc, LearningModels } from '../learning-models';
import { positionKey, type CompetencyModels, type PlanItem, type PositionDoc, type StandardLine } from './competency-models';

export const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/** A code as typed on a form: trimmed, spaces as `-`, upper case ("tek arsip" → "TEK-ARSIP"). */
export const normalizeCode = (typed: string) => typed.trim().replace(/\s+/g, '-').toUpperCase();
export const TEKNIS_COLUMNS = ['code', 'name', 'description', 'level_1', 'level_2', 'level_3', 'level_4', 'level_5'] as const;
export const POSITION_COLUMNS = ['position_code', 'position_name', 'competency', 'required'] as const;

export interface ImportProblem {
  line: number;
  key: string;
  args?: Record<string, string | number>;
}

export interface ImportResult {
  problems: ImportProblem[];
  created: number;
  updated: number;
}

export interface CompetencyInput {
  code: string;
  name: string;
  description: string;
  indicators: string[];
}

function csvProblem(r: Exclude<ReturnType<typeof readCsv>, { ok: true }>): ImportProblem {
  return { line: r.line, key: `competency.import.err.${r.problem}`, args: { column: r.column ?? '' } };
}

export class CompetencyCatalogue {
  constructor(private services: KernelServices, private learning: LearningModels, private models: CompetencyModels) {}

  /** Edits a competency's text (any group), or creates a teknis one when the code is new. */
  async saveCompetency(user: SessionUser, input: CompetencyInput, createTeknis: boolean): Promise<CompetencyDoc> {
    const levels = input.indicators.map((indicator, i) => ({ level: i + 1, indicator }));
    const before = await this.learning.Competency.findOne({ code: input.code }).lean();
    if (createTeknis && before) throw Errors.conflict('Code taken', { details: [{ path: 'code', message: 'taken', i18n: 'competency.err.codeTaken' }] });
    if (!createTeknis && !before) throw Errors.notFound('Competency not found');
    const saved = await this.learning.Competency.findOneAndUpdate(
      { code: input.code },
      { $set: { name: input.name, description: input.description, levels, updatedAt: this.services.clock.now() }, $setOnInsert: { group: 'teknis' } },
      { upsert: createTeknis, new: true, lean: true },
    );
    await this.services.audit.record('core', { action: 'competency.audit.competencySaved', actorId: user.id, subject: { type: 'competency', id: input.code }, before: before ? { name: before.name, description: before.description } : undefined, after: { name: input.name, description: input.description } });
    return saved!;
  }

  /** Teknis competencies from CSV (`code,name,description,level_1..level_5`). */
  async importTeknis(user: SessionUser, text: string, dryRun: boolean): Promise<ImportResult> {
    const r = readCsv(text, TEKNIS_COLUMNS, ['code', 'name']);
    if (!r.ok) return { problems: [csvProblem(r)], created: 0, updated: 0 };
    const problems: ImportProblem[] = [];
    const seen = new Set<string>();
    const existing = new Map((await this.learning.Competency.find({}, { code: 1, group: 1 }).lean()).map((c) => [c.code, c.group]));
    for (const { line, values } of r.records) {
      if (!CODE.test(values.code ?? '')) problems.push({ line, key: 'competency.import.err.code', args: { value: values.code ?? '' } });
      else if (seen.has(values.code!)) problems.push({ line, key: 'competency.import.err.duplicate', args: { value: values.code! } });
      else if (existing.has(values.code!) && existing.get(values.code!) !== 'teknis') problems.push({ line, key: 'competency.import.err.notTeknis', args: { value: values.code! } });
      if (!values.name || values.name.length > 200) problems.push({ line, key: 'competency.import.err.name' });
      seen.add(values.code ?? '');
    }
    if (!r.records.length) problems.push({ line: 1, key: 'competency.import.err.empty' });
    let created = 0;
    let updated = 0;
    for (const { values } of r.records) (existing.has(values.code!) ? updated++ : created++);
    if (problems.length || dryRun) return { problems, created, updated };
    for (const { values } of r.records) {
      const levels = [1, 2, 3, 4, 5].map((l) => ({ level: l, indicator: values[`level_${l}`] ?? '' }));
      await this.learning.Competency.updateOne({ code: values.code }, { $set: { name: values.name, description: values.description ?? '', levels, updatedAt: this.services.clock.now() }, $setOnInsert: { group: 'teknis' } }, { upsert: true });
    }
    await this.services.audit.record('core', { action: 'competency.audit.teknisImported', actorId: user.id, subject: { type: 'competency', id: 'teknis' }, after: { created, updated } });
    return { problems, created, updated };
  }

  /** Creates or replaces a position and its standard; every competency must be in the catalogue. */
  async savePosition(user: SessionUser, input: { code: string; name: string; standard: StandardLine[] }): Promise<{ code: string; name: string; standard: StandardLine[] }> {
    if (!CODE.test(input.code)) throw Errors.validation('Bad code', { details: [{ path: 'code', message: 'letters, digits, _ -', i18n: 'competency.err.code' }] });
    const codes = new Set(input.standard.map((s) => s.competency));
    if (codes.size !== input.standard.length) throw Errors.validation('A competency is listed twice', { details: [{ path: 'standard', message: 'listed twice', i18n: 'competency.err.twice' }] });
    const known = await this.learning.Competency.countDocuments({ code: { $in: [...codes] } });
    if (known !== codes.size) throw Errors.validation('Unknown competency', { details: [{ path: 'standard', message: 'not in the catalogue', i18n: 'competency.err.unknown' }] });
    const before = await this.models.Position.findOne({ code: input.code }).lean();
    const standard = input.standard.map((s) => ({ competency: s.competency, required: s.required }));
    await this.models.Position.updateOne({ code: input.code }, { $set: { name: input.name, nameKey: positionKey(input.name), standard, updatedAt: this.services.clock.now() } }, { upsert: true });
    await this.services.audit.record('core', { action: 'competency.audit.positionSaved', actorId: user.id, subject: { type: 'position', id: input.code }, before: before ? { name: before.name, standard: before.standard } : undefined, after: { name: input.name, standard } });
    return { code: input.code, name: input.name, standard };
  }

  /** Positions and standards from CSV, one row per competency (`position_code,position_name,competency,required`). */
  async importPositions(user: SessionUser, text: string, dryRun: boolean): Promise<ImportResult> {
    const r = readCsv(text, POSITION_COLUMNS, POSITION_COLUMNS);
    if (!r.ok) return { problems: [csvProblem(r)], created: 0, updated: 0 };
    const problems: ImportProblem[] = [];
    const known = new Set((await this.learning.Competency.find({}, { code: 1 }).lean()).map((c) => c.code));
    const positions = new Map<string, { name: string; standard: StandardLine[] }>();
    for (const { line, values } of r.records) {
      const code = values.position_code ?? '';
      if (!CODE.test(code)) { problems.push({ line, key: 'competency.import.err.code', args: { value: code } }); continue; }
      if (!values.position_name) { problems.push({ line, key: 'competency.import.err.name' }); continue; }
      if (!known.has(values.competency ?? '')) { problems.push({ line, key: 'competency.import.err.unknown', args: { value: values.competency ?? '' } }); continue; }
      if (!/^[1-5]$/.test(values.required ?? '')) { problems.push({ line, key: 'competency.import.err.level', args: { value: values.required ?? '' } }); continue; }
      const p = positions.get(code) ?? positions.set(code, { name: values.position_name, standard: [] }).get(code)!;
      if (p.name !== values.position_name) { problems.push({ line, key: 'competency.import.err.nameDiffers', args: { value: code } }); continue; }
      if (p.standard.some((s) => s.competency === values.competency)) { problems.push({ line, key: 'competency.import.err.duplicate', args: { value: values.competency! } }); continue; }
      p.standard.push({ competency: values.competency!, required: Number(values.required) });
    }
    if (!r.records.length) problems.push({ line: 1, key: 'competency.import.err.empty' });
    const existing = new Set((await this.models.Position.find({ code: { $in: [...positions.keys()] } }, { code: 1 }).lean()).map((p) => p.code));
    const created = [...positions.keys()].filter((c) => !existing.has(c)).length;
    const updated = positions.size - created;
    if (problems.length || dryRun) return { problems, created, updated };
    for (const [code, p] of positions) {
      await this.models.Position.updateOne({ code }, { $set: { name: p.name, nameKey: positionKey(p.name), standard: p.standard, updatedAt: this.services.clock.now() } }, { upsert: true });
    }
    await this.services.audit.record('core', { action: 'competency.audit.positionsImported', actorId: user.id, subject: { type: 'position', id: 'import' }, after: { created, updated } });
    return { problems, created, updated };
  }

  positionByCode(code: string): Promise<PositionDoc | null> {
    return this.models.Position.findOne({ code }).lean();
  }

  /** Plan items as sent, checked: known competencies, existing published courses (their title kept). */
  async planItems(items: Array<{ competency: string; from: number; to: number; courseId?: string; note?: string }>): Promise<PlanItem[]> {
    const codes = new Set(items.map((i) => i.competency));
    if ((await this.learning.Competency.countDocuments({ code: { $in: [...codes] } })) !== codes.size) {
      throw Errors.validation('Unknown competency', { details: [{ path: 'items', message: 'not in the catalogue', i18n: 'competency.err.unknown' }] });
    }
    const ids = items.filter((i) => i.courseId).map((i) => new Types.ObjectId(i.courseId));
    const courses = new Map((await this.learning.Course.find({ _id: { $in: ids }, published: true }, { title: 1 }).lean()).map((c) => [String(c._id), c.title]));
    return items.map((i) => {
      if (i.courseId && !courses.has(i.courseId)) throw Errors.validation('Unknown course', { details: [{ path: 'items', message: 'no such published course', i18n: 'competency.err.course' }] });
      return { competency: i.competency, from: i.from, to: i.to, courseId: i.courseId ? new Types.ObjectId(i.courseId) : undefined, courseTitle: i.courseId ? courses.get(i.courseId) : undefined, note: i.note || undefined };
    });
  }
}
