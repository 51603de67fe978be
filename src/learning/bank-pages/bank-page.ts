/**
 * One bank: its category tree and a filtered, paginated question list, the form that adds a
 * (sub)category, and the actions on one question (move, copy, hide/show, delete) that its rows post.
 */
import { z } from 'zod';
import { BinaError } from '../../kernel/errors';
import { bankParams, excerpt, qidParams, type BankPagesKit } from './bank-pages-kit';

const PAGE_SIZE = 20;
const looseQuery = z.record(z.string().max(60), z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]));

export function registerBankPage({ kernel, bank, models, page, tr, shownCategories, typeChoices, latestInBank }: BankPagesKit): void {
  function bankLink(bankId: string, q: Record<string, string | undefined>): string {
    const s = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    return `/banks/${bankId}${s ? `?${s}` : ''}`;
  }

  /** A `back` URL from a form, accepted only when it is this bank's page (no open redirect). */
  function backTo(bankId: string, back: string | undefined, msg: Record<string, string>): string {
    let search = new URLSearchParams();
    if (back) {
      try {
        const u = new URL(back, 'http://bina.invalid');
        if (u.origin === 'http://bina.invalid' && u.pathname === `/banks/${bankId}`) search = u.searchParams;
      } catch {
        /* ignore a malformed back link */
      }
    }
    for (const key of ['msg', 'qid']) search.delete(key);
    for (const [key, v] of Object.entries(msg)) search.set(key, v);
    const s = search.toString();
    return `/banks/${bankId}${s ? `?${s}` : ''}`;
  }

  page('/banks/:bankId', { method: 'get', summary: 'A question bank: category tree, filtered questions', params: bankParams, query: looseQuery }, async ({ params, query, user, locale, req }) => {
    const t = tr(locale);
    const b = await bank.requireBank(user!, params.bankId);
    const q = Object.fromEntries(Object.entries(query as Record<string, string | string[]>).map(([key, v]) => [key, Array.isArray(v) ? (v[v.length - 1] ?? '') : v]));
    const cats = shownCategories(locale, await bank.categories(params.bankId));
    const catIds = new Set(cats.map((c) => String(c._id)));
    const filter = {
      categoryId: q.categoryId && catIds.has(q.categoryId) ? q.categoryId : undefined,
      sub: q.sub !== 'false',
      type: q.type && kernel.registries.questionTypes.get(q.type) ? q.type : undefined,
      tag: q.tag?.trim() || undefined,
      difficulty: (['easy', 'medium', 'hard'] as const).find((d) => d === q.difficulty),
      competency: q.competency || undefined,
      level: /^[1-5]$/.test(q.level ?? '') ? Number(q.level) : undefined,
      q: q.q?.trim() || undefined,
      hidden: q.hidden === 'true',
    };
    const pageNo = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const r = await bank.search({
      bankId: params.bankId, categoryId: filter.categoryId, recursive: filter.sub, type: filter.type, tag: filter.tag, difficulty: filter.difficulty,
      competency: filter.competency, level: filter.level, q: filter.q, includeHidden: filter.hidden, limit: PAGE_SIZE, skip: (pageNo - 1) * PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
    const filterQuery = {
      categoryId: filter.categoryId, sub: filter.sub ? undefined : 'false', type: filter.type, tag: filter.tag, difficulty: filter.difficulty,
      competency: filter.competency, level: filter.level ? String(filter.level) : undefined, q: filter.q, hidden: filter.hidden ? 'true' : undefined,
    };
    const catPath = new Map(cats.map((c) => [String(c._id), c.path]));
    const current = req.originalUrl;
    const msg = typeof q.msg === 'string' ? q.msg : '';
    const inUse = msg === 'inuse' && q.qid ? await models.Question.findOne({ qid: q.qid, latest: true, bankId: b._id }, { name: 1, qid: 1, hidden: 1 }).lean() : null;
    const exportQuery = filter.categoryId ? `&categoryId=${filter.categoryId}` : '';
    return {
      view: 'core/bank', title: b.name,
      data: {
        bank: { id: String(b._id), name: b.name },
        categories: cats.map((c) => ({ id: String(c._id), name: c.name, path: c.path, depth: Math.min(c.depth, 6), count: c.count, active: String(c._id) === filter.categoryId, link: bankLink(params.bankId, { ...filterQuery, categoryId: String(c._id), page: undefined }) })),
        allLink: bankLink(params.bankId, { ...filterQuery, categoryId: undefined }),
        filter, types: typeChoices(locale), competencies: await models.Competency.find().sort({ code: 1 }).lean(),
        total: r.total, pageNo, pages,
        prevLink: pageNo > 1 ? bankLink(params.bankId, { ...filterQuery, page: String(pageNo - 1) }) : null,
        nextLink: pageNo < pages ? bankLink(params.bankId, { ...filterQuery, page: String(pageNo + 1) }) : null,
        questions: r.questions.map((x) => ({
          qid: x.qid, name: x.name, excerpt: excerpt(x.stem, 140), type: x.type, typeName: kernel.translator.t(locale, `question-${x.type}:name`), version: x.version, hidden: x.hidden,
          tags: x.tags ?? [], difficulty: x.difficulty, competency: x.competency, categoryId: String(x.categoryId), category: catPath.get(String(x.categoryId)) ?? '',
          source: x.source ? `${x.source.format.toUpperCase()} · ${t('bank.import.line')} ${x.source.line}` : null,
        })),
        back: current, msg, inUse: inUse ? { qid: inUse.qid, name: inUse.name, hidden: inUse.hidden } : null,
        exportGift: `/api/v1/banks/${params.bankId}/export?format=gift${exportQuery}`,
        exportXml: `/api/v1/banks/${params.bankId}/export?format=moodlexml${exportQuery}`,
        exporters: kernel.registries.exporters.ids(),
      },
    };
  });

  page('/banks/:bankId/categories', { method: 'post', summary: 'Create a (sub)category (form)', params: bankParams, body: z.object({ name: z.string().max(500).default(''), parentId: z.string().max(30).default(''), back: z.string().max(2000).optional(), _csrf: z.string().optional() }) }, async ({ params, body, user, res }) => {
    await bank.requireBank(user!, params.bankId);
    const name = body.name.trim();
    if (!name || name.length > 100 || name.includes('/')) return void res.redirect(303, backTo(params.bankId, body.back, { msg: 'catinvalid' }));
    try {
      await bank.createCategory(user!, params.bankId, { name, parentId: body.parentId || undefined });
    } catch (e) {
      if (e instanceof BinaError && e.status < 500) return void res.redirect(303, backTo(params.bankId, body.back, { msg: e.status === 409 ? 'catexists' : 'catinvalid' }));
      throw e;
    }
    res.redirect(303, backTo(params.bankId, body.back, { msg: 'catcreated' }));
  });

  const actionBody = z.object({ back: z.string().max(2000).optional(), categoryId: z.string().max(30).optional(), hidden: z.string().max(10).optional(), confirm: z.string().max(10).optional(), _csrf: z.string().optional() });
  page('/bank-questions/:qid/move', { method: 'post', summary: 'Move a question to another category (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    await bank.move(user!, params.qid, body.categoryId ?? '');
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'moved' }));
  });
  page('/bank-questions/:qid/copy', { method: 'post', summary: 'Copy a question into a category of its bank (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    await bank.copy(user!, params.qid, { bankId: String(q.bankId), categoryId: body.categoryId ?? '' });
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'copied' }));
  });
  page('/bank-questions/:qid/hidden', { method: 'post', summary: 'Hide or show a question (form)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    const hidden = body.hidden === 'true';
    await bank.setHidden(user!, params.qid, hidden);
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: hidden ? 'hidden' : 'shown' }));
  });
  page('/bank-questions/:qid/delete', { method: 'post', summary: 'Delete a question nothing uses (form; in use: suggests hiding)', params: qidParams, body: actionBody }, async ({ params, body, user, res }) => {
    const q = await latestInBank(user!, params.qid);
    if (body.confirm !== 'yes') return void res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'confirmdelete' }));
    try {
      await bank.delete(user!, params.qid);
    } catch (e) {
      if (e instanceof BinaError && e.status === 409) return void res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'inuse', qid: params.qid }));
      throw e;
    }
    res.redirect(303, backTo(String(q.bankId), body.back, { msg: 'deleted' }));
  });
}
