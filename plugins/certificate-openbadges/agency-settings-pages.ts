/**
 * The certificate settings page (`/certificate-openbadges/admin/settings`): the issuing agency,
 * the place of issue, the register-number pattern and the signatory printed on new certificates.
 * A refused form comes back as typed, with a reason beside each field.
 */
import { z } from 'zod';
import type { CertificateServices } from './certificate-services';
import { CAP } from './capabilities';
import { formatRegisterNumber, registerPatternProblem } from './register-number';
import type { AgencySettings } from './agency-settings';
import type { Locale } from '../../src/views/i18n';
import type { PageResult } from '../../src/http/route-table';

const settingsForm = z.object({
  issuerName: z.string().max(400).default(''),
  place: z.string().max(200).default(''),
  registerPattern: z.string().max(200).default(''),
  signatoryName: z.string().max(400).default(''),
  signatoryNip: z.string().max(60).default(''),
  signatoryPosition: z.string().max(400).default(''),
  _csrf: z.string().optional(),
});
type Form = Omit<z.output<typeof settingsForm>, '_csrf'>;

export function registerAgencySettingsPages(s: CertificateServices): void {
  const { ctx } = s;
  const id = ctx.id;
  const err = (locale: Locale, key: string) => ctx.i18n.t(locale, `${id}:settings.err.${key}`);
  const formOf = (a: AgencySettings): Form => ({
    issuerName: a.issuerName, place: a.place, registerPattern: a.registerPattern,
    signatoryName: a.signatory?.name ?? '', signatoryNip: a.signatory?.nip ?? '', signatoryPosition: a.signatory?.position ?? '',
  });

  async function page(locale: Locale, extra: { form?: Form; errors?: Record<string, string>; saved?: boolean } = {}): Promise<PageResult> {
    const current = await s.agency.get();
    const form = extra.form ?? formOf(current);
    const now = ctx.clock.now();
    const example = form.registerPattern && !registerPatternProblem(form.registerPattern) ? formatRegisterNumber(form.registerPattern, 17, now, ctx.site.defaultTimeZone) : '';
    return {
      view: `${id}/admin-settings`,
      title: ctx.i18n.t(locale, `${id}:settings.title`),
      status: extra.errors ? 400 : undefined,
      data: { form, errors: extra.errors ?? {}, saved: extra.saved, demo: current.demo && !extra.form, noSignatory: !current.signatory, example },
    };
  }

  ctx.http.page({ method: 'get', path: '/admin/settings', capability: CAP.manage, summary: 'Certificate settings: agency, place, register number, signatory', query: z.object({ saved: z.literal('1').optional() }) }, async ({ locale, query }) =>
    page(locale, { saved: query.saved === '1' }));

  ctx.http.page({ method: 'post', path: '/admin/settings', capability: CAP.manage, summary: 'Save the certificate settings (form; a refused form comes back as typed)', body: settingsForm }, async ({ body, user, res, locale }) => {
    const form: Form = {
      issuerName: body.issuerName.trim(), place: body.place.trim(), registerPattern: body.registerPattern.trim(),
      signatoryName: body.signatoryName.trim(), signatoryNip: body.signatoryNip.replace(/\s+/g, ''), signatoryPosition: body.signatoryPosition.trim(),
    };
    const errors: Record<string, string> = {};
    if (form.issuerName.length < 2 || form.issuerName.length > 300) errors.issuerName = err(locale, 'issuerName');
    if (form.place.length > 100) errors.place = err(locale, 'place');
    const patternProblem = form.registerPattern ? registerPatternProblem(form.registerPattern) : null;
    if (patternProblem) errors.registerPattern = err(locale, `pattern.${patternProblem}`);
    if (form.signatoryName.length > 200) errors.signatoryName = err(locale, 'signatoryName');
    if (form.signatoryNip && !/^\d{18}$/.test(form.signatoryNip)) errors.signatoryNip = err(locale, 'signatoryNip');
    if (!form.signatoryName && (form.signatoryNip || form.signatoryPosition)) errors.signatoryName = err(locale, 'signatoryNameNeeded');
    if (form.signatoryPosition.length > 300) errors.signatoryPosition = err(locale, 'signatoryPosition');
    if (Object.keys(errors).length) return page(locale, { form, errors });
    const before = await s.agency.get();
    const next = {
      issuerName: form.issuerName, place: form.place, registerPattern: form.registerPattern,
      ...(form.signatoryName ? { signatory: { name: form.signatoryName, ...(form.signatoryNip ? { nip: form.signatoryNip } : {}), ...(form.signatoryPosition ? { position: form.signatoryPosition } : {}) } } : {}),
    };
    await s.agency.save(next, ctx.clock.now(), user!.id);
    await ctx.audit.record({ action: `${id}:audit.settingsSaved`, actorId: user!.id, subject: { type: 'certificate-settings', id: 'agency' }, before, after: next, args: { issuer: next.issuerName } });
    res.redirect(303, `/${id}/admin/settings?saved=1`);
  });
}
