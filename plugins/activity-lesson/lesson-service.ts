/**
 * Lessons as stored, and the steps the API, the forms and the demo share: create, edit, read
 * (which completes the lesson for an enrolled learner). The HTML is rendered once at save time,
 * so reading costs nothing.
 */
import { Schema, type Model, type Types } from 'mongoose';
import { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import { objectId } from '../../src/kernel/object-id';
import { renderMarkdown, RENDER_VERSION } from './render-markdown';

export interface LessonDoc {
  _id: Types.ObjectId;
  courseId: Types.ObjectId;
  title: string;
  markdown: string;
  html: string;
  /** RENDER_VERSION that produced `html`; older lessons are rendered again at start. */
  renderVersion?: number;
  updatedAt: Date;
}

export const lessonSchema = () =>
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

export const MARKDOWN_MAX = 200_000;
export const lessonInput = z.strictObject({ courseId: objectId, title: z.string().trim().min(1).max(200), markdown: z.string().max(MARKDOWN_MAX) });
export type LessonInput = z.infer<typeof lessonInput>;
export const lessonParams = z.object({ lessonId: objectId });

export const lessonView = (l: LessonDoc) => ({ id: String(l._id), courseId: String(l.courseId), title: l.title, html: l.html });

export interface LessonService {
  create(input: LessonInput): Promise<LessonDoc>;
  update(lessonId: string, title: string, markdown: string): Promise<LessonDoc>;
  load(lessonId: string): Promise<LessonDoc>;
  /** Reading a lesson completes it for an enrolled learner. */
  read(user: Parameters<LearningService['requireParticipant']>[0], lessonId: string): Promise<LessonDoc>;
}

export function createLessonService(ctx: PluginContext, Lesson: Model<LessonDoc>): LessonService {
  const learning = () => ctx.use<LearningService>('learning');
  const service: LessonService = {
    async create(input) {
      const lesson = await Lesson.create({ ...input, html: renderMarkdown(input.markdown), renderVersion: RENDER_VERSION, updatedAt: ctx.clock.now() });
      await learning().addActivity({ courseId: input.courseId, type: ctx.id, refId: String(lesson._id), title: input.title });
      return lesson.toObject();
    },
    async update(lessonId, title, markdown) {
      const l = await Lesson.findOneAndUpdate({ _id: lessonId }, { $set: { title, markdown, html: renderMarkdown(markdown), renderVersion: RENDER_VERSION, updatedAt: ctx.clock.now() } }, { new: true }).lean();
      if (!l) throw Errors.notFound('Lesson not found');
      await learning().renameActivity(ctx.id, lessonId, title);
      return l;
    },
    async load(lessonId) {
      const l = await Lesson.findById(lessonId).lean();
      if (!l) throw Errors.notFound('Lesson not found');
      return l;
    },
    async read(user, lessonId) {
      const lesson = await service.load(lessonId);
      const { asAuthor } = await learning().requireParticipant(user, String(lesson.courseId));
      if (!asAuthor) await learning().markProgress(user!.id, await learning().activityFor(ctx.id, lessonId), 'completed');
      return lesson;
    },
  };
  return service;
}
