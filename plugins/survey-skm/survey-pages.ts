/**
 * The public SKM survey of a service unit (no account, light page: no script but the optional
 * chart on the report) and its IKM report with CSV and XLSX export and the counter poster.
 * Submissions go through the public-form guard (rate limit, one per device per unit and period,
 * honeypot, minimum fill time; ADR 0049).
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { Errors } from '../../src/kernel/errors';
import { formatNumber } from '../../src/views/view-engine';
import { toCsv, toXlsx, type Cell } from '../../src/learning/table-export';
import type { ErrorSummaryItem, ServiceUnitView } from './api';
import { IKM_WEIGHT_TEXT, ikmWeightLabel, SKM_ELEMENTS, type IkmWeight } from './ikm';
import { periodOf, PERIOD_KEY, type PeriodKind } from './periods';
import { posterPdf } from './poster';
import { unitReport } from './report-data';
import { PROFILE_FIELDS, SCORE_FIELDS, type ProfileField } from './responses';
import type { SkmResponses } from './skm-responses';
import type { ServiceUnits } from './service-units';
import type { PublicFormGuard } from './public-form-guard';
import { skmSettingsSchema } from './settings';

export interface SkmSettings {
  /** Below this average (1–4) an element is low: on the report and in the development loop alike. */
  lowElementBelow: number;
  weight: IkmWeight;
  minFillSeconds: number;
  submitsPerMinute: number;
  minRespondents: number;
  period: PeriodKind;
}

const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,60}$/) });

export function registerSurveyPages(ctx: PluginContext, units: ServiceUnits, responses: SkmResponses, guard: PublicFormGuard): void {
  const id = ctx.id;
  const s: SkmSettings = skmSettingsSchema.parse(ctx.settings);

  async function unitOr404(slug: string): Promise<ServiceUnitView> {
    const u = await units.bySlug(slug);
    if (!u) throw Errors.notFound('Service unit not found');
    return u;
  }
  const currentPeriod = () => periodOf(ctx.clock.now(), s.period, ctx.site.defaultTimeZone);

  const elements = (t: (k: string) => string) =>
    SKM_ELEMENTS.map((e, i) => ({ key: e, field: SCORE_FIELDS[i], number: i + 1, name: t(`${id}:element.${e}.name`), question: t(`${id}:element.${e}.question`), options: [1, 2, 3, 4].map((v) => ({ value: v, label: t(`${id}:element.${e}.o${v}`) })) }));
  const profileFields = (t: (k: string) => string) =>
    (Object.keys(PROFILE_FIELDS) as ProfileField[]).map((f) => ({ field: f, label: t(`${id}:profile.${f}`), options: PROFILE_FIELDS[f].map((v) => ({ value: v, label: t(`${id}:profile.values.${v}`) })) }));

  /** The mistakes at the top of a long form, in its order, each linking to its question. */
  function errorSummary(t: (k: string, a?: Record<string, unknown>) => string, errors: Record<string, string>): ErrorSummaryItem[] {
    const items: ErrorSummaryItem[] = errors.form ? [{ message: errors.form }] : [];
    for (const e of elements(t)) if (errors[e.field!]) items.push({ href: `#${e.field}-1`, label: t(`${id}:survey.questionNo`, { n: e.number, name: e.name }), message: errors[e.field!]! });
    for (const f of profileFields(t)) if (errors[f.field]) items.push({ href: `#p-${f.field}`, label: f.label, message: errors[f.field]! });
    return items;
  }

  /** `ticket`: the stamp the form was first served with, kept when it is shown again after a mistake. */
  async function formPage(unit: ServiceUnitView, t: (k: string, a?: Record<string, unknown>) => string, form: Record<string, string>, errors: Record<string, string>, status = 200, already = false, ticket?: string) {
    return {
      view: `${id}/survey`,
      title: t(`${id}:survey.title`, { unit: unit.name }),
      status,
      data: { unit, period: currentPeriod(), elements: elements(t), profileFields: profileFields(t), form, errors, errorSummary: errorSummary(t, errors), already, ticket: await guard.keep(ticket) },
    };
  }

  ctx.http.page({ method: 'get', path: '/u/:slug', public: true, summary: 'The public satisfaction survey of a service unit (no account)', params: slugParams }, async ({ params, req, res, t }) => {
    const unit = await unitOr404(params.slug);
    const device = guard.device(req, res);
    const already = await responses.answered(unit.id, currentPeriod(), await guard.deviceHash(device, `skm:${unit.id}:${currentPeriod()}`));
    return formPage(unit, t, {}, {}, 200, already);
  });

  const body = z.object({
    ...Object.fromEntries(SCORE_FIELDS.map((f) => [f, z.string().default('')])),
    ageBand: z.string().default(''), sex: z.string().default(''), education: z.string().default(''), occupation: z.string().default(''),
    website: z.string().default(''), ticket: z.string().default(''), _csrf: z.string().optional(),
  }) as z.ZodType<Record<string, string>>;

  ctx.http.page(
    { method: 'post', path: '/u/:slug', public: true, rateLimit: s.submitsPerMinute, summary: 'Answer the satisfaction survey of a service unit (form, no account)', params: slugParams, body },
    async ({ params, body, req, res, t }) => {
      const b = body as Record<string, string>;
      const unit = await unitOr404(params.slug);
      const device = guard.deviceOf(req);
      const verdict = await guard.check({ ticket: b.ticket, honeypot: b.website, device });
      if (verdict === 'honeypot') return void res.redirect(303, `/${id}/u/${unit.slug}/report?sent=1`);
      const errors: Record<string, string> = {};
      if (verdict !== 'ok') errors.form = t(`${id}:errors.${verdict}`);
      const scores: Record<string, number> = {};
      for (const f of SCORE_FIELDS) {
        if (/^[1-4]$/.test(b[f] ?? '')) scores[f] = Number(b[f]);
        else errors[f] = t(`${id}:errors.score`);
      }
      const profile: Partial<Record<ProfileField, string>> = {};
      for (const f of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
        const v = b[f] ?? '';
        if (v === '') continue;
        if ((PROFILE_FIELDS[f] as readonly string[]).includes(v)) profile[f] = v;
        else errors[f] = t(`${id}:errors.profile`);
      }
      const form = Object.fromEntries(Object.entries(b as Record<string, string>).filter(([k]) => k !== '_csrf' && k !== 'ticket' && k !== 'website'));
      if (Object.keys(errors).length) {
        if (verdict !== 'no-device') guard.device(req, res);
        return formPage(unit, t, form, errors, 400, false, b.ticket);
      }
      const period = currentPeriod();
      const stored = await responses.record({ serviceUnitId: unit.id, period, scores: SCORE_FIELDS.map((f) => scores[f]!), profile, deviceHash: await guard.deviceHash(device!, `skm:${unit.id}:${period}`) });
      if (stored === 'duplicate') return formPage(unit, t, form, { form: t(`${id}:errors.duplicate`) }, 409, true);
      res.redirect(303, `/${id}/u/${unit.slug}/report?sent=1`);
    },
  );

  const report = (unit: ServiceUnitView) => unitReport(responses, unit.id, { weight: s.weight, minRespondents: s.minRespondents });

  ctx.http.page(
    { method: 'get', path: '/u/:slug/report', public: true, summary: 'The IKM of a service unit per period, with the trend and the respondent profile', params: slugParams, query: z.object({ period: z.string().regex(PERIOD_KEY).optional(), sent: z.string().optional() }) },
    async ({ params, query, t, locale }) => {
      const unit = await unitOr404(params.slug);
      const periods = await report(unit);
      const dec = (v: number) => formatNumber(locale, v, 2, true);
      const shown = periods.find((p) => p.period === query.period) ?? [...periods].reverse().find((p) => p.result) ?? periods[periods.length - 1];
      const els = elements(t);
      const trend = periods.filter((p) => p.result).map((p) => ({ period: p.period, ikm: p.result!.ikm }));
      return {
        view: `${id}/report`,
        title: t(`${id}:report.title`, { unit: unit.name }),
        data: {
          unit,
          sent: query.sent === '1',
          weightText: ikmWeightLabel(s.weight, (v) => formatNumber(locale, v)),
          lowBelow: dec(s.lowElementBelow),
          minRespondents: s.minRespondents,
          periods: periods.map((p) => ({ period: p.period, respondents: p.respondents, ikm: p.result && dec(p.result.ikm), grade: p.result?.grade, label: p.result?.label, selected: p === shown })),
          shown: shown && {
            ...shown,
            ikmText: shown.result && dec(shown.result.ikm),
            elements: shown.result?.elementAverages.map((a, i) => ({ name: els[i]!.name, number: i + 1, average: dec(a), low: a < s.lowElementBelow })),
            profile: shown.profile && profileFields(t).map((f) => ({ label: f.label, values: shown.profile![f.field].map((v) => ({ label: v.value === 'none' ? t(`${id}:profile.none`) : t(`${id}:profile.values.${v.value}`), count: v.count })) })),
          },
          chart: { labels: trend.map((p) => p.period), values: trend.map((p) => p.ikm), label: t(`${id}:report.ikm`) },
        },
      };
    },
  );

  async function exportRows(unit: ServiceUnitView, t: (k: string) => string): Promise<Cell[][]> {
    const els = elements(t);
    const head: Cell[] = [t(`${id}:export.period`), t(`${id}:export.respondents`), ...els.map((e) => `U${e.number} ${e.name}`), 'IKM', t(`${id}:export.grade`), t(`${id}:export.label`), t(`${id}:export.weight`)];
    const rows: Cell[][] = [head];
    for (const p of await report(unit)) {
      rows.push(p.result ? [p.period, p.respondents, ...p.result.elementAverages, p.result.ikm, p.result.grade, p.result.label, IKM_WEIGHT_TEXT[s.weight]] : [p.period, p.respondents, ...els.map(() => null), null, null, t(`${id}:report.notEnough`), IKM_WEIGHT_TEXT[s.weight]]);
    }
    return rows;
  }

  ctx.http.page({ method: 'get', path: '/u/:slug/report.csv', public: true, summary: 'The IKM per period as CSV', params: slugParams }, async ({ params, res, t }) => {
    const unit = await unitOr404(params.slug);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="ikm-${unit.slug}.csv"`);
    res.send(toCsv(await exportRows(unit, t)));
  });

  ctx.http.page({ method: 'get', path: '/u/:slug/report.xlsx', public: true, summary: 'The IKM per period as XLSX', params: slugParams }, async ({ params, res, t }) => {
    const unit = await unitOr404(params.slug);
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename="ikm-${unit.slug}.xlsx"`);
    res.send(await toXlsx(await exportRows(unit, t), 'IKM'));
  });

  ctx.http.page({ method: 'get', path: '/u/:slug/poster.pdf', public: true, summary: 'A4 poster with a QR code to the survey, for the service counter', params: slugParams }, async ({ params, res, t }) => {
    const unit = await unitOr404(params.slug);
    const pdf = await posterPdf({ unitName: unit.name, url: `${ctx.site.publicUrl.replace(/\/$/, '')}/${id}/u/${unit.slug}`, heading: t(`${id}:poster.heading`), invitation: t(`${id}:poster.invitation`), scan: t(`${id}:poster.scan`) });
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="survei-${unit.slug}.pdf"`);
    res.send(pdf);
  });
}
