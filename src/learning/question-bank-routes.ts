/** The question bank over HTTP: banks, categories, search, versions, move/copy, hide/delete, preview. */
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import { objectId } from '../identity/identity-service';
import type { BankDoc, CategoryDoc, QuestionDoc } from './learning-models';
import type { LearningService } from './learning-service';
import type { QuestionBank } from './question-bank';
import { questionAuthorView, questionInput } from './learning-routes';
import { SYNC_IMPORT_LIMIT, type ImportDoc, type QuestionImport } from './interchange/question-import';
import type { NeutralItem } from './interchange/neutral-question';
import { toQuestion } from './learning-service';
import { localize, localizedReasons, type LocalizableText } from '../views/zod-messages';
import type { Locale } from '../views/i18n';

export const bankView = (b: BankDoc) => ({ id: String(b._id), name: b.name, owner: { type: b.owner.type, id: String(b.owner.id) } });
export const categoryView = (c: CategoryDoc & { depth?: number; count?: number }) => ({
  id: String(c._id), name: c.name, path: c.path, parentId: c.parentId ? String(c.parentId) : null, depth: c.depth, count: c.count,
});
export const bankQuestionView = (q: QuestionDoc) => ({
  ...questionAuthorView(q), bankId: q.bankId ? String(q.bankId) : undefined, categoryId: q.categoryId ? String(q.categoryId) : undefined,
  tags: q.tags ?? [], difficulty: q.difficulty ?? null, competency: q.competency ?? null,
});

export const bankQuestionInput = questionInput.omit({ courseId: true }).extend({
  categoryId: objectId,
  tags: z.array(z.string().trim().min(1).max(50).regex(/^[^.$]+$/, 'no . or $')).max(20).default([]),
  difficulty: z.enum(['easy', 'medium', 'hard']).optional(),
  competency: z.strictObject({ code: z.string().min(1).max(40), level: z.number().int().min(1).max(5) }).optional(),
});

export const searchQuery = z.object({
  categoryId: objectId.optional(),
  recursive: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  type: z.string().max(40).optional(),
  tag: z.string().max(50).optional(),
  difficulty: z.enum(['easy', 'medium', 'hard']).optional(),
  competency: z.string().max(40).optional(),
  level: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().max(200).optional(),
  includeHidden: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function registerQuestionBankRoutes(services: KernelServices, learning: LearningService, bank: QuestionBank, imports: QuestionImport): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, spec, h);
  const bankParams = z.object({ bankId: objectId });
  const qidParams = z.object({ qid: z.uuid() });
  const cap = 'learning:question-author';

  async function latestInEditableBank(user: Parameters<QuestionBank['requireBank']>[0], qid: string) {
    const q = await learning.models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await bank.requireBank(user, String(q.bankId));
    return q;
  }
  async function checkCompetency(code?: string) {
    if (code && !(await learning.models.Competency.exists({ code }))) throw Errors.validation('Unknown competency', { details: [{ path: 'competency.code', message: 'not in the catalogue' }] });
  }

  add('/api/v1/banks', { method: 'get', path: '/banks', capability: cap, summary: 'Question banks I may edit' }, async ({ user }) => ({
    banks: (await bank.banksFor(user!)).map(bankView),
  }));
  add('/api/v1/banks', { method: 'post', path: '/banks', capability: cap, status: 201, links: { bankId: '/bank/id' }, summary: 'Create a bank for a course I teach or for my unit', body: z.strictObject({ name: z.string().trim().min(1).max(200), owner: z.strictObject({ type: z.enum(['unit', 'course']), id: objectId }) }) }, async ({ body, user }) => ({
    bank: bankView(await bank.createBank(user!, body)),
  }));
  add('/api/v1/banks/:bankId/categories', { method: 'get', path: '/banks/:bankId/categories', capability: cap, summary: 'Categories of a bank, as a tree in path order', params: bankParams }, async ({ params, user }) => {
    await bank.requireBank(user!, params.bankId);
    return { categories: (await bank.categories(params.bankId)).map(categoryView) };
  });
  add('/api/v1/banks/:bankId/categories', { method: 'post', path: '/banks/:bankId/categories', capability: cap, status: 201, summary: 'Create a (sub)category', params: bankParams, body: z.strictObject({ name: z.string().trim().min(1).max(100), parentId: objectId.optional() }) }, async ({ params, body, user }) => ({
    category: categoryView(await bank.createCategory(user!, params.bankId, body)),
  }));
  add('/api/v1/banks/:bankId/questions', { method: 'get', path: '/banks/:bankId/questions', capability: cap, summary: 'Search and filter the latest versions of a bank\'s questions', params: bankParams, query: searchQuery }, async ({ params, query, user }) => {
    await bank.requireBank(user!, params.bankId);
    const r = await bank.search({ bankId: params.bankId, ...query });
    return { total: r.total, questions: r.questions.map(bankQuestionView) };
  });
  add('/api/v1/banks/:bankId/questions', { method: 'post', path: '/banks/:bankId/questions', capability: cap, status: 201, summary: 'Create a question in a bank category', params: bankParams, body: bankQuestionInput }, async ({ params, body, user }) => {
    await bank.requireBank(user!, params.bankId);
    if (!(await learning.models.Category.exists({ _id: body.categoryId, bankId: params.bankId }))) throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in this bank' }] });
    await checkCompetency(body.competency?.code);
    const q = await learning.createQuestion(user!, { ...body, bankId: params.bankId });
    return { question: bankQuestionView(q) };
  });
  add('/api/v1/bank-questions/:qid/versions', { method: 'get', path: '/bank-questions/:qid/versions', capability: cap, summary: 'Every version of a question (old versions stay readable)', params: qidParams }, async ({ params, user }) => {
    await latestInEditableBank(user!, params.qid);
    return { versions: (await bank.versions(params.qid)).map(bankQuestionView) };
  });
  add('/api/v1/bank-questions/:qid/versions', { method: 'post', path: '/bank-questions/:qid/versions', capability: cap, status: 201, summary: 'Edit a question: saves a new version', params: qidParams, body: bankQuestionInput.omit({ categoryId: true }) }, async ({ params, body, user }) => {
    await latestInEditableBank(user!, params.qid);
    await checkCompetency(body.competency?.code);
    return { question: bankQuestionView(await learning.reviseQuestion(user!, params.qid, body)) };
  });
  add('/api/v1/bank-questions/:qid/move', { method: 'post', path: '/bank-questions/:qid/move', capability: cap, summary: 'Move a question to another category of its bank', params: qidParams, body: z.strictObject({ categoryId: objectId }) }, async ({ params, body, user }) => {
    await bank.move(user!, params.qid, body.categoryId);
    return { moved: true };
  });
  add('/api/v1/bank-questions/:qid/copy', { method: 'post', path: '/bank-questions/:qid/copy', capability: cap, status: 201, summary: 'Copy a question into a category (of any bank I may edit)', params: qidParams, body: z.strictObject({ bankId: objectId, categoryId: objectId }) }, async ({ params, body, user }) => ({
    question: bankQuestionView(await bank.copy(user!, params.qid, body)),
  }));
  add('/api/v1/bank-questions/:qid/hidden', { method: 'put', path: '/bank-questions/:qid/hidden', capability: cap, summary: 'Hide or show a question (hidden ones are not drawn or listed)', params: qidParams, body: z.strictObject({ hidden: z.boolean() }) }, async ({ params, body, user }) => {
    await bank.setHidden(user!, params.qid, body.hidden);
    return { hidden: body.hidden };
  });
  add('/api/v1/bank-questions/:qid', { method: 'delete', path: '/bank-questions/:qid', capability: cap, summary: 'Delete a question that nothing uses (otherwise 409: hide it)', params: qidParams }, async ({ params, user }) => {
    await bank.delete(user!, params.qid);
    return { deleted: true };
  });
  add('/api/v1/bank-questions/:qid/preview', { method: 'get', path: '/bank-questions/:qid/preview', capability: cap, summary: 'Preview as a learner (shuffled, no keys) and as a trainer', params: qidParams, query: z.object({ seed: z.coerce.number().int().min(0).max(2 ** 31).default(1), version: z.coerce.number().int().min(1).optional() }) }, async ({ params, query, user }) => {
    const latest = await latestInEditableBank(user!, params.qid);
    const q = query.version ? await learning.models.Question.findOne({ qid: params.qid, version: query.version }).lean() : latest;
    if (!q) throw Errors.notFound('No such version');
    return bank.preview(q, query.seed);
  });

  // `localizedReasons` and `localizedMessage`: the reasons and the file's problems in the caller's language (the import page's script shows them).
  const problemsIn = <P extends LocalizableText>(locale: Locale, problems: P[]) => problems.map((p) => ({ ...p, localizedMessage: localize(services.translator, locale, p) }));
  const importView = (d: ImportDoc, locale: Locale) => ({
    importId: d._id, bankId: String(d.bankId), format: d.format, state: d.state, progress: d.progress, stored: d.stored,
    rejected: d.rejected.map((r) => ({ ...r, localizedReasons: localizedReasons(services.translator, locale, r) })), problems: problemsIn(locale, d.problems), error: d.error ?? null,
  });
  add('/api/v1/banks/:bankId/imports', {
    method: 'post', path: '/banks/:bankId/imports', capability: cap, bodyLimit: '25mb', answers: [201, 202],
    summary: 'Import a GIFT, Aiken or Moodle XML file: dry_run previews every question with its line and problems; otherwise stores all valid ones and reports the rest',
    params: bankParams,
    body: z.strictObject({
      format: z.string().min(1).max(40), text: z.string().min(1).max(25_000_000), categoryId: objectId.optional(),
      dry_run: z.boolean().default(false), importId: z.uuid().optional(),
    }),
  }, async ({ params, body, user, res, locale }) => {
    await bank.requireBank(user!, params.bankId);
    const preview = imports.preview(body.format, body.text);
    if (body.dry_run) {
      const { ready: _r, ...rest } = preview;
      return { dry_run: true, ...rest, entries: rest.entries.map((e) => ({ ...e, localizedReasons: localizedReasons(services.translator, locale, e) })), problems: problemsIn(locale, rest.problems) };
    }
    const input = { bankId: params.bankId, categoryId: body.categoryId, format: body.format, text: body.text, importId: body.importId };
    if (preview.questionCount > SYNC_IMPORT_LIMIT) {
      res.status(202).json({ import: importView(await imports.enqueue(user!, input), locale) });
      return;
    }
    res.status(201).json({ import: importView(await imports.commit(user!, input), locale) });
  });
  add('/api/v1/imports/:importId', { method: 'get', path: '/imports/:importId', capability: cap, summary: 'State and progress of an import', params: z.object({ importId: z.uuid() }) }, async ({ params, user, locale }) => {
    const d = await imports.Import.findById(params.importId).lean();
    if (!d || (String(d.userId) !== user!.id && !user!.roles.includes('admin'))) throw Errors.notFound('Import not found');
    return { import: importView(d, locale) };
  });
  add('/api/v1/banks/:bankId/export', {
    method: 'get', path: '/banks/:bankId/export', capability: cap, produces: ['text/plain', 'application/xml'], summary: 'Export a bank (or a category) as GIFT or Moodle XML',
    params: bankParams, query: z.object({ format: z.string().min(1).max(40), categoryId: objectId.optional() }),
  }, async ({ params, query, user, res }) => {
    const b = await bank.requireBank(user!, params.bankId);
    const exporter = services.registries.exporters.get(query.format);
    if (!exporter) throw Errors.validation(`Unknown export format '${query.format}'`, { details: [{ path: 'format', message: `one of ${services.registries.exporters.ids().join(', ')}` }] });
    const { questions } = await bank.search({ bankId: params.bankId, categoryId: query.categoryId, includeHidden: false, limit: 100_000 });
    const cats = new Map((await bank.categories(params.bankId)).map((c) => [String(c._id), c.path]));
    const items: NeutralItem[] = [];
    let current: string | undefined;
    for (const q of [...questions].sort((a, b) => (cats.get(String(a.categoryId)) ?? '').localeCompare(cats.get(String(b.categoryId)) ?? ''))) {
      const type = services.registries.questionTypes.get(q.type);
      if (!type?.interchange) continue;
      const path = cats.get(String(q.categoryId)) ?? 'Default';
      if (path !== current) items.push({ type: 'category', path: `$course$/${path}` });
      current = path;
      const n = type.interchange.toNeutral(toQuestion(q));
      const tags = [...(n.tags ?? []), ...(q.tags ?? [])];
      items.push({ ...n, ...(tags.length ? { tags } : {}) } as NeutralItem);
    }
    const out = exporter.export(items);
    res.setHeader('content-type', exporter.contentType);
    res.setHeader('content-disposition', `attachment; filename="${b.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.${exporter.extension}"`);
    if (out.problems.length) res.setHeader('x-bina-export-problems', String(out.problems.length));
    res.send(out.text);
  });
}
