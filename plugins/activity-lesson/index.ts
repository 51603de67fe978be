/**
 * Lessons: a trainer writes Markdown, the learner reads sanitised HTML; opening a lesson
 * completes it. Wiring only: the service (lesson-service.ts), the API (lesson-api-routes.ts), the
 * pages (lesson-pages.ts) and the lesson's files (lesson-files.ts).
 */
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { renderMarkdown, RENDER_VERSION } from './render-markdown';
import { registerLessonDemo } from './demo';
import { registerLessonFiles } from './lesson-files';
import { registerLessonApi } from './lesson-api-routes';
import { registerLessonPages } from './lesson-pages';
import { createLessonService, lessonSchema, type LessonDoc } from './lesson-service';

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
    const lessons = createLessonService(ctx, ctx.models.define<LessonDoc>('lessons', lessonSchema()));

    ctx.activityTypes.register({
      id: ctx.id,
      nameKey: `${ctx.id}:name`,
      icon: 'book',
      pageUrl: (a) => `/${ctx.id}/lessons/${a.refId}`,
      editUrl: (a) => `/${ctx.id}/lessons/${a.refId}/edit`,
    });

    const files = registerLessonFiles(ctx, async (lessonId) => String((await lessons.load(lessonId)).courseId));
    const createLesson = lessons.create;
    ctx.provide(ctx.id, { createLesson });
    registerLessonDemo(ctx, createLesson);
    registerLessonApi(ctx, lessons);
    registerLessonPages(ctx, lessons, files);
  },
});
