/** The learning spine over HTTP: courses, enrolment, my courses and JP, competencies, questions. */
import { Types } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { RouteHandler, RouteSpec } from '../http/route-table';
import { patchSchema } from '../http/validate';
import { objectId } from '../identity/identity-service';
import type { SessionUser } from '../identity/session-user';
import type { CourseDoc, QuestionDoc } from './learning-models';
import { jpYearOf, type LearningService } from './learning-service';
import { distinctCourses, HOME_RECOMMENDATIONS_HOOK, type HomeRecommendations } from './home-recommendations';
import type { CompetencyService } from './competency/competency-service';
import { COURSE_LINKS_HOOK, type CourseLinks } from './course-links';

export const courseInput = z.strictObject({
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(5000).default(''),
  jp: z.coerce.number().min(0).max(1000),
  competencies: z.array(z.strictObject({ code: z.string().trim().min(1).max(40), level: z.coerce.number().int().min(1).max(5) })).max(20).default([]),
  published: z.boolean().default(false),
});

/**
 * The JP a person typed in a form, for `courseInput`: Indonesian writes decimals with a comma
 * ("2,5"), which `z.coerce.number` would read as NaN. A form field only: the API takes numbers.
 */
export function jpFromForm(typed: string): string {
  return typed.trim().replace(/^(\d+),(\d+)$/, '$1.$2');
}

/** A course's JP as a form shows it: with a decimal comma in Indonesian. */
export function jpForForm(jp: number, locale: string): string {
  return locale === 'id' ? String(jp).replace('.', ',') : String(jp);
}

export const questionInput = z.strictObject({
  courseId: objectId.optional(),
  type: z.string().min(1).max(40),
  name: z.string().trim().min(1).max(255),
  stem: z.string().min(1).max(20_000),
  stemFormat: z.enum(['moodle', 'html', 'markdown', 'plain']).default('plain'),
  generalFeedback: z.string().max(20_000).optional(),
  /** Absent: the type's default (0 for a type that takes no mark, such as a description; else 1). */
  defaultMark: z.number().min(0).max(1000).optional(),
  data: z.unknown(),
});

export function courseView(c: CourseDoc) {
  return {
    id: String(c._id), title: c.title, description: c.description, jp: c.jp, competencies: c.competencies,
    trainerIds: c.trainerIds.map(String), published: c.published,
  };
}

/** Trainers see the full question, with keys; this view is only for authors. */
export function questionAuthorView(q: QuestionDoc) {
  return {
    id: String(q._id), qid: q.qid, version: q.version, latest: q.latest, hidden: q.hidden, type: q.type, name: q.name, stem: q.stem,
    stemFormat: q.stemFormat, generalFeedback: q.generalFeedback, defaultMark: q.defaultMark, data: q.data,
    courseId: q.courseId ? String(q.courseId) : undefined,
  };
}

export function registerLearningRoutes(services: KernelServices, learning: LearningService): void {
  const add = (fullPath: string, spec: RouteSpec, h: RouteHandler) => services.routes.add('core', fullPath, spec, h);
  const courseParams = z.object({ courseId: objectId });

  async function checkCompetencies(list: Array<{ code: string }>) {
    const codes = [...new Set(list.map((c) => c.code))];
    const found = await learning.models.Competency.countDocuments({ code: { $in: codes } });
    if (found !== codes.length) throw Errors.validation('Unknown competency code', { details: [{ path: 'competencies', message: 'every code must be in the competency catalogue' }] });
  }

  /** DOMAIN.md: 20 JP a year for PNS; PPPK may have another target (both configurable). */
  async function jpTarget(user: SessionUser): Promise<number> {
    const u = await services.conn.collection('identity_users').findOne({ _id: new Types.ObjectId(user.id) }, { projection: { kind: 1 } });
    return u?.kind === 'pppk' ? services.config.BINA_JP_TARGET_PPPK : services.config.BINA_JP_TARGET_PNS;
  }

  async function visibleCourses(user: SessionUser) {
    const filter = user.roles.includes('admin') ? {} : { $or: [{ published: true }, { trainerIds: user.id }] };
    return learning.models.Course.find(filter).sort({ title: 1 }).limit(500).lean();
  }

  async function courseDetail(user: SessionUser, courseId: string) {
    const course = await learning.getCourse(courseId);
    const asAuthor = learning.canAuthor(user, course);
    if (!course.published && !asAuthor) throw Errors.notFound('Course not found');
    const [activities, enrolled, progress] = await Promise.all([
      learning.activities(courseId), learning.isEnrolled(user.id, courseId), learning.progressFor(user.id, courseId),
    ]);
    const { links } = await services.hooks.run<CourseLinks>(COURSE_LINKS_HOOK, { user, courseId, canAuthor: asAuthor, enrolled, links: [] });
    return {
      authorLinks: links.filter((l) => l.audience === 'author'),
      learnerLinks: links.filter((l) => l.audience === 'learner'),
      course: courseView(course),
      canAuthor: asAuthor,
      // Mentors see courses but do not enrol: no enrol button that would answer 403.
      canEnrol: services.authz.can(user, 'learning:course-enrol'),
      enrolled,
      activities: activities.map((a) => {
        const type = services.registries.activityTypes.get(a.type);
        const ref = { id: String(a._id), refId: a.refId };
        return {
          id: String(a._id), type: a.type, title: a.title, refId: a.refId, icon: type?.icon ?? 'circle',
          url: type?.pageUrl(ref), editUrl: type?.editUrl?.(ref), progress: progress.get(String(a._id)) ?? null,
        };
      }),
    };
  }

  add('/api/v1/courses', { method: 'get', path: '/courses', capability: 'learning:course-view', links: { courseId: '/courses/0/id' }, summary: 'Courses I may see' }, async ({ user }) => ({
    courses: (await visibleCourses(user!)).map(courseView),
  }));
  add('/api/v1/courses', { method: 'post', path: '/courses', capability: 'learning:course-author', status: 201, links: { courseId: '/course/id' }, summary: 'Create a course (I become its trainer)', body: courseInput }, async ({ body, user }) => {
    await checkCompetencies(body.competencies);
    const now = services.clock.now();
    const c = await learning.models.Course.create({ ...body, trainerIds: [user!.id], createdAt: now, updatedAt: now });
    return { course: courseView(c.toObject()) };
  });
  add('/api/v1/courses/:courseId', { method: 'get', path: '/courses/:courseId', capability: 'learning:course-view', summary: 'A course with its activities and my progress', params: courseParams }, ({ params, user }) =>
    courseDetail(user!, params.courseId),
  );
  add('/api/v1/courses/:courseId', { method: 'patch', path: '/courses/:courseId', capability: 'learning:course-author', summary: 'Edit a course I teach', params: courseParams, body: patchSchema(courseInput) }, async ({ params, body, user }) => {
    await learning.requireAuthor(user, params.courseId);
    if (body.competencies) await checkCompetencies(body.competencies);
    const c = await learning.models.Course.findOneAndUpdate({ _id: params.courseId }, { $set: { ...body, updatedAt: services.clock.now() } }, { new: true }).lean();
    return { course: courseView(c!) };
  });
  add('/api/v1/courses/:courseId/enrol', { method: 'post', path: '/courses/:courseId/enrol', capability: 'learning:course-enrol', answers: [201], summary: 'Enrol myself (idempotent)', params: courseParams }, async ({ params, user, res }) => {
    const r = await learning.enrol(user!.id, params.courseId);
    res.status(r.created ? 201 : 200).json({ enrolled: true });
  });
  add('/api/v1/courses/:courseId/questions', { method: 'get', path: '/courses/:courseId/questions', capability: 'learning:question-author', summary: 'The latest version of each question of a course', params: courseParams }, async ({ params, user }) => {
    await learning.requireAuthor(user, params.courseId);
    return { questions: (await learning.models.Question.find({ courseId: params.courseId, latest: true }).sort({ createdAt: 1 }).lean()).map(questionAuthorView) };
  });
  add('/api/v1/me/courses', { method: 'get', path: '/me/courses', capability: 'core:self', summary: 'Courses I am enrolled in' }, async ({ user }) => {
    const enr = await learning.models.Enrolment.find({ userId: user!.id }).lean();
    const courses = await learning.models.Course.find({ _id: { $in: enr.map((e) => e.courseId) } }).lean();
    const status = new Map(enr.map((e) => [String(e.courseId), e.status]));
    return { courses: courses.map((c) => ({ ...courseView(c), status: status.get(String(c._id)) })) };
  });
  add('/api/v1/me/jp', { method: 'get', path: '/me/jp', capability: 'core:self', summary: 'My JP for a year against the target', query: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }) }, async ({ query, user }) => {
    const year = query.year ?? jpYearOf(services.clock.now(), user!.timeZone);
    return { ...(await learning.jpSummary(user!.id, year)), target: await jpTarget(user!) };
  });
  add('/api/v1/competencies', { method: 'get', path: '/competencies', capability: 'learning:course-view', summary: 'The competency catalogue' }, async () => ({
    competencies: (await learning.models.Competency.find().sort({ group: 1, code: 1 }).lean()).map((c) => ({ code: c.code, name: c.name, group: c.group })),
  }));
  add('/api/v1/questions', { method: 'post', path: '/questions', capability: 'learning:question-author', status: 201, links: { questionId: '/question/id' }, summary: 'Create a question', body: questionInput }, async ({ body, user }) => {
    if (body.courseId) await learning.requireAuthor(user, body.courseId);
    return { question: questionAuthorView(await learning.createQuestion(user!, body)) };
  });
  add('/api/v1/questions/:questionId', { method: 'get', path: '/questions/:questionId', capability: 'learning:question-author', summary: 'One question version, with keys (authors only)', params: z.object({ questionId: objectId }) }, async ({ params, user }) => {
    const q = await learning.models.Question.findById(params.questionId).lean();
    if (!q) throw Errors.notFound('Question not found');
    if (q.courseId) await learning.requireAuthor(user, String(q.courseId));
    else if (String(q.createdBy) !== user!.id && !user!.roles.includes('admin')) throw Errors.forbidden('Not your question');
    return { question: questionAuthorView(q) };
  });
  add('/api/v1/questions/:questionId/versions', { method: 'post', path: '/questions/:questionId/versions', capability: 'learning:question-author', status: 201, summary: 'Save a new version of a question', params: z.object({ questionId: objectId }), body: questionInput }, async ({ params, body, user }) => {
    const q = await learning.models.Question.findById(params.questionId).lean();
    if (!q) throw Errors.notFound('Question not found');
    if (q.courseId) await learning.requireAuthor(user, String(q.courseId));
    else if (String(q.createdBy) !== user!.id && !user!.roles.includes('admin')) throw Errors.forbidden('Not your question');
    return { question: questionAuthorView(await learning.reviseQuestion(user!, q.qid, body)) };
  });

  /**
   * The trainer's home: the courses I teach (not only those I am enrolled in), answers waiting for
   * me to grade and activities open now, as each activity type reports them (`trainerStatus`).
   */
  async function trainerHome(user: SessionUser) {
    const courses = await learning.models.Course.find({ trainerIds: user.id }).sort({ title: 1 }).limit(200).lean();
    const activities = await learning.models.Activity.find({ courseId: { $in: courses.map((c) => c._id) } }).lean();
    const counts = await learning.models.Enrolment.aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { courseId: { $in: courses.map((c) => c._id) } } }, { $group: { _id: '$courseId', n: { $sum: 1 } } }]);
    const learners = new Map(counts.map((c) => [String(c._id), c.n]));
    const titles = new Map(courses.map((c) => [String(c._id), c.title]));
    const waiting: Array<{ title: string; course: string; href: string; count: number }> = [];
    const open: Array<{ title: string; course: string; href: string }> = [];
    const byType = new Map<string, typeof activities>();
    for (const a of activities) byType.set(a.type, [...(byType.get(a.type) ?? []), a]);
    for (const [typeId, list] of byType) {
      const type = services.registries.activityTypes.get(typeId);
      if (!type?.trainerStatus) continue;
      const status = new Map((await type.trainerStatus(list.map((a) => a.refId))).map((x) => [x.refId, x]));
      for (const a of list) {
        const st = status.get(a.refId);
        if (!st) continue;
        const href = type.pageUrl({ id: String(a._id), refId: a.refId });
        if (st.waiting > 0) waiting.push({ title: a.title, course: titles.get(String(a.courseId)) ?? '', href, count: st.waiting });
        if (st.openNow) open.push({ title: a.title, course: titles.get(String(a.courseId)) ?? '', href });
      }
    }
    return { courses: courses.map((c) => ({ ...courseView(c), learners: learners.get(String(c._id)) ?? 0 })), waiting, open };
  }

  // ---- pages ---------------------------------------------------------------------------------
  add('/', { method: 'get', path: '/', kind: 'page', capability: 'core:self', summary: 'Dashboard' }, async ({ user, t, locale }) => {
    const enr = await learning.models.Enrolment.find({ userId: user!.id }).lean();
    const mine = await learning.models.Course.find({ _id: { $in: enr.map((e) => e.courseId) } }).lean();
    const status = new Map(enr.map((e) => [String(e.courseId), e.status]));
    const catalogue = (await visibleCourses(user!)).filter((c) => !status.has(String(c._id)));
    const jp = await learning.jpSummary(user!.id, jpYearOf(services.clock.now(), user!.timeZone));
    const target = await jpTarget(user!);
    const teaching = services.authz.can(user, 'learning:course-author') ? await trainerHome(user!) : null;
    // Courses that close the learner's competency gaps (src/learning/competency), when that part is wired.
    const competency = services.providers.get('competency')?.impl as CompetencyService | undefined;
    const own = competency ? await competency.homeRecommendations(user!.id) : [];
    // Plugins add theirs with a reason (the SKM: a low survey element of the person's unit). A course
    // the person already takes or took is under "my courses": recommending it again is noise.
    const offered = (await services.hooks.run<HomeRecommendations>(HOME_RECOMMENDATIONS_HOOK, { user: user!, locale, items: own })).items;
    const recommended = distinctCourses(offered.filter((r) => !status.has(r.id)), 9);
    const recommendedIds = new Set(recommended.map((r) => r.id));
    return {
      view: 'core/dashboard', title: t('dashboard.title'),
      data: {
        teaching,
        myCourses: mine.map((c) => ({ ...courseView(c), completed: status.get(String(c._id)) === 'completed' })),
        catalogue: catalogue.map((c) => ({ ...courseView(c), recommended: recommendedIds.has(String(c._id)) })),
        recommended,
        jp: { ...jp, target, percent: Math.min(100, Math.round((jp.total / Math.max(target, 1)) * 100)) },
      },
    };
  });
  add('/courses/new', { method: 'get', path: '/courses/new', kind: 'page', capability: 'learning:course-author', summary: 'New course form' }, async ({ t }) => ({
    view: 'core/course-edit', title: t('course.new'), data: { form: { level: '3' }, fieldErrors: {}, competencies: await learning.models.Competency.find().sort({ code: 1 }).lean() },
  }));
  add('/courses', { method: 'post', path: '/courses', kind: 'page', capability: 'learning:course-author', summary: 'Create a course (form)', body: z.object({ title: z.string(), description: z.string().optional(), jp: z.string(), competency: z.string().optional(), level: z.string().optional(), published: z.string().optional(), _csrf: z.string().optional() }) }, async ({ body, user, res, t }) => {
    const parsed = courseInput.safeParse({
      title: body.title, description: body.description ?? '', jp: jpFromForm(body.jp), published: body.published === 'on',
      competencies: body.competency ? [{ code: body.competency, level: body.level ?? '1' }] : [],
    });
    const known = !parsed.success || !parsed.data.competencies.length || (await learning.models.Competency.exists({ code: parsed.data.competencies[0]!.code }));
    if (!parsed.success || !known) {
      // Reasons beside the fields, and every field (the level included) as it was typed.
      const fieldErrors: Record<string, string> = known ? {} : { competencies: t('course.invalid.competencies') };
      for (const i of parsed.success ? [] : parsed.error.issues) fieldErrors[String(i.path[0])] ??= t(`course.invalid.${String(i.path[0])}`);
      return { view: 'core/course-edit', title: t('course.new'), status: 400, data: { fieldErrors, form: { ...body, level: body.level ?? '3' }, competencies: await learning.models.Competency.find().sort({ code: 1 }).lean() } };
    }
    const now = services.clock.now();
    const c = await learning.models.Course.create({ ...parsed.data, trainerIds: [user!.id], createdAt: now, updatedAt: now });
    res.redirect(`/courses/${c._id}`);
  });
  add('/courses/:courseId', { method: 'get', path: '/courses/:courseId', kind: 'page', capability: 'learning:course-view', summary: 'Course page', params: courseParams }, async ({ params, user }) => {
    const d = await courseDetail(user!, params.courseId);
    const competencyNames = new Map((await learning.models.Competency.find().lean()).map((c) => [c.code, c.name]));
    return {
      view: 'core/course', title: d.course.title,
      data: { ...d, competencies: d.course.competencies.map((c) => ({ ...c, name: competencyNames.get(c.code) ?? c.code })), authorTools: d.canAuthor ? services.registries.activityTypes.list().map((a) => ({ id: a.id, nameKey: a.nameKey, icon: a.icon })) : [] },
    };
  });
  add('/courses/:courseId/enrol', { method: 'post', path: '/courses/:courseId/enrol', kind: 'page', capability: 'learning:course-enrol', summary: 'Enrol myself (form)', params: courseParams }, async ({ params, user, res }) => {
    await learning.enrol(user!.id, params.courseId);
    res.redirect(`/courses/${params.courseId}`);
  });
}
