/**
 * The CSV import of units and people, as a page: paste or choose the two files (units, people),
 * see the preview (creates and updates in separate tables, unchanged rows counted, every problem
 * with its file, line and column in the reader's language), correct the text right there and
 * preview again; "Import" is offered only when nothing is wrong, and writes everything or nothing
 * (PeopleImport). The texts travel in the form, so the page works without JavaScript;
 * people-import.js only reads chosen files into the text areas.
 */
import type { KernelServices } from '../../host/kernel-services';
import type { PageResult } from '../../http/route-table';
import type { Locale } from '../../views/i18n';
import { localize } from '../../views/zod-messages';
import { UNIT_COLUMNS, USER_COLUMNS } from '../people-csv';
import type { ImportPlan, PeopleImport } from '../people-import';
import { anyForm, one } from './page-kit';

const CAP = 'core:users-import';

export function registerPeopleImportPages(services: KernelServices, imports: PeopleImport): void {
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);

  function view(locale: Locale, texts: { units: string; users: string }, plan?: ImportPlan, extra: { done?: boolean; status?: number } = {}): PageResult {
    const t = tr(locale);
    const rows = plan ? [...plan.units, ...plan.users] : [];
    const label = (r: (typeof rows)[number]) => ({ ...r, fileLabel: t(`people.import.file.${r.file}`), changes: r.changes.join(', ') });
    return {
      view: 'core/people-import', title: t('people.import.title'), status: extra.status,
      data: {
        texts, done: extra.done ?? false, unitColumns: UNIT_COLUMNS.join(','), userColumns: USER_COLUMNS.join(','),
        plan: plan && {
          counts: plan.counts,
          creates: rows.filter((r) => r.action === 'create').map(label),
          updates: rows.filter((r) => r.action === 'update').map(label),
          problems: plan.problems.map((p) => ({ file: t(`people.import.file.${p.file}`), line: p.line, column: p.column ?? '', message: localize(services.translator, locale, p) })),
        },
      },
    };
  }

  services.routes.add('core', '/admin/people-import', { method: 'get', path: '/admin/people-import', kind: 'page', capability: CAP, summary: 'Import units and people from CSV' }, ({ locale }) => view(locale, { units: '', users: '' }));
  services.routes.add('core', '/admin/people-import', { method: 'post', path: '/admin/people-import', kind: 'page', capability: CAP, bodyLimit: '8mb', summary: 'Preview or store a CSV import of units and people (form)', body: anyForm }, async ({ body, user, locale }) => {
    const texts = { units: one(body, 'units'), users: one(body, 'users') };
    if (!texts.units.trim() && !texts.users.trim()) return { ...view(locale, texts), data: { ...view(locale, texts).data, error: tr(locale)('people.import.empty') }, status: 400 };
    const plan = await imports.plan(texts);
    if (one(body, 'action') !== 'store' || plan.problems.length) return view(locale, texts, plan, { status: plan.problems.length && one(body, 'action') === 'store' ? 400 : undefined });
    return view(locale, { units: '', users: '' }, await imports.apply(texts, user!.id), { done: true });
  });
}
