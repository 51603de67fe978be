/**
 * Admin pages of the competency framework: the catalogue (the seeded PermenPANRB 38/2017
 * competencies and the agency's teknis ones, each with its description and level indicators,
 * editable), a new teknis competency, the positions with their standard (a required level per
 * competency), and CSV imports of both with a preview that lists problems by line and writes
 * nothing until the file is clean.
 */
import type { Model } from 'mongoose';
import { z } from 'zod';
import type { KernelServices } from '../../../host/kernel-services';
import type { PageResult, RouteHandler, RouteSpec } from '../../../http/route-table';
import { anyForm, one } from '../../../identity/pages/page-kit';
import type { SessionUser } from '../../../identity/session-user';
import { BinaError, Errors } from '../../../kernel/errors';
import type { Locale } from '../../../views/i18n';
import type { CourseDoc } from '../../learning-models';
import { CATALOGUE_MANAGE } from '../competency-access';
import { CODE, normalizeCode, POSITION_COLUMNS, TEKNIS_COLUMNS, type CompetencyCatalogue, type ImportResult } from '../competency-catalogue';
import type { CompetencyService } from '../competency-service';

const codeParams = z.object({ code: z.string().regex(CODE) });

export function registerCataloguePages(services: KernelServices, svc: CompetencyService, catalogue: CompetencyCatalogue, _learning: { Course: Model<CourseDoc> }): void {
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page', capability: CATALOGUE_MANAGE }, h);
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);
  const { Competency } = svc.catalogueModels;

  const importView = (locale: Locale, r: ImportResult | undefined, dryRun: boolean) => r && {
    problems: r.problems.map((p) => ({ line: p.line, message: tr(locale)(p.key, p.args) })), created: r.created, updated: r.updated, done: !dryRun && !r.problems.length,
  };

  // ---- competencies ---------------------------------------------------------------------------
  async function listPage(locale: Locale, extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: number; csv?: string; result?: ReturnType<typeof importView> } = {}): Promise<PageResult> {
    const t = tr(locale);
    const all = await Competency.find().sort({ group: 1, code: 1 }).lean();
    const groups = ['manajerial', 'sosial_kultural', 'teknis'].map((g) => ({ id: g, label: t(`competency.group.${g}`), items: all.filter((c) => c.group === g).map((c) => ({ code: c.code, name: c.name, description: c.description ?? '', levels: c.levels?.length ?? 0 })) }));
    return {
      view: 'core/competency-catalogue', title: t('competency.catalogue.title'), status: extra.status,
      data: { groups, form: extra.form ?? {}, errors: extra.errors ?? {}, csv: extra.csv ?? '', result: extra.result, columns: TEKNIS_COLUMNS.join(','), levels: [1, 2, 3, 4, 5] },
    };
  }
  page('/admin/competencies', { method: 'get', summary: 'The competency catalogue' }, ({ locale }) => listPage(locale));

  function readCompetencyForm(body: Record<string, string | string[]>, locale: Locale, withCode: boolean) {
    const t = tr(locale);
    const form: Record<string, string> = { code: normalizeCode(one(body, 'competencyCode')), name: one(body, 'name').trim(), description: one(body, 'description').trim() };
    for (const l of [1, 2, 3, 4, 5]) form[`level_${l}`] = one(body, `level_${l}`).trim();
    const errors: Record<string, string> = {};
    if (withCode && !CODE.test(form.code!)) errors.code = t('competency.err.code');
    if (form.name!.length < 2 || form.name!.length > 200) errors.name = t('competency.err.name');
    if (form.description!.length > 3000) errors.description = t('competency.err.long');
    for (const l of [1, 2, 3, 4, 5]) if (form[`level_${l}`]!.length > 1000) errors[`level_${l}`] = t('competency.err.long');
    return { form, errors, input: { code: form.code!, name: form.name!, description: form.description!, indicators: [1, 2, 3, 4, 5].map((l) => form[`level_${l}`]!) } };
  }

  page('/admin/competencies', { method: 'post', summary: 'Add a teknis competency (form)', body: anyForm }, async ({ body, user, locale, res }) => {
    const { form, errors, input } = readCompetencyForm(body, locale, true);
    if (Object.keys(errors).length) return listPage(locale, { form, errors, status: 400 });
    try {
      await catalogue.saveCompetency(user!, input, true);
    } catch (e) {
      if (e instanceof BinaError && e.status === 409) return listPage(locale, { form, errors: { code: tr(locale)('competency.err.codeTaken') }, status: 409 });
      throw e;
    }
    res.redirect(303, `/admin/competencies/${encodeURIComponent(input.code)}?msg=saved`);
    return undefined;
  });

  page('/admin/competencies/import', { method: 'post', summary: 'Import teknis competencies from CSV (preview, then store)', body: anyForm, bodyLimit: '2mb' }, async ({ body, user, locale }) => {
    const csv = one(body, 'csv');
    const dryRun = one(body, 'action') !== 'store';
    const r = await catalogue.importTeknis(user!, csv, dryRun);
    return listPage(locale, { csv, result: importView(locale, r, dryRun), status: r.problems.length ? 400 : undefined });
  });

  async function editPage(locale: Locale, code: string, extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: number; msg?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const c = await Competency.findOne({ code }).lean();
    if (!c) throw Errors.notFound('Competency not found');
    const form = extra.form ?? { name: c.name, description: c.description ?? '', ...Object.fromEntries([1, 2, 3, 4, 5].map((l) => [`level_${l}`, c.levels?.find((x) => x.level === l)?.indicator ?? ''])) };
    return {
      view: 'core/competency-edit', title: c.name, status: extra.status,
      data: { code: c.code, group: t(`competency.group.${c.group}`), form, errors: extra.errors ?? {}, levels: [1, 2, 3, 4, 5].map((l) => ({ level: l, name: `level_${l}`, value: form[`level_${l}`] ?? '', error: extra.errors?.[`level_${l}`] })), msg: extra.msg ? t(`competency.msg.${extra.msg}`) : '' },
    };
  }
  page('/admin/competencies/:code', { method: 'get', summary: 'Edit a competency: description and level indicators', params: codeParams, query: z.object({ msg: z.enum(['saved']).optional() }).passthrough() }, ({ params, locale, query }) => editPage(locale, params.code, { msg: (query as { msg?: string }).msg }));
  page('/admin/competencies/:code', { method: 'post', summary: 'Save a competency (form)', params: codeParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const { form, errors, input } = readCompetencyForm(body, locale, false);
    if (Object.keys(errors).length) return editPage(locale, params.code, { form, errors, status: 400 });
    await catalogue.saveCompetency(user!, { ...input, code: params.code }, false);
    res.redirect(303, `/admin/competencies/${encodeURIComponent(params.code)}?msg=saved`);
    return undefined;
  });

  // ---- positions ------------------------------------------------------------------------------
  async function positionsPage(locale: Locale, extra: { form?: Record<string, string>; errors?: Record<string, string>; status?: number; csv?: string; result?: ReturnType<typeof importView> } = {}): Promise<PageResult> {
    const t = tr(locale);
    const names = new Map((await Competency.find({}, { code: 1, name: 1 }).lean()).map((c) => [c.code, c.name]));
    const positions = await svc.models.Position.find().sort({ name: 1 }).lean();
    return {
      view: 'core/competency-positions', title: t('competency.positions.title'), status: extra.status,
      data: {
        positions: positions.map((p) => ({ code: p.code, name: p.name, standard: p.standard.map((s) => `${names.get(s.competency) ?? s.competency} ${s.required}`).join(', '), count: p.standard.length })),
        form: extra.form ?? {}, errors: extra.errors ?? {}, csv: extra.csv ?? '', result: extra.result, columns: POSITION_COLUMNS.join(','),
      },
    };
  }
  page('/admin/positions', { method: 'get', summary: 'Positions and their competency standards' }, ({ locale }) => positionsPage(locale));
  page('/admin/positions', { method: 'post', summary: 'Add a position (form)', body: anyForm }, async ({ body, locale, res, user }) => {
    const t = tr(locale);
    const form = { code: normalizeCode(one(body, 'positionCode')), name: one(body, 'name').trim() };
    const errors: Record<string, string> = {};
    if (!CODE.test(form.code)) errors.code = t('competency.err.code');
    if (form.name.length < 2 || form.name.length > 200) errors.name = t('competency.err.name');
    if (!errors.code && (await catalogue.positionByCode(form.code))) errors.code = t('competency.err.codeTaken');
    if (Object.keys(errors).length) return positionsPage(locale, { form, errors, status: 400 });
    await catalogue.savePosition(user!, { code: form.code, name: form.name, standard: [] });
    res.redirect(303, `/admin/positions/${encodeURIComponent(form.code)}`);
    return undefined;
  });
  page('/admin/positions/import', { method: 'post', summary: 'Import positions and standards from CSV (preview, then store)', body: anyForm, bodyLimit: '2mb' }, async ({ body, user, locale }) => {
    const csv = one(body, 'csv');
    const dryRun = one(body, 'action') !== 'store';
    const r = await catalogue.importPositions(user!, csv, dryRun);
    return positionsPage(locale, { csv, result: importView(locale, r, dryRun), status: r.problems.length ? 400 : undefined });
  });

  async function positionPage(locale: Locale, code: string, extra: { form?: Record<string, string>; error?: string; status?: number; msg?: string } = {}): Promise<PageResult> {
    const t = tr(locale);
    const p = await catalogue.positionByCode(code);
    if (!p) throw Errors.notFound('Position not found');
    const required = new Map(p.standard.map((s) => [s.competency, String(s.required)]));
    const all = await Competency.find().sort({ group: 1, code: 1 }).lean();
    const form = extra.form ?? Object.fromEntries([['name', p.name], ...all.map((c) => [`req_${c.code}`, required.get(c.code) ?? ''])]);
    return {
      view: 'core/competency-position', title: p.name, status: extra.status,
      data: {
        code: p.code, form, error: extra.error, msg: extra.msg ? t(`competency.msg.${extra.msg}`) : '',
        rows: all.map((c) => ({ code: c.code, name: c.name, group: t(`competency.group.${c.group}`), field: `req_${c.code}`, options: ['', '1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v || t('competency.positions.notRequired'), selected: (form[`req_${c.code}`] ?? '') === v })) })),
      },
    };
  }
  page('/admin/positions/:code', { method: 'get', summary: 'Edit a position\'s standard', params: codeParams, query: z.object({ msg: z.enum(['saved']).optional() }).passthrough() }, ({ params, locale, query }) => positionPage(locale, params.code, { msg: (query as { msg?: string }).msg }));
  page('/admin/positions/:code', { method: 'post', summary: 'Save a position\'s standard (form)', params: codeParams, body: anyForm }, async ({ params, body, user, locale, res }) => {
    const t = tr(locale);
    const all = await Competency.find({}, { code: 1 }).lean();
    const form: Record<string, string> = { name: one(body, 'name').trim() };
    const standard = [];
    let bad = false;
    for (const c of all) {
      const v = one(body, `req_${c.code}`).trim();
      form[`req_${c.code}`] = v;
      if (!v) continue;
      if (!/^[1-5]$/.test(v)) bad = true;
      else standard.push({ competency: c.code, required: Number(v) });
    }
    if (form.name!.length < 2 || form.name!.length > 200) return positionPage(locale, params.code, { form, error: t('competency.err.name'), status: 400 });
    if (bad) return positionPage(locale, params.code, { form, error: t('competency.err.level'), status: 400 });
    await catalogue.savePosition(user as SessionUser, { code: params.code, name: form.name!, standard });
    res.redirect(303, `/admin/positions/${encodeURIComponent(params.code)}?msg=saved`);
    return undefined;
  });
}
