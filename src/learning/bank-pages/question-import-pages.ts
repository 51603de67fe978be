/**
 * The import wizard: paste or upload, a preview table with line-numbered problems, confirm, and
 * the import's progress and report (a large file is stored on a worker).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Errors } from '../../kernel/errors';
import type { PageResult } from '../../http/route-table';
import { objectId } from '../../kernel/object-id';
import type { Locale } from '../../views/i18n';
import { localize, localizedReasons, type LocalizableIssue, type LocalizableText } from '../../views/zod-messages';
import type { BankDoc } from '../learning-models';
import { SYNC_IMPORT_LIMIT, type ImportDoc, type QuestionImport } from '../interchange/question-import';
import { bankParams, type BankPagesKit } from './bank-pages-kit';

export function registerQuestionImportPages({ kernel, bank, imports, models, page, tr, shownCategories }: BankPagesKit): void {
  const reasonsIn = (locale: Locale, r: { reasons: string[]; details?: LocalizableIssue[] | undefined }) => localizedReasons(kernel.translator, locale, r);
  // A file's own problems (a question the reader refused…), in the reader's language.
  const problemsIn = <P extends LocalizableText>(locale: Locale, problems: P[]) => problems.map((p) => ({ ...p, message: localize(kernel.translator, locale, p) }));
  const importBody = z.object({
    format: z.string().max(40).default(''), text: z.string().max(25_000_000).default(''), categoryId: z.string().max(30).default(''),
    action: z.enum(['preview', 'store']).default('preview'), importId: z.string().max(60).optional(), _csrf: z.string().optional(),
  });
  async function importPage(locale: Locale, b: BankDoc, s: { format?: string; categoryId?: string; text?: string; error?: string; preview?: ReturnType<QuestionImport['preview']>; status?: number } = {}): Promise<PageResult> {
    const t = tr(locale);
    const cats = shownCategories(locale, await bank.categories(String(b._id)));
    const formats = kernel.registries.importers.list().map((i) => ({ id: i.id, label: i.label, extensions: i.extensions.join(','), selected: i.id === (s.format || 'gift') }));
    const preview = s.preview
      ? {
          ...s.preview, ready: undefined, problems: problemsIn(locale, s.preview.problems),
          entries: s.preview.entries.map((e) => ({
            ...e, ok: e.status === 'ok', category: categoryLabel(e.category), typeName: e.type ? kernel.translator.t(locale, `question-${e.type}:name`) : e.neutralType, reasons: reasonsIn(locale, e),
          })),
        }
      : null;
    return {
      view: 'core/bank-import', title: t('bank.import.title'), status: s.status,
      data: {
        bank: { id: String(b._id), name: b.name }, formats, text: s.text ?? '', error: s.error,
        categories: cats.map((c) => ({ id: String(c._id), path: c.path, depth: c.depth, selected: String(c._id) === s.categoryId })),
        categoryId: s.categoryId ?? '', format: s.format ?? 'gift', preview, importId: randomUUID(), syncLimit: SYNC_IMPORT_LIMIT,
        strings: {
          reading: t('bank.import.reading'), checking: t('bank.import.checking'), storing: t('bank.import.storing'), failed: t('bank.import.failed'), noText: t('bank.import.noText'),
          line: t('bank.import.line'), type: t('bank.import.type'), name: t('bank.import.name'), category: t('bank.import.category'), status: t('bank.import.status'), reasons: t('bank.import.reasons'),
          ok: t('bank.import.ok'), rejected: t('bank.import.rejected'), fileProblems: t('bank.import.fileProblems'), previewTitle: t('bank.import.previewTitle'),
          // Placeholders the script fills in: {n}, {valid}, {rejected}.
          summary: t('bank.import.summary', { n: '{n}', valid: '{valid}', rejected: '{rejected}' }), confirm: t('bank.import.confirm', { n: '{n}' }), notStored: t('bank.import.notStored', { n: '{n}' }),
          nothingValid: t('bank.import.nothingValid'), reportTitle: t('bank.import.reportTitle'), stored: t('bank.import.storedLabel'), rejectedLabel: t('bank.import.rejectedLabel'),
          rejectedTitle: t('bank.import.rejectedTitle'), progress: t('bank.import.progress'), backToBank: t('bank.import.backToBank'),
          typeNames: Object.fromEntries(kernel.registries.questionTypes.ids().map((id) => [id, kernel.translator.t(locale, `question-${id}:name`)])),
        },
      },
    };
  }
  page('/banks/:bankId/import', { method: 'get', summary: 'Import questions: choose a file or paste text, then preview', params: bankParams, query: z.object({ categoryId: z.string().max(30).optional() }) }, async ({ params, query, user, locale }) =>
    importPage(locale, await bank.requireBank(user!, params.bankId), { categoryId: query.categoryId }),
  );
  page('/banks/:bankId/import', { method: 'post', bodyLimit: '25mb', summary: 'Import questions without JavaScript: preview, then store (form)', params: bankParams, body: importBody }, async ({ params, body, user, res, locale }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const keep = { format: body.format, categoryId: body.categoryId, text: body.text };
    if (!kernel.registries.importers.get(body.format)) return importPage(locale, b, { ...keep, error: t('bank.import.unknownFormat'), status: 400 });
    if (!body.text.trim()) return importPage(locale, b, { ...keep, error: t('bank.import.noText'), status: 400 });
    const categoryId = objectId.safeParse(body.categoryId).success && (await models.Category.exists({ _id: body.categoryId, bankId: b._id })) ? body.categoryId : undefined;
    const preview = imports.preview(body.format, body.text);
    if (body.action === 'preview') return importPage(locale, b, { ...keep, preview });
    const importId = z.uuid().safeParse(body.importId).success ? body.importId! : randomUUID();
    const input = { bankId: params.bankId, categoryId, format: body.format, text: body.text, importId };
    const doc = preview.questionCount > SYNC_IMPORT_LIMIT ? await imports.enqueue(user!, input) : await imports.commit(user!, input);
    res.redirect(303, `/banks/${params.bankId}/imports/${doc._id}`);
  });
  page('/banks/:bankId/imports/:importId', { method: 'get', summary: 'An import\'s progress and report', params: bankParams.extend({ importId: z.uuid() }) }, async ({ params, user, locale }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const d: ImportDoc | null = await imports.Import.findById(params.importId).lean();
    if (!d || String(d.bankId) !== String(b._id) || (String(d.userId) !== user!.id && !user!.roles.includes('admin'))) throw Errors.notFound('Import not found');
    return {
      view: 'core/bank-import-report', title: t('bank.import.reportTitle'),
      data: {
        bank: { id: String(b._id), name: b.name },
        imp: { id: d._id, format: d.format, state: d.state, progress: d.progress, stored: d.stored, rejected: d.rejected.map((r) => ({ line: r.line, reasons: reasonsIn(locale, r) })), problems: problemsIn(locale, d.problems), error: d.error ?? null, done: d.state === 'done', running: d.state === 'queued' || d.state === 'running', failed: d.state === 'failed' },
      },
    };
  });
}

/** A file's category path as it will be stored (`$course$/top/TWK` → `TWK`; see QuestionBank.ensureCategoryPath). */
function categoryLabel(path: string | null): string {
  return (path ?? '').split('/').map((p) => p.trim()).filter((p) => p && p !== '$course$' && p !== '$system$' && p !== 'top').join('/');
}
