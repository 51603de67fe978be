/**
 * Importing question files into a bank. Always a preview first: every parsed question is listed
 * with its type, line and any problem; nothing is stored until the trainer confirms. Confirming
 * stores every valid question in one insert and reports every rejected one with its line and
 * reason, so no question is ever dropped without a word. An import id makes a retried confirm
 * harmless; files with many questions are imported by a job that reports progress.
 */
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { KernelServices } from '../../host/kernel-services';
import type { SessionUser } from '../../identity/session-user';
import { toLocalizable, type IssueLike, type LocalizableIssue, type LocalizableText } from '../../views/zod-messages';
import type { LearningService } from '../learning-service';
import type { QuestionBank } from '../question-bank';
import type { NeutralQuestion } from './neutral-question';
import type { QuestionImporter } from './importer';
import { defaultMarkOf } from '../question-type';

export const IMPORT_JOB = 'learning.import-questions';
/** Above this many questions the import runs as a job with progress. */
export const SYNC_IMPORT_LIMIT = 300;

export interface PreviewEntry {
  index: number;
  line: number;
  status: 'ok' | 'rejected';
  neutralType: string;
  type?: string;
  name: string;
  category: string | null;
  /** Why the question was rejected, or what to check, in English (the API's text). */
  reasons: string[];
  /** The same reasons, one for one, with their field path and i18n key, so a page can show them in its reader's language. */
  details: LocalizableIssue[];
}

export interface ImportPreview {
  format: string;
  questionCount: number;
  valid: number;
  rejected: number;
  entries: PreviewEntry[];
  /** Problems that belong to no parsed question (e.g. a block that could not be read), by line; `message` in English, `i18n`/`args` for pages. */
  problems: Array<FileProblem & { severity: 'error' | 'warning' }>;
}

export interface ImportDoc {
  _id: string;
  bankId: Types.ObjectId;
  categoryId: Types.ObjectId;
  userId: Types.ObjectId;
  format: string;
  text: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  stored: number;
  /** `details` (as in PreviewEntry) is missing in reports stored before it existed: those show `reasons`. */
  rejected: Array<{ line: number; reasons: string[]; details?: LocalizableIssue[] }>;
  /** `i18n`/`args` are missing in reports stored before they existed: those show `message`. */
  problems: Array<FileProblem & { severity: string }>;
  error?: string;
  createdAt: Date;
  finishedAt?: Date;
}

export function defineImportModel(conn: Connection): Model<ImportDoc> {
  const s = new Schema<ImportDoc>(
    {
      _id: { type: String, required: true },
      bankId: { type: Schema.Types.ObjectId, required: true },
      categoryId: { type: Schema.Types.ObjectId, required: true },
      userId: { type: Schema.Types.ObjectId, required: true },
      format: { type: String, required: true },
      text: { type: String, required: true },
      state: { type: String, required: true },
      progress: { type: Number, default: 0 },
      stored: { type: Number, default: 0 },
      rejected: {
        type: [{ _id: false, line: Number, reasons: [String], details: [{ _id: false, path: [Schema.Types.Mixed], message: String, i18n: String, args: Schema.Types.Mixed }] }],
        default: [],
      },
      problems: { type: [{ _id: false, line: Number, message: String, i18n: String, args: Schema.Types.Mixed, severity: String }], default: [] },
      error: String,
      createdAt: { type: Date, required: true },
      finishedAt: Date,
    },
    { versionKey: false },
  );
  return conn.model<ImportDoc>('learning_imports', s, 'learning_imports');
}

export class QuestionImport {
  readonly Import: Model<ImportDoc>;

  constructor(private services: KernelServices, private learning: LearningService, private bank: QuestionBank) {
    this.Import = defineImportModel(services.conn);
    services.models.add(this.Import);
  }

  importer(format: string): QuestionImporter {
    const imp: QuestionImporter | undefined = this.services.registries.importers.get(format);
    if (!imp) throw Errors.validation(`Unknown format '${format}'`, { details: [{ path: 'format', message: `one of ${this.services.registries.importers.ids().join(', ')}` }] });
    return imp;
  }

  /** Parses and checks every question against its type; stores nothing. */
  preview(format: string, text: string): ImportPreview & { ready: Array<{ entry: PreviewEntry; item: NeutralQuestion; data: unknown; typeId: string }> } {
    const parsed = this.importer(format).parse(text);
    const byNeutral = new Map<string, { id: string; type: NonNullable<ReturnType<KernelServices['registries']['questionTypes']['get']>> }>();
    for (const t of this.services.registries.questionTypes.list()) for (const n of t.interchange?.neutralTypes ?? []) byNeutral.set(n, { id: t.id, type: t });
    const entries: PreviewEntry[] = [];
    const ready: Array<{ entry: PreviewEntry; item: NeutralQuestion; data: unknown; typeId: string }> = [];
    const warningsByIndex = new Map<number, LocalizableIssue[]>();
    for (const p of parsed.problems) if (p.itemIndex !== undefined) warningsByIndex.set(p.itemIndex, [...(warningsByIndex.get(p.itemIndex) ?? []), { path: [], ...problemText(p) }]);
    let category: string | null = null;
    parsed.items.forEach((raw, i) => {
      if (raw.type === 'category') {
        category = raw.path;
        return;
      }
      const item = raw as NeutralQuestion & { line: number };
      const warnings = warningsByIndex.get(i) ?? [];
      const entry: PreviewEntry = { index: entries.length, line: item.line, status: 'ok', neutralType: item.type, name: questionName(item), category, reasons: warnings.map((w) => w.message), details: [...warnings] };
      const reject = (detail: LocalizableIssue, reason = detail.message) => {
        entry.status = 'rejected';
        entry.reasons.push(reason);
        entry.details.push(detail);
      };
      const target = byNeutral.get(item.type);
      if (!target) {
        reject({ path: [], message: `no installed question type reads ${item.type}`, i18n: 'bank.import.noType', args: { type: item.type } });
      } else {
        entry.type = target.id;
        try {
          const data = target.type.interchange!.fromNeutral(item);
          const check = target.type.dataSchema.safeParse(data);
          if (!check.success) for (const x of check.error.issues as IssueLike[]) reject(toLocalizable(x), `${x.path.join('.') || 'question'}: ${x.message}`);
          else ready.push({ entry, item, data: check.data, typeId: target.id });
        } catch (e) {
          const message = (e as Error).message;
          reject({ path: [], message, i18n: 'bank.import.convertFailed', args: { reason: message } });
        }
      }
      entries.push(entry);
    });
    const problems = parsed.problems.filter((p) => p.itemIndex === undefined).map((p) => ({ line: p.line, ...problemText(p), severity: p.severity }));
    return { format, questionCount: entries.length, valid: ready.length, rejected: entries.length - ready.length, entries, problems, ready };
  }

  /** Stores every valid question of the file in one insert. Idempotent per import id. */
  async commit(user: SessionUser, input: ImportInput) {
    const existing = await this.Import.findById(input.importId ?? '').lean();
    if (existing) return this.sameImport(user, input, existing);
    const doc = await this.createRecord(user, input, 'running');
    return this.storeFrom(doc);
  }

  /** Queues a large import; the job stores it with progress. */
  async enqueue(user: SessionUser, input: ImportInput) {
    const existing = await this.Import.findById(input.importId ?? '').lean();
    if (existing) return this.sameImport(user, input, existing);
    const doc = await this.createRecord(user, input, 'queued');
    await this.services.queues.enqueue(IMPORT_JOB, { importId: doc._id }, { key: `import-${doc._id}` });
    return doc;
  }

  /** The job. Idempotent: a finished import is skipped; a half-done one is cleaned and redone. */
  async runJob(importId: string, progress: (p: number) => Promise<void>): Promise<string> {
    const doc = await this.Import.findById(importId).lean();
    if (!doc || doc.state === 'done') return 'skipped';
    await this.learning.models.Question.deleteMany({ 'source.importId': importId });
    await this.Import.updateOne({ _id: importId }, { $set: { state: 'running' } });
    try {
      await this.storeFrom(doc, progress);
    } catch (e) {
      await this.Import.updateOne({ _id: importId }, { $set: { state: 'failed', error: (e as Error).message } });
      throw e;
    }
    return 'done';
  }

  private async sameImport(user: SessionUser, input: ImportInput, existing: ImportDoc) {
    if (String(existing.bankId) !== input.bankId || String(existing.userId) !== user.id) throw Errors.conflict('This import id is already used');
    return existing;
  }

  private async createRecord(user: SessionUser, input: ImportInput, state: ImportDoc['state']): Promise<ImportDoc> {
    const bank = await this.bank.requireBank(user, input.bankId);
    this.importer(input.format);
    const category = input.categoryId
      ? await this.learning.models.Category.findOne({ _id: input.categoryId, bankId: bank._id }).lean()
      : await this.bank.ensureCategoryPath(bank._id, 'Default');
    if (!category) throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in this bank' }] });
    return (
      await this.Import.create({ _id: input.importId ?? randomUUID(), bankId: bank._id, categoryId: category._id, userId: user.id, format: input.format, text: input.text, state, createdAt: this.services.clock.now() })
    ).toObject();
  }

  private async storeFrom(doc: ImportDoc, onProgress?: (p: number) => Promise<void>): Promise<ImportDoc> {
    const now = this.services.clock.now();
    const preview = this.preview(doc.format, doc.text);
    const categoryIds = new Map<string, Types.ObjectId>();
    for (const r of preview.ready) {
      if (r.entry.category && !categoryIds.has(r.entry.category)) categoryIds.set(r.entry.category, (await this.bank.ensureCategoryPath(doc.bankId, r.entry.category))._id);
    }
    const docs = preview.ready.map((r) => ({
      qid: randomUUID(), version: 1, latest: true, hidden: false, type: r.typeId, name: r.entry.name, stem: r.item.stem,
      stemFormat: r.item.stem_format ?? 'moodle', generalFeedback: 'general_feedback' in r.item ? r.item.general_feedback ?? undefined : undefined,
      defaultMark: r.item.default_mark ?? defaultMarkOf(this.services.registries.questionTypes.get(r.typeId)), data: r.data, bankId: doc.bankId,
      categoryId: r.entry.category ? categoryIds.get(r.entry.category) : doc.categoryId, tags: (r.item.tags ?? []).filter((t) => !/[.$]/.test(t) && !t.startsWith('bina-weighted-')).slice(0, 20),
      source: { format: doc.format, line: r.entry.line, importId: doc._id }, createdBy: doc.userId, createdAt: now,
    }));
    const BATCH = 500;
    for (let i = 0; i < docs.length; i += BATCH) {
      await this.learning.models.Question.insertMany(docs.slice(i, i + BATCH), { ordered: true });
      const p = Math.min(99, Math.round(((i + BATCH) / Math.max(docs.length, 1)) * 100));
      await this.Import.updateOne({ _id: doc._id }, { $set: { progress: p } });
      await onProgress?.(p);
    }
    const rejected = preview.entries.filter((e) => e.status === 'rejected').map((e) => ({ line: e.line, reasons: e.reasons, details: e.details }));
    await this.Import.updateOne({ _id: doc._id }, { $set: { state: 'done', progress: 100, stored: docs.length, rejected, problems: preview.problems, finishedAt: this.services.clock.now() } });
    await this.services.audit.record('core', { action: 'audit.questions.imported', actorId: String(doc.userId), subject: { type: 'bank', id: String(doc.bankId) }, args: { format: doc.format, stored: docs.length, rejected: rejected.length, importId: doc._id } });
    return (await this.Import.findById(doc._id).lean())!;
  }
}

export interface ImportInput {
  importId?: string;
  bankId: string;
  categoryId?: string;
  format: string;
  text: string;
}

/** A file-level problem as the preview and the stored report keep it. */
export interface FileProblem extends LocalizableText {
  line: number;
}

/** A reader's problem text: its English message, and its key and args when it has them. */
function problemText(p: LocalizableText): LocalizableText {
  return { message: p.message, ...(p.i18n ? { i18n: p.i18n } : {}), ...(p.args ? { args: p.args } : {}) };
}

function questionName(item: NeutralQuestion): string {
  if (item.title && item.title.trim()) return item.title.trim().slice(0, 255);
  const plain = item.stem.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return (plain.slice(0, 60) || item.type).slice(0, 255);
}

export const importJobPayload = z.strictObject({ importId: z.uuid() });
