/**
 * Running a course after its creation, for its trainers: edit the course, the participants page
 * (enrol people found by name or NIP, or whole units; unenrol; progress per learner; CSV), and the
 * grades report (marks per activity and per question; CSV and XLSX). Every route is also in the
 * API. Handlers check the course's trainers through `requireAuthor`, never by hand.
 */
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import { objectId } from '../identity/identity-service';
import type { SessionUser } from '../identity/session-user';
import type { Response } from 'express';
import type { Locale } from '../views/i18n';
import { courseInput, courseView, jpForForm, jpFromForm } from './learning-routes';
import { buildGradebook, gradeRows, type Gradebook } from './gradebook';
import { enrolPeople, findPersonByLogin, searchPeople, unenrolPerson, unitTree } from './course-people';
import type { LearningService } from './learning-service';
import { toCsv, toXlsx, type Cell } from './table-export';
import { patchSchema } from '../http/validate';
import { isObjectId } from '../kernel/object-id';

const courseParams = z.object({ courseId: objectId });
const loose = z.record(z.string().max(120), z.union([z.string().max(20_000), z.array(z.string().max(100)).max(500)]));
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? '')).trim();

export function registerCourseAdminRoutes(services: KernelServices, learning: LearningService): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, spec, h);
  const page = (fullPath: string, spec: Omit<RouteSpec, 'kind' | 'path'>, h: RouteHandler) => services.routes.add('core', fullPath, { ...spec, path: fullPath, kind: 'page' }, h);
  const tr = (locale: Locale) => (key: string, args?: Record<string, unknown>) => services.translator.t(locale, key, args);

  const slug = (title: string) => title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'course';

  function participantRows(book: Gradebook) {
    return book.learners.map((l) => ({ ...l, total: book.activities.length, percent: book.activities.length ? Math.round((l.completed / book.activities.length) * 100) : 0 }));
  }

  async function sendTable(res: Response, rows: Cell[][], name: string, format: 'csv' | 'xlsx', sheet: string) {
    if (format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`).send(await toXlsx(rows, sheet));
    } else {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(toCsv(rows));
    }
  }

  function participantTable(book: Gradebook, t: ReturnType<typeof tr>): Cell[][] {
    return [
      [t('grades.nip'), t('grades.name'), t('grades.status'), t('participants.enrolledAt'), t('grades.completed'), t('participants.percent')],
      ...participantRows(book).map((l) => [l.nip, l.name, t(`grades.state.${l.status}`), l.enrolledAt.toISOString().slice(0, 10), l.completed, l.percent]),
    ];
  }

  // ---- API ----
  add('/api/v1/courses/:courseId/participants', { method: 'get', path: '/courses/:courseId/participants', capability: 'learning:progress-view', summary: 'The participants of a course I teach, with their progress', params: courseParams }, async ({ params, user }) => {
    await learning.requireAuthor(user, params.courseId);
    const book = await buildGradebook(services, learning, params.courseId, { grades: false });
    return { participants: participantRows(book).map((l) => ({ userId: l.userId, name: l.name, nip: l.nip, status: l.status, enrolledAt: l.enrolledAt, completed: l.completed, total: l.total })) };
  });
  add('/api/v1/courses/:courseId/participants', {
    method: 'post', path: '/courses/:courseId/participants', capability: 'learning:participants-manage', summary: 'Enrol people and whole units (with the units below them) in a course I teach', params: courseParams,
    body: z.strictObject({ userIds: z.array(objectId).max(500).default([]), unitIds: z.array(objectId).max(50).default([]) }).refine((b) => b.userIds.length + b.unitIds.length > 0, 'name at least one person or unit'),
  }, async ({ params, body, user }) => {
    await learning.requireAuthor(user, params.courseId);
    const r = await enrolPeople(services, learning, user!, params.courseId, body);
    if (r.unknown.length) throw Errors.validation('Unknown people or units', { details: r.unknown.map((id) => ({ path: body.userIds.includes(id) ? 'userIds' : 'unitIds', message: `no such active person or unit: ${id}` })) });
    return { enrolled: r.enrolled, already: r.already };
  });
  add('/api/v1/courses/:courseId/participants/:userId', { method: 'delete', path: '/courses/:courseId/participants/:userId', capability: 'learning:participants-manage', summary: 'Unenrol a person (progress and JP stay)', params: courseParams.extend({ userId: objectId }) }, async ({ params, user }) => {
    await learning.requireAuthor(user, params.courseId);
    if (!(await unenrolPerson(services, learning, user!, params.courseId, params.userId))) throw Errors.notFound('Not a participant');
    return { removed: true };
  });
  add('/api/v1/courses/:courseId/participants/export', { method: 'get', path: '/courses/:courseId/participants/export', capability: 'learning:progress-view', summary: 'The participants and their progress as CSV', params: courseParams }, async ({ params, user, res, locale }) => {
    const course = await learning.requireAuthor(user, params.courseId);
    await sendTable(res, participantTable(await buildGradebook(services, learning, params.courseId, { grades: false }), tr(locale)), `peserta-${slug(course.title)}`, 'csv', '');
  });
  add('/api/v1/people', { method: 'get', path: '/people', capability: 'learning:participants-manage', summary: 'Find people by name or NIP (to enrol them)', query: z.object({ q: z.string().trim().min(2).max(100) }) }, async ({ query }) => ({
    people: await searchPeople(services, query.q),
  }));
  add('/api/v1/courses/:courseId/grades', { method: 'get', path: '/courses/:courseId/grades', capability: 'learning:grades-view', summary: 'The grades of a course I teach: marks per activity and per question', params: courseParams }, async ({ params, user }) => {
    await learning.requireAuthor(user, params.courseId);
    const book = await buildGradebook(services, learning, params.courseId);
    return {
      activities: book.activities.filter((a) => a.grades).map((a) => ({ id: a.id, title: a.title, type: a.type, maxScore: a.grades!.maxScore, questions: a.grades!.questions })),
      learners: book.learners.map((l) => ({
        userId: l.userId, name: l.name, nip: l.nip, status: l.status,
        grades: Object.fromEntries(book.activities.filter((a) => a.grades).map((a) => [a.id, book.cells.get(a.id)?.get(l.userId) ?? null])),
      })),
    };
  });
  add('/api/v1/courses/:courseId/grades/export', { method: 'get', path: '/courses/:courseId/grades/export', capability: 'learning:grades-view', summary: 'The grades as CSV or XLSX', params: courseParams, query: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }) }, async ({ params, query, user, res, locale }) => {
    const course = await learning.requireAuthor(user, params.courseId);
    const t = tr(locale);
    await sendTable(res, gradeRows(await buildGradebook(services, learning, params.courseId), t), `nilai-${slug(course.title)}`, query.format, t('grades.sheet'));
  });

  // ---- pages ----
  async function participantsPage(user: SessionUser, courseId: string, query: Record<string, string | string[]>, locale: Locale, extra: Record<string, unknown> = {}) {
    const course = await learning.requireAuthor(user, courseId);
    const book = await buildGradebook(services, learning, courseId, { grades: false });
    const q = one(query.q);
    const enrolled = new Set(book.learners.map((l) => l.userId));
    const hits = q.length >= 2 ? (await searchPeople(services, q)).map((p) => ({ ...p, enrolled: enrolled.has(p.id) })) : [];
    const units = (await unitTree(services)).map((u) => ({ ...u, indent: '— '.repeat(Math.min(u.depth, 6)) }));
    return {
      view: 'core/course-participants', title: tr(locale)('participants.title'), status: extra.errors || extra.personError ? 400 : undefined,
      data: { course: courseView(course), participants: participantRows(book), q, searched: q.length >= 2, hits, units, canManage: services.authz.can(user, 'learning:participants-manage'), ...extra },
    };
  }
  page('/courses/:courseId/participants', { method: 'get', capability: 'learning:progress-view', summary: 'Participants of a course: enrol people or units, progress, CSV', params: courseParams, query: loose }, async ({ params, query, user, locale }) =>
    participantsPage(user!, params.courseId, query as Record<string, string | string[]>, locale, { done: one((query as Record<string, string>).done) }),
  );
  page('/courses/:courseId/participants', { method: 'post', capability: 'learning:participants-manage', summary: 'Enrol the ticked people and units (form)', params: courseParams, body: loose }, async ({ params, body, user, res, locale }) => {
    await learning.requireAuthor(user, params.courseId);
    const userIds = many(body.userId).filter(isObjectId);
    const unitIds = many(body.unitId).filter(isObjectId);
    const t = tr(locale);
    // The person picker's value: a NIP or e-mail, typed or chosen from the suggestions.
    const person = one(body.person);
    if (person) {
      const id = await findPersonByLogin(services, person);
      if (!id) return participantsPage(user!, params.courseId, { q: one(body.q) }, locale, { person, personError: t('participants.personUnknown') });
      userIds.push(id);
    }
    if (userIds.length + unitIds.length === 0) return participantsPage(user!, params.courseId, { q: one(body.q) }, locale, { errors: [t('participants.pickSomeone')] });
    const r = await enrolPeople(services, learning, user!, params.courseId, { userIds, unitIds });
    if (r.unknown.length) return participantsPage(user!, params.courseId, { q: one(body.q) }, locale, { errors: [t('participants.unknown')] });
    res.redirect(303, `/courses/${params.courseId}/participants?done=${r.enrolled}`);
  });
  page('/courses/:courseId/participants/:userId/remove', { method: 'post', capability: 'learning:participants-manage', summary: 'Unenrol a person (form)', params: courseParams.extend({ userId: objectId }) }, async ({ params, user, res }) => {
    await learning.requireAuthor(user, params.courseId);
    await unenrolPerson(services, learning, user!, params.courseId, params.userId);
    res.redirect(303, `/courses/${params.courseId}/participants`);
  });
  page('/courses/:courseId/grades', { method: 'get', capability: 'learning:grades-view', summary: 'Grades of a course: marks per activity and per question, CSV and XLSX', params: courseParams }, async ({ params, user, locale }) => {
    const course = await learning.requireAuthor(user, params.courseId);
    const book = await buildGradebook(services, learning, params.courseId);
    const graded = book.activities.filter((a) => a.grades);
    return {
      view: 'core/course-grades', title: tr(locale)('grades.title'),
      data: {
        course: courseView(course),
        activities: graded.map((a) => ({ id: a.id, title: a.title, maxScore: a.grades!.maxScore, questions: a.grades!.questions })),
        learners: book.learners.map((l) => ({
          name: l.name, nip: l.nip,
          cells: graded.map((a) => {
            const c = book.cells.get(a.id)?.get(l.userId);
            return { score: c?.score ?? null, pending: c ? c.score === null : false, passed: c?.passed ?? null, questions: a.grades!.questions.map((q) => ({ score: c ? c.questions[q.key] ?? null : null })) };
          }),
        })),
      },
    };
  });

  // ---- edit course ----
  const courseForm = z.object({ title: z.string().max(500), description: z.string().max(20_000).optional(), jp: z.string().max(20), competency: z.string().max(40).optional(), level: z.string().max(2).optional(), published: z.string().optional(), _csrf: z.string().optional() });
  async function editPage(courseId: string, locale: Locale, form?: Record<string, unknown>, errors?: Record<string, string>) {
    const course = await learning.getCourse(courseId);
    const completed = await learning.models.Enrolment.countDocuments({ courseId, status: 'completed' });
    const c0 = course.competencies[0];
    return {
      view: 'core/course-edit', title: tr(locale)('course.editTitle'), status: errors ? 400 : undefined,
      data: {
        edit: true, action: `/courses/${courseId}/edit`, course: courseView(course), completed,
        form: form ?? { title: course.title, description: course.description, jp: jpForForm(course.jp, locale), competency: c0?.code ?? '', level: String(c0?.level ?? 3), published: course.published },
        fieldErrors: errors ?? {},
        competencies: await learning.models.Competency.find().sort({ code: 1 }).lean(),
      },
    };
  }
  page('/courses/:courseId/activities/:activityId/move', {
    method: 'post', capability: 'learning:course-author', summary: 'Move an activity one place up or down in the course (form)',
    params: z.object({ courseId: objectId, activityId: objectId }), body: z.object({ _csrf: z.string().optional(), direction: z.enum(['up', 'down']) }),
  }, async ({ params, body, user, res }) => {
    await learning.requireAuthor(user, params.courseId);
    await learning.moveActivity(params.courseId, params.activityId, body.direction);
    res.redirect(303, `/courses/${params.courseId}#activity-${params.activityId}`);
  });
  page('/courses/:courseId/edit', { method: 'get', capability: 'learning:course-author', summary: 'Edit a course I teach', params: courseParams }, async ({ params, user, locale }) => {
    await learning.requireAuthor(user, params.courseId);
    return editPage(params.courseId, locale);
  });
  page('/courses/:courseId/edit', { method: 'post', capability: 'learning:course-author', summary: 'Save a course (form)', params: courseParams, body: courseForm }, async ({ params, body, user, res, locale }) => {
    await learning.requireAuthor(user, params.courseId);
    const parsed = patchSchema(courseInput).safeParse({
      title: body.title, description: body.description ?? '', jp: jpFromForm(body.jp), published: body.published === 'on',
      competencies: body.competency ? [{ code: body.competency, level: body.level ?? '1' }] : [],
    });
    const t = tr(locale);
    const form = { ...body, published: body.published === 'on' };
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0])] ??= t(`course.invalid.${String(i.path[0])}`);
      return editPage(params.courseId, locale, form, errors);
    }
    if (parsed.data.competencies?.length && !(await learning.models.Competency.exists({ code: parsed.data.competencies[0]!.code }))) return editPage(params.courseId, locale, form, { competencies: t('course.invalid.competencies') });
    await learning.models.Course.updateOne({ _id: params.courseId }, { $set: { ...parsed.data, updatedAt: services.clock.now() } });
    res.redirect(303, `/courses/${params.courseId}`);
  });
}
