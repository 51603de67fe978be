/**
 * The question bank: banks owned by a unit or a course, nested categories, search and filter,
 * move and copy, previews, hide and delete. Who may see, use or edit a bank follows its owner:
 * a course bank belongs to the course's trainers; a unit bank to the unit's trainers; admins all.
 * A question that anything uses cannot be deleted: plugins veto through the
 * `learning.question.delete` hook (the quiz plugin does), and the question is hidden instead.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { Errors } from '../kernel/errors';
import type { KernelServices } from '../host/kernel-services';
import type { SessionUser } from '../identity/session-user';
import type { BankDoc, CategoryDoc, QuestionDoc } from './learning-models';
import { toQuestion, type LearningService } from './learning-service';

export interface QuestionFilter {
  bankId: string;
  categoryId?: string;
  /** Include questions of sub-categories. @default true */
  recursive?: boolean;
  type?: string;
  tag?: string;
  difficulty?: 'easy' | 'medium' | 'hard';
  competency?: string;
  level?: number;
  q?: string;
  includeHidden?: boolean;
  limit?: number;
  skip?: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class QuestionBank {
  constructor(private services: KernelServices, private learning: LearningService) {}

  private get models() {
    return this.learning.models;
  }

  async canEdit(user: SessionUser, bank: BankDoc): Promise<boolean> {
    if (user.roles.includes('admin')) return true;
    if (!this.services.authz.can(user, 'learning:question-author')) return false;
    if (bank.owner.type === 'course') {
      const course = await this.models.Course.findById(bank.owner.id).lean();
      return Boolean(course && this.learning.canAuthor(user, course));
    }
    return Boolean(user.unitId && String(bank.owner.id) === user.unitId);
  }

  async requireBank(user: SessionUser, bankId: string): Promise<BankDoc> {
    const bank = Types.ObjectId.isValid(bankId) ? await this.models.Bank.findById(bankId).lean() : null;
    // A bank one may not edit is reported as missing: do not confirm that it exists.
    if (!bank || !(await this.canEdit(user, bank))) throw Errors.notFound('Question bank not found');
    return bank;
  }

  async createBank(user: SessionUser, input: { name: string; owner: { type: 'unit' | 'course'; id: string } }): Promise<BankDoc> {
    if (input.owner.type === 'course') await this.learning.requireAuthor(user, input.owner.id);
    else if (!user.roles.includes('admin') && user.unitId !== input.owner.id) throw Errors.forbidden('You may only create banks for your own unit');
    const bank = (await this.models.Bank.create({ name: input.name, owner: input.owner, createdBy: user.id, createdAt: this.services.clock.now() })).toObject();
    await this.models.Category.create({ bankId: bank._id, name: 'Default', path: 'Default' });
    return bank;
  }

  async banksFor(user: SessionUser): Promise<BankDoc[]> {
    if (user.roles.includes('admin')) return this.models.Bank.find().sort({ name: 1 }).lean();
    const courses = await this.models.Course.find({ trainerIds: user.id }, { _id: 1 }).lean();
    const or: Record<string, unknown>[] = [{ 'owner.type': 'course', 'owner.id': { $in: courses.map((c) => c._id) } }];
    if (user.unitId) or.push({ 'owner.type': 'unit', 'owner.id': new Types.ObjectId(user.unitId) });
    return this.models.Bank.find({ $or: or }).sort({ name: 1 }).lean();
  }

  /** The category with this slash path in the bank, creating every missing level. */
  async ensureCategoryPath(bankId: Types.ObjectId | string, path: string): Promise<CategoryDoc> {
    const parts = path.split('/').map((p) => p.trim()).filter((p) => p && p !== '$course$' && p !== '$system$' && p !== 'top');
    if (parts.length === 0) parts.push('Default');
    let parent: CategoryDoc | null = null;
    for (let i = 0; i < parts.length; i++) {
      const full = parts.slice(0, i + 1).join('/');
      const found: CategoryDoc | null = await this.models.Category.findOne({ bankId, path: full }).lean();
      if (found) {
        parent = found;
        continue;
      }
      try {
        const parentId: Types.ObjectId | undefined = (parent as CategoryDoc | null)?._id;
        parent = (await this.models.Category.create({ bankId, parentId, name: parts[i], path: full })).toObject();
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        parent = await this.models.Category.findOne({ bankId, path: full }).lean();
      }
    }
    return parent!;
  }

  async createCategory(user: SessionUser, bankId: string, input: { name: string; parentId?: string }): Promise<CategoryDoc> {
    await this.requireBank(user, bankId);
    if (input.name.includes('/')) throw Errors.validation('A category name cannot contain /', { details: [{ path: 'name', message: 'no slashes' }] });
    let path = input.name;
    if (input.parentId) {
      const parent = await this.models.Category.findOne({ _id: input.parentId, bankId }).lean();
      if (!parent) throw Errors.validation('Unknown parent category', { details: [{ path: 'parentId', message: 'not in this bank' }] });
      path = `${parent.path}/${input.name}`;
    }
    try {
      return (await this.models.Category.create({ bankId, parentId: input.parentId, name: input.name, path })).toObject();
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict('A category with this name already exists here');
      throw e;
    }
  }

  async categories(bankId: string): Promise<Array<CategoryDoc & { depth: number; count: number }>> {
    const cats = await this.models.Category.find({ bankId }).sort({ path: 1 }).lean();
    const counts = await this.models.Question.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { bankId: new Types.ObjectId(bankId), latest: true } },
      { $group: { _id: '$categoryId', n: { $sum: 1 } } },
    ]);
    const byId = new Map(counts.map((c) => [String(c._id), c.n]));
    return cats.map((c) => ({ ...c, depth: c.path.split('/').length - 1, count: byId.get(String(c._id)) ?? 0 }));
  }

  private async categoryIds(bankId: string, categoryId: string, recursive: boolean): Promise<Types.ObjectId[]> {
    const cat = await this.models.Category.findOne({ _id: categoryId, bankId }).lean();
    if (!cat) throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in this bank' }] });
    if (!recursive) return [cat._id];
    const subs = await this.models.Category.find({ bankId, path: { $regex: `^${escapeRegex(cat.path)}/` } }, { _id: 1 }).lean();
    return [cat._id, ...subs.map((s) => s._id)];
  }

  async search(f: QuestionFilter): Promise<{ total: number; questions: QuestionDoc[] }> {
    const query: Record<string, unknown> = { bankId: new Types.ObjectId(f.bankId), latest: true };
    if (!f.includeHidden) query.hidden = false;
    if (f.categoryId) query.categoryId = { $in: await this.categoryIds(f.bankId, f.categoryId, f.recursive ?? true) };
    if (f.type) query.type = f.type;
    if (f.tag) query.tags = f.tag;
    if (f.difficulty) query.difficulty = f.difficulty;
    if (f.competency) query['competency.code'] = f.competency;
    if (f.level) query['competency.level'] = f.level;
    if (f.q) query.$or = [{ name: { $regex: escapeRegex(f.q), $options: 'i' } }, { stem: { $regex: escapeRegex(f.q), $options: 'i' } }];
    const [total, questions] = await Promise.all([
      this.models.Question.countDocuments(query),
      this.models.Question.find(query).sort({ createdAt: 1 }).skip(f.skip ?? 0).limit(f.limit ?? 100).lean(),
    ]);
    return { total, questions };
  }

  async versions(qid: string): Promise<QuestionDoc[]> {
    return this.models.Question.find({ qid }).sort({ version: 1 }).lean();
  }

  /** Moves every version (bank metadata, not content: no new version). */
  async move(user: SessionUser, qid: string, categoryId: string): Promise<void> {
    const q = await this.models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await this.requireBank(user, String(q.bankId));
    if (!(await this.models.Category.exists({ _id: categoryId, bankId: q.bankId }))) throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in this bank' }] });
    await this.models.Question.updateMany({ qid }, { $set: { categoryId } });
  }

  /** A copy is a new question (new qid, version 1) in the target category, which may be in another bank. */
  async copy(user: SessionUser, qid: string, target: { bankId: string; categoryId: string }): Promise<QuestionDoc> {
    const q = await this.models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await this.requireBank(user, String(q.bankId));
    await this.requireBank(user, target.bankId);
    if (!(await this.models.Category.exists({ _id: target.categoryId, bankId: target.bankId }))) throw Errors.validation('Unknown category', { details: [{ path: 'categoryId', message: 'not in that bank' }] });
    const { _id, qid: _q, version: _v, createdAt: _c, createdBy: _b, ...rest } = q;
    return (await this.models.Question.create({ ...rest, qid: randomUUID(), version: 1, latest: true, bankId: target.bankId, categoryId: target.categoryId, createdBy: user.id, createdAt: this.services.clock.now() })).toObject();
  }

  async setHidden(user: SessionUser, qid: string, hidden: boolean): Promise<void> {
    const q = await this.models.Question.findOne({ qid, latest: true }).lean();
    if (!q?.bankId) throw Errors.notFound('Question not found');
    await this.requireBank(user, String(q.bankId));
    await this.models.Question.updateMany({ qid }, { $set: { hidden } });
  }

  /** Deletes every version unless a plugin says a version is in use (then: 409, hide it instead). */
  async delete(user: SessionUser, qid: string): Promise<void> {
    const versions = await this.versions(qid);
    const latest = versions.find((v) => v.latest);
    if (!latest?.bankId) throw Errors.notFound('Question not found');
    await this.requireBank(user, String(latest.bankId));
    await this.services.hooks.run('learning.question.delete', { qid, versionIds: versions.map((v) => String(v._id)) });
    await this.models.Question.deleteMany({ qid });
  }

  /** The learner's view (shuffled with `seed`, no keys) and the trainer's view (keys, feedback, a right response). */
  preview(q: QuestionDoc, seed: number) {
    const type = this.services.registries.questionTypes.require(q.type);
    const question = toQuestion(q);
    return {
      learner: type.toLearnerView(question, seed),
      trainer: { ...question, rightResponse: type.correctResponse?.(question) ?? null, gradeOfRightResponse: type.correctResponse ? type.grade(question, type.correctResponse(question), q.defaultMark) : null },
    };
  }
}
