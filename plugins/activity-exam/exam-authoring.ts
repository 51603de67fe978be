/**
 * Creating and changing exams: the blueprint's fixed questions must belong to the course (or the
 * author), drawing sections report their pool sizes so a trainer sees a too-small bank before the
 * exam day, access rule settings are checked by each rule's own schema, and accommodations are
 * recorded with an audit entry (who granted what to whom, before and after).
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { z } from 'zod';
import { Errors } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import type { QuestionBank } from '../../src/learning/question-bank';
import { drawFilter } from './blueprint-draw';
import type { AccommodationDoc, ExamDoc, SectionDoc } from './exam-models';
import type { accommodationInput, examInput, examPatch, sectionInput } from './exam-input';
import type { ExamService } from './exam-service';

type SectionIn = z.infer<typeof sectionInput>;

export class ExamAuthoring {
  constructor(private svc: ExamService) {}

  private get ctx() {
    return this.svc.ctx;
  }

  private async sections(user: SessionUser, courseId: string, input: SectionIn[]): Promise<SectionDoc[]> {
    const ids = input.flatMap((s) => s.fixed.map((f) => f.questionId));
    const qs = await this.svc.learning.questionsByIds(ids);
    return Promise.all(
      input.map(async (s, si) => {
        const fixed = s.fixed.map((f, i) => {
          const q = qs.get(f.questionId);
          if (!q || (q.courseId && String(q.courseId) !== courseId) || (!q.courseId && String(q.createdBy) !== user.id && !user.roles.includes('admin'))) {
            throw Errors.validation('Unknown question', { details: [{ path: `sections.${si}.fixed.${i}.questionId`, message: 'no such question in this course' }] });
          }
          return { questionId: q._id, mark: f.mark ?? q.defaultMark };
        });
        let draw: SectionDoc['draw'];
        if (s.draw) {
          if (s.draw.bankId && !(await this.canUseBank(user, s.draw.bankId))) {
            throw Errors.validation('Unknown question bank', { details: [{ path: `sections.${si}.draw.bankId`, message: 'no such bank, or not one you may use' }] });
          }
          if (s.draw.categoryIds.length && (!s.draw.bankId || (await this.svc.learning.models.Category.countDocuments({ _id: { $in: s.draw.categoryIds }, bankId: s.draw.bankId })) !== new Set(s.draw.categoryIds).size)) {
            throw Errors.validation('Unknown category', { details: [{ path: `sections.${si}.draw.categoryIds`, message: 'every category must be in the section\'s bank' }] });
          }
          draw = {
            count: s.draw.count, mark: s.draw.mark, bankId: s.draw.bankId ? new Types.ObjectId(s.draw.bankId) : undefined,
            categoryIds: s.draw.categoryIds.map((c) => new Types.ObjectId(c)), tags: s.draw.tags,
            competencyCode: s.draw.competency?.code, competencyLevel: s.draw.competency?.level, difficulty: s.draw.difficulty,
          };
        }
        return { key: s.key, title: s.title, timeLimitMinutes: s.timeLimitMinutes, shuffle: s.shuffle, draw, fixed, pass: s.pass };
      }),
    );
  }

  /** A bank the author may draw from: one they may edit (its course's or their unit's trainers; admins). */
  async canUseBank(user: SessionUser, bankId: string): Promise<boolean> {
    const bank = Types.ObjectId.isValid(bankId) ? await this.svc.learning.models.Bank.findById(bankId).lean() : null;
    return Boolean(bank && (await this.ctx.use<QuestionBank>('question-bank').canEdit(user, bank)));
  }

  /** How many questions one drawing rule can draw from now (the form's live count). */
  async poolSize(exam: Pick<ExamDoc, 'courseId'>, draw: SectionDoc['draw']): Promise<number> {
    return this.svc.learning.models.Question.countDocuments(drawFilter(exam, { draw }));
  }

  private access(input: Array<{ rule: string; settings: unknown }>) {
    return input.map((a, i) => {
      const rule = this.ctx.accessRules.get(a.rule);
      if (!rule) throw Errors.validation('Unknown access rule', { details: [{ path: `access.${i}.rule`, message: `one of ${this.ctx.accessRules.list().map((r) => r.id).join(', ') || '(none installed)'}` }] });
      const parsed = rule.settingsSchema.safeParse(a.settings ?? {});
      if (!parsed.success) throw Errors.validation('Invalid access rule settings', { details: parsed.error.issues.map((x) => ({ path: [`access`, i, 'settings', ...x.path].join('.'), message: x.message })) });
      return { rule: a.rule, settings: parsed.data };
    });
  }

  /** Candidate pool size of each drawing section (what a start would find now). */
  async pools(exam: ExamDoc) {
    return Promise.all(
      exam.sections.map(async (s) => ({
        section: s.key,
        fixed: s.fixed?.length ?? 0,
        draw: s.draw?.count ?? 0,
        available: s.draw ? await this.svc.learning.models.Question.countDocuments(drawFilter(exam, s)) : 0,
      })),
    ).then((rows) => rows.map((r) => ({ ...r, enough: r.available >= r.draw })));
  }

  async create(user: SessionUser, input: z.infer<typeof examInput>): Promise<ExamDoc> {
    await this.svc.learning.requireAuthor(user, input.courseId);
    const sections = await this.sections(user, input.courseId, input.sections);
    const access = this.access(input.access);
    const { opensAt, closesAt, sections: _s, access: _a, board, ...rest } = input;
    const exam = await this.svc.models.Exam.create({
      ...rest, sections, access, opensAt: opensAt ? new Date(opensAt) : undefined, closesAt: closesAt ? new Date(closesAt) : undefined,
      board: { ...board, token: randomBytes(18).toString('base64url') }, updatedAt: this.ctx.clock.now(),
    });
    await this.svc.learning.addActivity({ courseId: input.courseId, type: this.ctx.id, refId: String(exam._id), title: input.title });
    await this.ctx.audit.record({ action: 'activity-exam:audit.created', actorId: user.id, subject: { type: 'exam', id: String(exam._id) }, after: { title: input.title } });
    return exam.toObject();
  }

  async update(user: SessionUser, examId: string, body: z.infer<typeof examPatch>): Promise<ExamDoc> {
    const exam = await this.svc.loadExam(examId, true);
    await this.svc.learning.requireAuthor(user, String(exam.courseId));
    const set: Record<string, unknown> = {};
    const unset: Record<string, 1> = {};
    const { opensAt, closesAt, sections, access, board, ...rest } = body;
    Object.assign(set, rest);
    if (opensAt !== undefined) set.opensAt = new Date(opensAt);
    if (closesAt !== undefined) set.closesAt = new Date(closesAt);
    const o = (set.opensAt as Date | undefined) ?? exam.opensAt;
    const c = (set.closesAt as Date | undefined) ?? exam.closesAt;
    if (o && c && o >= c) throw Errors.validation('opensAt must be before closesAt', { details: [{ path: 'closesAt', message: 'must be after opensAt' }] });
    if (board) set.board = { ...board, token: exam.board.token };
    if (access) set.access = this.access(access);
    if (sections) {
      // Attempts freeze their slots; a new blueprint would make results incomparable.
      if (await this.svc.models.Attempt.exists({ examId: exam._id })) throw Errors.conflict('The blueprint cannot change once attempts exist; create a new exam', { details: { path: 'sections' } });
      set.sections = await this.sections(user, String(exam.courseId), sections);
    }
    set.updatedAt = this.ctx.clock.now();
    await this.svc.models.Exam.updateOne({ _id: exam._id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    this.svc.forgetExam(examId);
    if (body.title) await this.svc.learning.renameActivity(this.ctx.id, examId, body.title);
    await this.ctx.audit.record({ action: 'activity-exam:audit.updated', actorId: user.id, subject: { type: 'exam', id: examId }, args: { fields: Object.keys(body) } });
    return this.svc.loadExam(examId, true);
  }

  /** Grants or changes one participant's accommodation; the audit keeps before and after. */
  async accommodate(user: SessionUser, examId: string, userId: string, body: z.infer<typeof accommodationInput>): Promise<AccommodationDoc> {
    const exam = await this.svc.loadExam(examId);
    await this.svc.learning.requireAuthor(user, String(exam.courseId));
    if (!(await this.svc.learning.isEnrolled(userId, exam.courseId))) throw Errors.validation('Not a participant', { details: [{ path: 'userId', message: 'the user is not enrolled in the course' }] });
    const before = await this.svc.accommodationFor(exam._id, userId, true);
    const doc = {
      extraMinutes: body.extraMinutes, extraAttempts: body.extraAttempts, reason: body.reason,
      opensAt: body.opensAt ? new Date(body.opensAt) : null, closesAt: body.closesAt ? new Date(body.closesAt) : null,
      by: new Types.ObjectId(user.id), at: this.ctx.clock.now(),
    };
    await this.svc.models.Accommodation.updateOne({ examId: exam._id, userId }, { $set: doc }, { upsert: true });
    this.svc.forgetAccommodations(examId);
    const after = (await this.svc.accommodationFor(exam._id, userId, true))!;
    const view = (a: AccommodationDoc | null) => (a ? { extraMinutes: a.extraMinutes, extraAttempts: a.extraAttempts, opensAt: a.opensAt ?? null, closesAt: a.closesAt ?? null, reason: a.reason } : null);
    await this.ctx.audit.record({ action: 'activity-exam:audit.accommodated', actorId: user.id, subject: { type: 'exam', id: examId }, args: { userId }, before: view(before), after: view(after) });
    return after;
  }
}
