/**
 * What the quiz's API and pages show of quizzes and attempts: answer keys never (slots only for
 * the quiz's trainers), learners by name and NIP, never by id.
 */
import type { Types } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { AttemptService } from './attempt-service';
import type { AttemptDoc, QuizDoc, QuizSlot } from './quiz-models';

const slotView = (s: QuizSlot) => ({
  slot: s.slot, mark: s.mark, questionId: s.questionId ? String(s.questionId) : null,
  random: s.random ? { bankId: String(s.random.bankId), categoryId: s.random.categoryId ? String(s.random.categoryId) : null, recursive: s.random.recursive, tags: s.random.tags } : null,
});

export const quizView = (q: QuizDoc, withSlots: boolean) => ({
  id: String(q._id), courseId: String(q.courseId), title: q.title, intro: q.intro, timeLimitMinutes: q.timeLimitMinutes ?? null,
  closesAt: q.closesAt ?? null, attemptsAllowed: q.attemptsAllowed, passPercent: q.passPercent, review: q.review,
  questionCount: q.slots.length, maxScore: q.slots.reduce((s, x) => s + x.mark, 0),
  ...(withSlots ? { slots: q.slots.map(slotView) } : {}),
});

export const attemptSummary = (a: AttemptDoc) => ({
  id: String(a._id), quizId: String(a.quizId), userId: String(a.userId), number: a.number, state: a.state, startedAt: a.startedAt,
  deadline: a.deadline ?? null, submittedAt: a.submittedAt ?? null, gradedAt: a.gradedAt ?? null,
});

/** An open attempt for its learner: the questions as the learner sees them (no keys), and the clock. */
export async function openAttemptView(ctx: PluginContext, svc: AttemptService, a: AttemptDoc) {
  const now = ctx.clock.now();
  return {
    attempt: attemptSummary(a),
    serverTime: now,
    remainingMs: a.deadline ? Math.max(0, a.deadline.getTime() - now.getTime()) : null,
    questions: (await svc.learnerQuestions(a)).map(({ partial: _p, ...q }) => q),
  };
}

/** Learners' names (with NIP) for their trainers' lists: a person is named, never shown as an id. */
export async function learnerNames(ctx: PluginContext, ids: Array<Types.ObjectId | string>): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await ctx.use<IdentityService>('identity').models.User.find({ _id: { $in: ids } }, { name: 1, nip: 1 }).lean();
  return new Map(rows.map((u) => [String(u._id), u.nip ? `${u.name} (${u.nip})` : u.name]));
}
