/** The lesson's JSON API (/api/v1/activity-lesson/…): add, read (completes it) and edit. */
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import { lessonInput, lessonParams, lessonView, type LessonService } from './lesson-service';

export function registerLessonApi(ctx: PluginContext, lessons: LessonService): void {
  const learning = () => ctx.use<LearningService>('learning');
  ctx.http.route({ method: 'post', path: '/lessons', capability: 'activity-lesson:author', status: 201, links: { lessonId: '/lesson/id' }, summary: 'Add a lesson to a course I teach', body: lessonInput }, async ({ body, user }) => {
    await learning().requireAuthor(user, body.courseId);
    return { lesson: lessonView(await lessons.create(body)) };
  });
  ctx.http.route({ method: 'get', path: '/lessons/:lessonId', capability: 'activity-lesson:view', summary: 'Read a lesson (completes it)', params: lessonParams }, async ({ params, user }) => ({
    lesson: lessonView(await lessons.read(user, params.lessonId)),
  }));
  ctx.http.route({ method: 'put', path: '/lessons/:lessonId', capability: 'activity-lesson:author', summary: 'Edit a lesson', params: lessonParams, body: lessonInput.omit({ courseId: true }) }, async ({ params, body, user }) => {
    const l = await lessons.load(params.lessonId);
    await learning().requireAuthor(user, String(l.courseId));
    return { lesson: { ...lessonView(await lessons.update(params.lessonId, body.title, body.markdown)), markdown: body.markdown } };
  });
}
