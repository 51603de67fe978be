/**
 * The lesson's pages: the new and edit forms (a refused one comes back as typed, with the reasons
 * by the fields: a trainer's long text is never lost to a mistake) and the reading page.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import { Errors } from '../../src/kernel/errors';
import { isObjectId, objectId } from '../../src/kernel/object-id';
import type { LessonFiles } from './lesson-files';
import { lessonInput, lessonParams, lessonView, type LessonDoc, type LessonService } from './lesson-service';
import { nextActivity } from './next-activity';

const form = z.object({ title: z.string().default(''), markdown: z.string().default(''), courseId: z.string().optional(), _csrf: z.string().optional() });
type LessonForm = z.infer<typeof form>;

export function registerLessonPages(ctx: PluginContext, lessons: LessonService, files: LessonFiles): void {
  const learning = () => ctx.use<LearningService>('learning');

  /** The reasons by field, in the reader's language (the fields' own words, not zod's). */
  function reasons(issues: z.core.$ZodIssue[], t: (key: string) => string): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const issue of issues) {
      const field = issue.path[0] === 'markdown' ? 'markdown' : 'title';
      errors[field] ??= t(`${ctx.id}:form.invalid.${field}`);
    }
    return errors;
  }
  async function editData(l: LessonDoc, typed?: LessonForm, errors?: Record<string, string>) {
    const course = await learning().getCourse(String(l.courseId));
    return {
      lesson: typed ? { _id: l._id, title: typed.title, markdown: typed.markdown } : l,
      course: { id: String(course._id), title: course.title },
      action: `/${ctx.id}/lessons/${l._id}`,
      files: (await files.list(String(l._id))).map(files.view),
      uploadUrl: `/api/v1/${ctx.id}/lessons/${l._id}/files`,
      errors: errors ?? {},
      refused: Boolean(errors),
    };
  }

  ctx.http.page({ method: 'get', path: '/new', capability: 'activity-lesson:author', summary: 'New lesson form', query: z.object({ courseId: objectId }) }, async ({ query, user, t }) => {
    const course = await learning().requireAuthor(user, query.courseId);
    return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:new`), data: { course: { id: String(course._id), title: course.title }, action: `/${ctx.id}/lessons`, errors: {} } };
  });
  ctx.http.page({ method: 'post', path: '/lessons', capability: 'activity-lesson:author', summary: 'Create a lesson (form; a refused one comes back as typed, with reasons by the fields)', body: form }, async ({ body, user, res, t }) => {
    // The course comes from a hidden field: one that is not an id is no course (404), not a form mistake.
    if (!body.courseId || !isObjectId(body.courseId)) throw Errors.notFound('Course not found');
    const course = await learning().requireAuthor(user, body.courseId);
    const parsed = lessonInput.safeParse({ courseId: body.courseId, title: body.title, markdown: body.markdown });
    if (!parsed.success) {
      return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:new`), status: 400, data: { errors: reasons(parsed.error.issues, t), refused: true, lesson: { title: body.title, markdown: body.markdown }, course: { id: String(course._id), title: course.title }, action: `/${ctx.id}/lessons` } };
    }
    const l = await lessons.create(parsed.data);
    res.redirect(`/${ctx.id}/lessons/${l._id}`);
  });
  ctx.http.page({ method: 'get', path: '/lessons/:lessonId', capability: 'activity-lesson:view', summary: 'Read a lesson', params: lessonParams }, async ({ params, user }) => {
    const l = await lessons.read(user, params.lessonId);
    const course = await learning().getCourse(String(l.courseId));
    const next = await nextActivity(learning(), ctx.activityTypes, ctx.id, String(l._id), String(course._id));
    return { view: `${ctx.id}/lesson`, title: l.title, data: { lesson: lessonView(l), course: { id: String(course._id), title: course.title }, canEdit: learning().canAuthor(user, course), next } };
  });
  ctx.http.page({ method: 'get', path: '/lessons/:lessonId/edit', capability: 'activity-lesson:author', summary: 'Edit lesson form', params: lessonParams }, async ({ params, user, t }) => {
    const l = await lessons.load(params.lessonId);
    await learning().requireAuthor(user, String(l.courseId));
    return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:edit`), data: await editData(l) };
  });
  ctx.http.page({ method: 'post', path: '/lessons/:lessonId', capability: 'activity-lesson:author', summary: 'Save a lesson (form; a refused one comes back as typed, with reasons by the fields)', params: lessonParams, body: form }, async ({ params, body, user, res, t }) => {
    const l = await lessons.load(params.lessonId);
    await learning().requireAuthor(user, String(l.courseId));
    const parsed = lessonInput.omit({ courseId: true }).safeParse({ title: body.title, markdown: body.markdown });
    if (!parsed.success) return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:edit`), status: 400, data: await editData(l, body, reasons(parsed.error.issues, t)) };
    await lessons.update(params.lessonId, parsed.data.title, parsed.data.markdown);
    res.redirect(`/${ctx.id}/lessons/${params.lessonId}`);
  });
}
