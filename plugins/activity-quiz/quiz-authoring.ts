/**
 * Creating a quiz and changing its settings, and who may: the quiz's authoring steps that the API,
 * the forms and the demo share.
 */
import type { Model } from 'mongoose';
import { Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import type { AttemptService } from './attempt-service';
import type { QuizDoc } from './quiz-models';
import type { QuizInput, SettingsPatch } from './quiz-input';

export interface QuizAuthoring {
  createQuiz(user: SessionUser, input: QuizInput): Promise<QuizDoc>;
  /** The quiz, if the user may author it. */
  authorQuiz(user: SessionUser | undefined, quizId: string): Promise<QuizDoc>;
  /** The quiz and whether the viewer authors it (a participant or an author may view it). */
  quizForViewer(user: SessionUser, quizId: string): Promise<{ quiz: QuizDoc; asAuthor: boolean }>;
  updateSettings(quiz: QuizDoc, body: SettingsPatch): Promise<QuizDoc>;
}

export function createQuizAuthoring(ctx: PluginContext, svc: AttemptService, Quiz: Model<QuizDoc>): QuizAuthoring {
  const learning = () => ctx.use<LearningService>('learning');
  return {
    async createQuiz(user, input) {
      await learning().requireAuthor(user, input.courseId);
      const slots = (await svc.slots.checkQuestions(user, input.courseId, input.questions)).map((s, i) => ({ slot: `s${i + 1}`, ...s }));
      const { questions: _q, closesAt, ...settings } = input;
      const quiz = await Quiz.create({ ...settings, closesAt: closesAt ? new Date(closesAt) : undefined, slots, updatedAt: ctx.clock.now() });
      await learning().addActivity({ courseId: input.courseId, type: ctx.id, refId: String(quiz._id), title: input.title });
      return quiz.toObject();
    },

    async authorQuiz(user, quizId) {
      const quiz = await svc.loadQuiz(quizId);
      await learning().requireAuthor(user, String(quiz.courseId));
      return quiz;
    },

    async quizForViewer(user, quizId) {
      const quiz = await svc.loadQuiz(quizId);
      const { asAuthor } = await learning().requireParticipant(user, String(quiz.courseId));
      return { quiz, asAuthor };
    },

    /**
     * New settings reach new attempts: a started attempt keeps the deadline fixed at its start, and
     * attempts already used still count against a lowered limit.
     */
    async updateSettings(quiz, body) {
      const { closesAt, timeLimitMinutes, ...rest } = body;
      const set: Record<string, unknown> = { ...rest, updatedAt: ctx.clock.now() };
      const unset: Record<string, 1> = {};
      if (timeLimitMinutes === null) unset.timeLimitMinutes = 1;
      else if (timeLimitMinutes !== undefined) set.timeLimitMinutes = timeLimitMinutes;
      if (closesAt === null) unset.closesAt = 1;
      else if (closesAt !== undefined) set.closesAt = new Date(closesAt);
      const q = await Quiz.findOneAndUpdate({ _id: quiz._id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { new: true }).lean();
      if (!q) throw Errors.notFound('Quiz not found');
      if (body.title) await learning().renameActivity(ctx.id, String(quiz._id), body.title);
      return q;
    },
  };
}
