/**
 * "My question banks": the banks a trainer may edit, with their owners (a course or a unit) and
 * question counts, and the form that creates one.
 */
import { z } from 'zod';
import type { PageResult } from '../../http/route-table';
import { objectId } from '../../kernel/object-id';
import type { IdentityService } from '../../identity/identity-service';
import type { SessionUser } from '../../identity/session-user';
import type { Locale } from '../../views/i18n';
import type { BankDoc } from '../learning-models';
import type { BankPagesKit } from './bank-pages-kit';

export function registerBankListPages({ kernel, bank, models, page, tr }: BankPagesKit): void {
  async function ownerLabels(banks: BankDoc[]): Promise<Map<string, string>> {
    const courseIds = banks.filter((b) => b.owner.type === 'course').map((b) => b.owner.id);
    const unitIds = banks.filter((b) => b.owner.type === 'unit').map((b) => b.owner.id);
    const labels = new Map<string, string>();
    for (const c of await models.Course.find({ _id: { $in: courseIds } }, { title: 1 }).lean()) labels.set(String(c._id), c.title);
    const identity = kernel.providers.get('identity')?.impl as IdentityService | undefined;
    if (identity && unitIds.length) for (const u of await identity.models.Unit.find({ _id: { $in: unitIds } }, { name: 1 }).lean()) labels.set(String(u._id), u.name);
    return labels;
  }

  async function ownerChoices(user: SessionUser) {
    const courses = await models.Course.find(user.roles.includes('admin') ? {} : { trainerIds: user.id }, { title: 1 }).sort({ title: 1 }).limit(500).lean();
    const choices = courses.map((c) => ({ value: `course:${String(c._id)}`, label: c.title, group: 'course' }));
    const identity = kernel.providers.get('identity')?.impl as IdentityService | undefined;
    if (user.unitId && identity) {
      const unit = await identity.models.Unit.findById(user.unitId, { name: 1 }).lean();
      if (unit) choices.unshift({ value: `unit:${user.unitId}`, label: unit.name, group: 'unit' });
    }
    return choices;
  }

  async function banksPage(user: SessionUser, locale: Locale, extra: { status?: number; errors?: string[]; form?: Record<string, string> } = {}): Promise<PageResult> {
    const t = tr(locale);
    const banks = await bank.banksFor(user);
    const labels = await ownerLabels(banks);
    const counts = new Map(
      (await models.Question.aggregate<{ _id: unknown; n: number }>([{ $match: { bankId: { $in: banks.map((b) => b._id) }, latest: true } }, { $group: { _id: '$bankId', n: { $sum: 1 } } }])).map((c) => [String(c._id), c.n]),
    );
    return {
      view: 'core/bank-list', title: t('bank.title'), status: extra.status,
      data: {
        banks: banks.map((b) => ({ id: String(b._id), name: b.name, ownerType: b.owner.type, owner: labels.get(String(b.owner.id)) ?? String(b.owner.id), count: counts.get(String(b._id)) ?? 0 })),
        owners: await ownerChoices(user), errors: extra.errors ?? [], form: extra.form ?? {},
      },
    };
  }

  // ---- my banks ----
  page('/banks', { method: 'get', summary: 'My question banks' }, ({ user, locale }) => banksPage(user!, locale));
  page('/banks', { method: 'post', summary: 'Create a question bank (form)', body: z.object({ name: z.string().max(500).default(''), owner: z.string().max(100).default(''), _csrf: z.string().optional() }) }, async ({ body, user, res, locale }) => {
    const t = tr(locale);
    const [type, id] = body.owner.split(':');
    const parsed = z.strictObject({ name: z.string().trim().min(1).max(200), owner: z.strictObject({ type: z.enum(['unit', 'course']), id: objectId }) }).safeParse({ name: body.name, owner: { type, id } });
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => (i.path[0] === 'name' ? t('bank.list.nameRequired') : t('bank.list.ownerRequired')));
      return banksPage(user!, locale, { status: 400, errors: [...new Set(errors)], form: body });
    }
    const b = await bank.createBank(user!, parsed.data);
    res.redirect(303, `/banks/${String(b._id)}`);
  });
}
