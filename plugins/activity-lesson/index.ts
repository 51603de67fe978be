/**
 * Lessons: a trainer writes Markdown, the learner reads sanitised HTML; opening a lesson
 * completes it. The HTML is rendered once at save time, so reading costs nothing.
 */
import { Schema, Types } from 'mongoose';
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { Errors } from '../../src/kernel/errors';
import type { LearningService } from '../../src/learning/learning-service';
import { renderMarkdown, RENDER_VERSION } from './render-markdown';
import { registerLessonDemo } from './demo';
import { registerLessonFiles } from './lesson-files';
import { nextActivity } from './next-activity';
import { objectId } from '../../src/kernel/object-id';

interface LessonDoc {
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  title: string;
  markdown: string;
  html: string;
  /** RENDER_VERSION that produced `html`; older lessons are rendered again at start. */
  renderVersion?: number;
  updatedAt: Date;
}

const lessonSchema = () =>
  new Schema<LessonDoc>(
    {
      courseId: { type: Schema.Types.ObjectId, required: true, index: true },
      title: { type: String, required: true },
      markdown: { type: String, default: '' },
      html: { type: String, default: '' },
      renderVersion: { type: Number },
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );

const lessonInput = z.strictObject({ courseId: objectId, title: z.string().trim().min(1).max(200), markdown: z.string().max(200_000) });
const lessonParams = z.object({ lessonId: objectId });

export default definePlugin({
  async start(ctx) {
    // Lessons saved by an older renderer (e.g. headings not yet below the page title) are rendered
    // again, once; `renderVersion` is the precondition, so two processes starting together agree.
    const Lesson = ctx.models.define<LessonDoc>('lessons', lessonSchema());
    for (const l of await Lesson.find({ renderVersion: { $ne: RENDER_VERSION } }, { markdown: 1 }).lean()) {
      await Lesson.updateOne({ _id: l._id, renderVersion: { $ne: RENDER_VERSION } }, { $set: { html: renderMarkdown(l.markdown), renderVersion: RENDER_VERSION } });
    }
  },
  register(ctx) {
    const Lesson = ctx.models.define<LessonDoc>('lessons', lessonSchema());
    const learning = () => ctx.use<LearningService>('learning');

    ctx.activityTypes.register({
      id: ctx.id,
      nameKey: `${ctx.id}:name`,
      icon: 'book',
      pageUrl: (a) => `/${ctx.id}/lessons/${a.refId}`,
      editUrl: (a) => `/${ctx.id}/lessons/${a.refId}/edit`,
    });

    async function createLesson(input: z.infer<typeof lessonInput>) {
      const lesson = await Lesson.create({ ...input, html: renderMarkdown(input.markdown), renderVersion: RENDER_VERSION, updatedAt: ctx.clock.now() });
      await learning().addActivity({ courseId: input.courseId, type: ctx.id, refId: String(lesson._id), title: input.title });
      return lesson.toObject();
    }
    async function updateLesson(lessonId: string, title: string, markdown: string) {
      const l = await Lesson.findOneAndUpdate({ _id: lessonId }, { $set: { title, markdown, html: renderMarkdown(markdown), renderVersion: RENDER_VERSION, updatedAt: ctx.clock.now() } }, { new: true }).lean();
      await learning().renameActivity(ctx.id, lessonId, title);
      return l!;
    }
    async function load(lessonId: string) {
      const l = await Lesson.findById(lessonId).lean();
      if (!l) throw Errors.notFound('Lesson not found');
      return l;
    }
    /** Reading a lesson completes it for an enrolled learner. */
    async function read(user: Parameters<LearningService['requireParticipant']>[0], lessonId: string) {
      const lesson = await load(lessonId);
      const { asAuthor } = await learning().requireParticipant(user, String(lesson.courseId));
      if (!asAuthor) await learning().markProgress(user!.id, await learning().activityFor(ctx.id, lessonId), 'completed');
      return lesson;
    }
    const view = (l: LessonDoc) => ({ id: String(l._id), courseId: String(l.courseId), title: l.title, html: l.html });

    const files = registerLessonFiles(ctx, async (lessonId) => String((await load(lessonId)).courseId));

    ctx.provide(ctx.id, { createLesson });
    registerLessonDemo(ctx, createLesson);

    ctx.http.route({ method: 'post', path: '/lessons', capability: 'activity-lesson:author', status: 201, links: { lessonId: '/lesson/id' }, summary: 'Add a lesson to a course I teach', body: lessonInput }, async ({ body, user }) => {
      await learning().requireAuthor(user, body.courseId);
      return { lesson: view(await createLesson(body)) };
    });
    ctx.http.route({ method: 'get', path: '/lessons/:lessonId', capability: 'activity-lesson:view', summary: 'Read a lesson (completes it)', params: lessonParams }, async ({ params, user }) => ({
      lesson: view(await read(user, params.lessonId)),
    }));
    ctx.http.route({ method: 'put', path: '/lessons/:lessonId', capability: 'activity-lesson:author', summary: 'Edit a lesson', params: lessonParams, body: lessonInput.omit({ courseId: true }) }, async ({ params, body, user }) => {
      const l = await load(params.lessonId);
      await learning().requireAuthor(user, String(l.courseId));
      return { lesson: { ...view(await updateLesson(params.lessonId, body.title, body.markdown)), markdown: body.markdown } };
    });

    // ---- pages ----
    const form = z.object({ title: z.string().default(''), markdown: z.string().default(''), courseId: z.string().optional(), _csrf: z.string().optional() });
    ctx.http.page({ method: 'get', path: '/new', capability: 'activity-lesson:author', summary: 'New lesson form', query: z.object({ courseId: objectId }) }, async ({ query, user, t }) => {
      const course = await learning().requireAuthor(user, query.courseId);
      return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:new`), data: { course: { id: String(course._id), title: course.title }, action: `/${ctx.id}/lessons` } };
    });
    ctx.http.page({ method: 'post', path: '/lessons', capability: 'activity-lesson:author', summary: 'Create a lesson (form)', body: form }, async ({ body, user, res, t }) => {
      const parsed = lessonInput.safeParse({ courseId: body.courseId, title: body.title, markdown: body.markdown });
      if (!parsed.success) return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:new`), status: 400, data: { errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), lesson: body, course: { id: body.courseId }, action: `/${ctx.id}/lessons` } };
      await learning().requireAuthor(user, parsed.data.courseId);
      const l = await createLesson(parsed.data);
      res.redirect(`/${ctx.id}/lessons/${l._id}`);
    });
    ctx.http.page({ method: 'get', path: '/lessons/:lessonId', capability: 'activity-lesson:view', summary: 'Read a lesson', params: lessonParams }, async ({ params, user }) => {
      const l = await read(user, params.lessonId);
      const course = await learning().getCourse(String(l.courseId));
      const next = await nextActivity(learning(), ctx.activityTypes, ctx.id, String(l._id), String(course._id));
      return { view: `${ctx.id}/lesson`, title: l.title, data: { lesson: view(l), course: { id: String(course._id), title: course.title }, canEdit: learning().canAuthor(user, course), next } };
    });
    ctx.http.page({ method: 'get', path: '/lessons/:lessonId/edit', capability: 'activity-lesson:author', summary: 'Edit lesson form', params: lessonParams }, async ({ params, user, t }) => {
      const l = await load(params.lessonId);
      const course = await learning().requireAuthor(user, String(l.courseId));
      const lessonFiles = (await files.list(params.lessonId)).map(files.view);
      return { view: `${ctx.id}/edit`, title: t(`${ctx.id}:edit`), data: { lesson: l, course: { id: String(course._id), title: course.title }, action: `/${ctx.id}/lessons/${l._id}`, files: lessonFiles, uploadUrl: `/api/v1/${ctx.id}/lessons/${l._id}/files` } };
    });
    ctx.http.page({ method: 'post', path: '/lessons/:lessonId', capability: 'activity-lesson:author', summary: 'Save a lesson (form)', params: lessonParams, body: form }, async ({ params, body, user, res }) => {
      const l = await load(params.lessonId);
      await learning().requireAuthor(user, String(l.courseId));
      const parsed = lessonInput.omit({ courseId: true }).safeParse({ title: body.title, markdown: body.markdown });
      if (!parsed.success) throw Errors.validation('Invalid lesson', { details: parsed.error.issues });
      await updateLesson(params.lessonId, parsed.data.title, parsed.data.markdown);
      res.redirect(`/${ctx.id}/lessons/${params.lessonId}`);
    });
  },
});
