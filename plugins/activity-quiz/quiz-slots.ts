/**
 * What a quiz is made of, and how an attempt turns it into questions. A slot holds either one
 * question version (picked from a bank the author may use, or written in the course) or a random
 * rule ("a question from this bank category with these tags"), as Moodle's random slots do. The
 * rule is drawn per attempt at its start from the attempt's seed and the result stored on the
 * attempt, so the review and a regrade show the same questions; a question appears at most once
 * per attempt. Changes to the slots reach new attempts only: started ones keep theirs.
 *
 * Every change is one conditional update on the quiz (`updatedAt` unchanged since it was read), so
 * two authors editing at once cannot lose each other's work silently: the second gets a 409.
 */
import { Types, type Model } from 'mongoose';
import { Errors, defineError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import type { QuestionBank } from '../../src/learning/question-bank';
import type { QuestionDoc } from '../../src/learning/learning-models';
import { deriveSeed, seededShuffle } from '../../src/learning/seeded-shuffle';
import type { QuizDoc, QuizSlot, RandomRule } from './quiz-models';

export const SlotErrors = {
  poolTooSmall: defineError('BINA_ERR_QUIZ_POOL_TOO_SMALL', 409, 'activity-quiz:errors.poolTooSmall'),
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class QuizSlots {
  constructor(private ctx: PluginContext, private Quiz: Model<QuizDoc>) {}

  private get learning() {
    return this.ctx.use<LearningService>('learning');
  }

  private get bank() {
    return this.ctx.use<QuestionBank>('question-bank');
  }

  /**
   * The question versions an author may put in a quiz of `courseId`: the course's own questions,
   * questions they wrote outside any course or bank, and questions of banks they may use.
   * @returns the versions in input order; a 400 names the first one that is not allowed.
   */
  async checkQuestions(user: SessionUser, courseId: string, list: Array<{ questionId: string; mark?: number }>, path = 'questions') {
    const qs = await this.learning.questionsByIds(list.map((q) => q.questionId));
    const usable = new Map<string, boolean>();
    const out: Array<{ questionId: Types.ObjectId; mark: number }> = [];
    for (const [i, item] of list.entries()) {
      const q = qs.get(item.questionId);
      let ok = false;
      if (q?.bankId) {
        const key = String(q.bankId);
        if (!usable.has(key)) usable.set(key, await this.canUseBank(user, key));
        ok = usable.get(key)!;
      } else if (q) {
        ok = q.courseId ? String(q.courseId) === courseId : String(q.createdBy) === user.id;
      }
      if (!q || !ok) throw Errors.validation('Unknown question', { details: [{ path: `${path}.${i}.questionId`, message: 'no such question in this course or in a bank you may use' }] });
      // A type that takes no mark (a description) is worth 0 in the quiz whatever mark is asked: it could never be earned.
      out.push({ questionId: q._id, mark: this.ctx.questionTypes.get(q.type)?.scored === false ? 0 : (item.mark ?? q.defaultMark) });
    }
    return out;
  }

  async canUseBank(user: SessionUser, bankId: string): Promise<boolean> {
    const bank = Types.ObjectId.isValid(bankId) ? await this.learning.models.Bank.findById(bankId).lean() : null;
    return Boolean(bank && (await this.bank.canEdit(user, bank)));
  }

  /** The rule as stored, after checking that the bank is usable and the category is in it. */
  async checkRule(user: SessionUser, input: { bankId: string; categoryId?: string; recursive?: boolean; tags?: string[] }): Promise<RandomRule> {
    if (!(await this.canUseBank(user, input.bankId))) throw Errors.validation('Unknown question bank', { details: [{ path: 'bankId', message: 'no such bank, or not one you may use' }] });
    if (input.categoryId && !(await this.learning.models.Category.exists({ _id: input.categoryId, bankId: input.bankId }))) {
      throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in this bank' }] });
    }
    return {
      bankId: new Types.ObjectId(input.bankId),
      ...(input.categoryId ? { categoryId: new Types.ObjectId(input.categoryId) } : {}),
      recursive: input.recursive ?? true,
      tags: [...new Set(input.tags ?? [])],
    };
  }

  /** The bank filter of a rule: latest visible versions in the category (and below) with every tag. */
  async ruleFilter(rule: RandomRule): Promise<Record<string, unknown>> {
    const f: Record<string, unknown> = { bankId: rule.bankId, latest: true, hidden: { $ne: true } };
    if (rule.categoryId) {
      const ids: Types.ObjectId[] = [rule.categoryId];
      if (rule.recursive) {
        const cat = await this.learning.models.Category.findOne({ _id: rule.categoryId, bankId: rule.bankId }).lean();
        if (cat) ids.push(...(await this.learning.models.Category.find({ bankId: rule.bankId, path: { $regex: `^${escapeRegex(cat.path)}/` } }, { _id: 1 }).lean()).map((c) => c._id));
      }
      f.categoryId = { $in: ids };
    }
    if (rule.tags?.length) f.tags = { $all: rule.tags };
    return f;
  }

  /** How many questions a rule can draw from now. */
  async available(rule: RandomRule): Promise<number> {
    return this.learning.models.Question.countDocuments(await this.ruleFilter(rule));
  }

  private nextNames(quiz: QuizDoc, n: number): string[] {
    const top = quiz.slots.reduce((m, x) => Math.max(m, Number(x.slot.slice(1))), 0);
    return Array.from({ length: n }, (_, i) => `s${top + i + 1}`);
  }

  /** One conditional write: refused with a 409 when someone changed the quiz since `quiz` was read. */
  private async write(quiz: QuizDoc, slots: QuizSlot[]): Promise<QuizDoc> {
    const updated = await this.Quiz.findOneAndUpdate({ _id: quiz._id, updatedAt: quiz.updatedAt }, { $set: { slots, updatedAt: this.ctx.clock.now() } }, { new: true }).lean();
    if (!updated) throw Errors.conflict('The quiz changed meanwhile; reload and try again');
    return updated;
  }

  async addQuestions(user: SessionUser, quiz: QuizDoc, list: Array<{ questionId: string; mark?: number }>): Promise<QuizDoc> {
    const checked = await this.checkQuestions(user, String(quiz.courseId), list);
    const present = new Set(quiz.slots.filter((s) => s.questionId).map((s) => String(s.questionId)));
    const fresh = checked.filter((c) => !present.has(String(c.questionId)));
    const names = this.nextNames(quiz, fresh.length);
    return this.write(quiz, [...quiz.slots, ...fresh.map((c, i) => ({ slot: names[i]!, questionId: c.questionId, mark: c.mark }))]);
  }

  async addRandom(user: SessionUser, quiz: QuizDoc, input: { bankId: string; categoryId?: string; recursive?: boolean; tags?: string[]; count: number; mark: number }): Promise<QuizDoc> {
    const random = await this.checkRule(user, input);
    const names = this.nextNames(quiz, input.count);
    return this.write(quiz, [...quiz.slots, ...names.map((slot) => ({ slot, mark: input.mark, random }))]);
  }

  async remove(quiz: QuizDoc, slot: string): Promise<QuizDoc> {
    if (!quiz.slots.some((s) => s.slot === slot)) throw Errors.notFound('No such slot in this quiz');
    return this.write(quiz, quiz.slots.filter((s) => s.slot !== slot));
  }

  /** Reorders: `order` must name every slot once. */
  async reorder(quiz: QuizDoc, order: string[]): Promise<QuizDoc> {
    const bySlot = new Map(quiz.slots.map((s) => [s.slot, s]));
    if (order.length !== quiz.slots.length || new Set(order).size !== order.length || order.some((s) => !bySlot.has(s))) {
      throw Errors.validation('The order must name every slot of the quiz once', { details: [{ path: 'slots', message: `expected a permutation of ${quiz.slots.map((s) => s.slot).join(', ')}` }] });
    }
    return this.write(quiz, order.map((s) => bySlot.get(s)!));
  }

  /** Moves one slot up or down by one place (the form buttons). */
  async move(quiz: QuizDoc, slot: string, by: -1 | 1): Promise<QuizDoc> {
    const order = quiz.slots.map((s) => s.slot);
    const i = order.indexOf(slot);
    if (i === -1) throw Errors.notFound('No such slot in this quiz');
    const j = i + by;
    if (j < 0 || j >= order.length) return quiz;
    [order[i], order[j]] = [order[j]!, order[i]!];
    return this.reorder(quiz, order);
  }

  /**
   * The concrete slots of a new attempt: fixed slots as they are, each random slot drawn from its
   * rule's pool (sorted by id, then shuffled by a seed derived from the attempt's seed and the slot
   * name), skipping questions the attempt already has. Throws a 409 when a pool runs dry.
   */
  async draw(quiz: QuizDoc, seed: number): Promise<Array<{ slot: string; questionId: Types.ObjectId; mark: number }>> {
    const fixedIds = quiz.slots.filter((s) => s.questionId).map((s) => s.questionId!);
    const fixed = fixedIds.length ? await this.learning.questionsByIds(fixedIds) : new Map<string, QuestionDoc>();
    const used = new Set([...fixed.values()].map((q) => q.qid));
    const pools = new Map<string, Array<{ _id: Types.ObjectId; qid: string }>>();
    const out: Array<{ slot: string; questionId: Types.ObjectId; mark: number }> = [];
    for (const s of quiz.slots) {
      if (s.questionId) {
        out.push({ slot: s.slot, questionId: s.questionId, mark: s.mark });
        continue;
      }
      const rule = s.random!;
      const key = JSON.stringify(rule);
      if (!pools.has(key)) pools.set(key, await this.learning.models.Question.find(await this.ruleFilter(rule), { _id: 1, qid: 1 }).sort({ _id: 1 }).lean());
      const candidates = pools.get(key)!.filter((q) => !used.has(q.qid));
      const pick = seededShuffle(candidates, deriveSeed(seed, `random:${s.slot}`))[0];
      if (!pick) throw SlotErrors.poolTooSmall('Not enough questions in the bank for the random slots of this quiz', { details: { slot: s.slot } });
      used.add(pick.qid);
      out.push({ slot: s.slot, questionId: pick._id, mark: s.mark });
    }
    return out;
  }
}
