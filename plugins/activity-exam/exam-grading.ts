/**
 * Grading of exam attempts: the worker's automatic grade, the manual grading queue for essays
 * (by attempt or by question, rubric or points, comments) and regrade runs after a question fix.
 *
 * Invariants: every processor is idempotent — the grade job grades only a `submitted` attempt and
 * announces only a grade not yet announced (`announcedAt`), a regrade touches an attempt once per
 * run (its run id is pushed in the same update), and the before/after row of a run is unique per
 * attempt. An attempt is final (`graded`, events emitted) only when every manual grade is in.
 * Every change of a grade writes an audit record. What others act on goes through the core
 * (ADR 0040, 0055): a final result is `learning.activity.graded` (and `.passed`), essays waiting
 * are `learning.grading.requested`, and a change to a final attempt is `learning.activity.regraded`,
 * so certificates are flagged for review instead of changed silently and the inbox and item
 * analysis hear of it; the `activity-exam.attempt.*` events remain for plugins that declare this
 * one (their payloads carry section scores). Rubric arithmetic is the question type's (`gradeWithRubric`).
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { Errors, defineError } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import type { IdentityService } from '../../src/identity/identity-service';
import { toQuestion } from '../../src/learning/learning-service';
import type { ExamAttemptDoc, ExamDoc, SectionScore, SlotResult } from './exam-models';
import { examTotals, round6, type ExamTotals } from './exam-scoring';
import type { ExamService } from './exam-service';
import { provisionalMarks, reviewRights, reviewVerdict } from '../../src/learning/review-policy';
import { manualGradeInput } from '../../src/learning/attempts/attempt-engine';

export const GradingErrors = {
  notGradable: defineError('BINA_ERR_EXAM_NOT_GRADABLE', 409, 'activity-exam:errors.notGradable'),
};

export { manualGradeInput };

type Snapshot = { score: number | null; passed: boolean | null; sections: SectionScore[] };

export class ExamGrading {
  constructor(private svc: ExamService) {}

  private get ctx() {
    return this.svc.ctx;
  }

  /** Per-slot results from the answers through the engine, with the manual grades that are in. */
  async slotResults(a: Pick<ExamAttemptDoc, 'slots' | 'answers' | 'manual'>): Promise<SlotResult[]> {
    return (await this.svc.sheet.grade(a)).map((r) => ({ ...r, section: r.section ?? '' }));
  }

  /**
   * What events say about the exam so listeners need not know this plugin's data or paths: its
   * title, and the page to link to (`grading`: the trainers' queue; otherwise the exam's page).
   */
  private async examRef(examId: Types.ObjectId | string, page: 'exam' | 'grading' = 'exam') {
    const exam = await this.svc.loadExam(String(examId));
    return { title: exam.title, href: `/${this.ctx.id}/exams/${exam._id}${page === 'grading' ? '/grading' : ''}` };
  }

  private resultHref(a: ExamAttemptDoc): string {
    return `/${this.ctx.id}/attempts/${a._id}/result`;
  }

  /** Tells the core a final result changed (`learning.activity.regraded`), so what was awarded on it is reviewed. */
  private async reportRegrade(a: ExamAttemptDoc, before: Snapshot, after: Snapshot, changed: boolean): Promise<void> {
    const activity = await this.svc.learning.activityFor(this.ctx.id, String(a.examId));
    await this.svc.learning.recordRegrade(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a), passed: after.passed === true, changed, before, after });
  }

  private async payload(a: ExamAttemptDoc, t: ExamTotals) {
    // `manual`: a person graded part of it, so the result came later than the submission (the
    // inbox tells the learner; an automatic result is on screen when they submit).
    return { attemptId: String(a._id), userId: String(a.userId), examId: String(a.examId), courseId: String(a.courseId), ...(await this.examRef(a.examId)), score: t.score, maxScore: t.maxScore, passed: t.passed, sections: t.sections, manual: Object.keys(a.manual ?? {}).length > 0 };
  }

  /**
   * Once an attempt is final: progress, events (graded, and passed), the live board. `strict`
   * (the grade job): a listener that failed (the database or Redis away) fails the job, which runs
   * again; every listener is idempotent by its keys (a certificate per learner and achievement,
   * a notice per attempt), so a second run adds nothing twice.
   */
  private async onFinal(a: ExamAttemptDoc, t: ExamTotals, strict = false): Promise<void> {
    const activity = await this.svc.activityForJobs(String(a.examId));
    if (t.passed) await this.svc.learning.recordPass(String(a.userId), activity, { sourceId: String(a._id), href: this.resultHref(a) }, { strict });
    const payload = await this.payload(a, t);
    await this.svc.learning.recordGraded(String(a.userId), activity, { sourceId: String(a._id), href: payload.href, manual: payload.manual, passed: t.passed === true }, { strict });
    await this.ctx.events.emit(`${this.ctx.id}.attempt.graded`, payload, { strict });
    if (t.passed) await this.ctx.events.emit(`${this.ctx.id}.attempt.passed`, payload, { strict });
    await this.svc.publish(a.examId, { t: 'state', attemptId: String(a._id), state: 'graded', score: t.score, passed: t.passed, sections: t.sections });
  }

  /**
   * The grading job: grades a `submitted` attempt by one conditional update, then announces the
   * grade. The two are not one transaction, so the job can die (a killed worker, a lost database)
   * between them; BullMQ runs it again, and the second run, finding the grade stored but not
   * announced (`announcedAt` unset), announces it then. The audit row is written once (a claim,
   * ADR 0018); the events at least once, to idempotent listeners (ADR 0061).
   */
  async grade(attemptId: string): Promise<'graded' | 'needs_grading' | 'skipped'> {
    let a = await this.svc.models.Attempt.findById(attemptId).lean();
    if (!a) return 'skipped';
    // The exam as of at most a second ago, shared by the grade jobs of this worker (ADR 0067).
    const exam = await this.svc.loadExamForGrading(String(a.examId));
    if (a.state === 'submitted') {
      await this.ctx.hooks.run(`${this.ctx.id}.attempt.grade`, { attemptId });
      // Read after the submit and the save window (the job's delay, ADR 0053): every acknowledged save is in. One query.
      const answers = await this.svc.sheet.answersOf(a._id, a.answers ?? {});
      const results = await this.slotResults({ ...a, answers });
      const t = examTotals(exam.sections, exam.pass, results);
      const final = t.pendingManual.length === 0;
      const $set = { state: final ? 'graded' as const : 'needs_grading' as const, results, sections: t.sections, score: t.score, announcePendingAt: this.ctx.clock.now(), ...(final ? { passed: t.passed, gradedAt: this.ctx.clock.now() } : {}) };
      const r = await this.svc.models.Attempt.updateOne({ _id: a._id, state: 'submitted' }, { $set, $inc: { gradeCount: 1 } });
      if (r.matchedCount === 1) {
        // Only each slot's answer is read from now on; the versions it superseded go.
        await this.svc.sheet.prune(a._id, answers);
        // This job's update is the stored grade: no need to read the attempt back (ADR 0067).
        a = { ...a, ...$set, gradeCount: (a.gradeCount ?? 0) + 1 };
      } else {
        // Another run graded it meanwhile: announce what it stored.
        a = await this.svc.models.Attempt.findById(attemptId).lean();
        if (!a) return 'skipped';
      }
    }
    // Announced already, unless a trainer's last essay grade made it final since and that
    // announcement was cut short (refreshTotals leaves `announcePendingAt`; the sweep requeues this job).
    if ((a.state !== 'graded' && a.state !== 'needs_grading') || (a.announcedAt && !a.announcePendingAt)) return 'skipped';
    await this.announce(a, exam);
    return a.state;
  }

  /** Audit (once), events and the board for a stored grade; then marks it announced. */
  private async announce(a: ExamAttemptDoc, exam: ExamDoc): Promise<void> {
    const attemptId = String(a._id);
    const t = examTotals(exam.sections, exam.pass, a.results);
    const final = a.state === 'graded';
    // FerretDB can let two racers both match the grade's update; one audit row all the same (ADR 0018).
    if (await this.svc.claim(`graded-${attemptId}`)) {
      await this.ctx.audit.record({ action: 'activity-exam:audit.graded', subject: { type: 'exam-attempt', id: attemptId }, after: { score: t.score, maxScore: t.maxScore, passed: final ? t.passed : null, sections: t.sections, pendingManual: t.pendingManual } });
    }
    if (final) await this.onFinal(a, t, true);
    else {
      // The board shows a waiting attempt's provisional scores only when its learner may see them (review-policy).
      const shown = provisionalMarks(exam, { state: 'needs_grading' }, this.ctx.clock.now());
      await this.svc.publish(a.examId, shown ? { t: 'state', attemptId, state: 'needs_grading', score: t.score, sections: t.sections } : { t: 'state', attemptId, state: 'needs_grading', score: null, sections: [] });
      const grading = await this.examRef(a.examId, 'grading');
      await this.svc.learning.requestGrading(String(a.userId), await this.svc.activityForJobs(String(a.examId)), { sourceId: attemptId, href: grading.href }, { strict: true });
      await this.ctx.events.emit(`${this.ctx.id}.grading.requested`, { attemptId, examId: String(a.examId), courseId: String(a.courseId), ...grading, pending: t.pendingManual.length }, { strict: true });
    }
    await this.svc.models.Attempt.updateOne({ _id: a._id }, { $set: { announcedAt: this.ctx.clock.now() }, $unset: { announcePendingAt: 1 } });
  }

  // ---- manual grading ------------------------------------------------------------------------------

  private async requireGrader(user: SessionUser, examId: string): Promise<ExamDoc> {
    const exam = await this.svc.loadExam(examId);
    await this.svc.learning.requireAuthor(user, String(exam.courseId));
    return exam;
  }

  /** Display labels of users (name and NIP), for trainers' pages. */
  async userLabels(ids: Array<Types.ObjectId | string>): Promise<Map<string, { name: string; nip?: string; username: string }>> {
    const identity = this.ctx.use<IdentityService>('identity');
    const rows = await identity.models.User.find({ _id: { $in: ids } }, { name: 1, nip: 1, username: 1 }).lean();
    return new Map(rows.map((u) => [String(u._id), { name: u.name, nip: u.nip ?? undefined, username: u.username }]));
  }

  /** Essays waiting for a person, grouped by attempt or by question. */
  async queue(user: SessionUser, examId: string, by: 'attempt' | 'question') {
    const exam = await this.requireGrader(user, examId);
    const attempts = await this.svc.models.Attempt.find({ examId: exam._id, state: { $in: ['needs_grading', 'graded'] } }, { userId: 1, number: 1, slots: 1, results: 1, submittedAt: 1, state: 1 }).sort({ submittedAt: 1 }).limit(5000).lean();
    const labels = await this.userLabels(attempts.map((a) => a.userId));
    const pendingOf = (a: (typeof attempts)[number]) => a.results.filter((r) => r.state === 'needs_manual' && !r.manual).map((r) => ({ slot: r.slot, questionId: String(a.slots.find((s) => s.slot === r.slot)?.questionId ?? '') }));
    const rows0 = attempts.map((a) => ({ attemptId: String(a._id), userId: String(a.userId), name: labels.get(String(a.userId))?.name ?? '', number: a.number, submittedAt: a.submittedAt ?? null, pending: pendingOf(a) })).filter((r) => r.pending.length > 0);
    const qs = await this.svc.questions.get(rows0.flatMap((r) => r.pending.map((p) => p.questionId)));
    // The question's identity across versions (qid) comes from the version, not from the attempt.
    const rows = rows0.map((r) => ({ ...r, pending: r.pending.map((p) => ({ slot: p.slot, qid: qs.get(p.questionId)?.qid ?? '', questionId: p.questionId })) }));
    if (by === 'attempt') return { by, attempts: rows.map((r) => ({ ...r, pending: r.pending.map((p) => ({ ...p, name: qs.get(p.questionId)?.name ?? '' })) })) };
    const byQid = new Map<string, { qid: string; name: string; items: Array<{ attemptId: string; slot: string; name: string; questionId: string }> }>();
    for (const r of rows) {
      for (const p of r.pending) {
        const g = byQid.get(p.qid) ?? { qid: p.qid, name: qs.get(p.questionId)?.name ?? '', items: [] };
        g.items.push({ attemptId: r.attemptId, slot: p.slot, name: r.name, questionId: p.questionId });
        byQid.set(p.qid, g);
      }
    }
    return { by, questions: [...byQid.values()] };
  }

  /** What a grader needs for one answer: the question, the response, the rubric (the type's `rubricOf`), the current grade. */
  async slotForGrading(user: SessionUser, attemptId: string, slot: string) {
    const { attempt, asTrainer } = await this.svc.loadAttemptFor(user, attemptId, 'activity-exam:grade');
    if (!asTrainer) throw Errors.forbidden('Only the course\'s trainers grade');
    const v = await this.svc.engine.manualView(await this.svc.withAnswers(attempt), slot);
    const q = (await this.svc.questions.one(attempt.slots.find((s) => s.slot === slot)!.questionId))!;
    return { attemptId, ...v, question: { ...v.question, qid: q.qid, rubric: v.criteria ? { criteria: v.criteria } : null }, grade: attempt.manual?.[slot] ?? null, state: attempt.state };
  }

  /** Records a person's grade for one answer (the engine: points or rubric), then recomputes the attempt (final when all are in). */
  async gradeSlot(user: SessionUser, attemptId: string, slot: string, input: z.infer<typeof manualGradeInput>) {
    const { attempt, asTrainer } = await this.svc.loadAttemptFor(user, attemptId, 'activity-exam:grade');
    if (!asTrainer) throw Errors.forbidden('Only the course\'s trainers grade');
    if (attempt.state !== 'needs_grading' && attempt.state !== 'graded') throw GradingErrors.notGradable('This attempt is not graded yet', { details: { state: attempt.state } });
    const { grade, before, changed } = await this.svc.engine.gradeManually(attempt, slot, input, user.id, ['needs_grading', 'graded']);
    if (!changed) throw GradingErrors.notGradable('The attempt changed meanwhile; reload');
    await this.ctx.audit.record({ action: 'activity-exam:audit.manualGraded', actorId: user.id, subject: { type: 'exam-attempt', id: attemptId }, args: { slot }, before: before ? { score: before.score, comment: before.comment } : null, after: { score: grade.score, comment: grade.comment, rubric: input.rubric ?? null } });
    return this.refreshTotals(attemptId, user.id, 'manual');
  }

  /** Recomputes totals after a manual grade: finalises a waiting attempt, or regrades a final one. */
  async refreshTotals(attemptId: string, actorId: string, reason: 'manual' | 'regrade') {
    const a0 = await this.svc.models.Attempt.findById(attemptId).lean();
    if (!a0) throw Errors.notFound('Attempt not found');
    const a = await this.svc.withAnswers(a0);
    const exam = await this.svc.loadExam(String(a.examId), true);
    const results = await this.slotResults(a);
    const t = examTotals(exam.sections, exam.pass, results);
    const now = this.ctx.clock.now();
    if (a.state === 'needs_grading') {
      if (t.pendingManual.length === 0) {
        // `announcePendingAt` until the pass and the events are out: a failure (or a crash) between
        // leaves it for the recovery sweep, whose grade job announces (ADR 0068).
        const r = await this.svc.models.Attempt.updateOne({ _id: a._id, state: 'needs_grading' }, { $set: { state: 'graded', results, sections: t.sections, score: t.score, passed: t.passed, gradedAt: now, announcePendingAt: now }, $inc: { gradeCount: 1 } });
        if (r.matchedCount === 1 && (await this.svc.claim(`finalised-${attemptId}`))) {
          await this.ctx.audit.record({ action: 'activity-exam:audit.finalised', actorId, subject: { type: 'exam-attempt', id: attemptId }, after: { score: t.score, passed: t.passed, sections: t.sections } });
          try {
            await this.onFinal({ ...a, state: 'graded', results, sections: t.sections, score: t.score, passed: t.passed }, t, true);
            await this.svc.models.Attempt.updateOne({ _id: a._id }, { $set: { announcedAt: this.ctx.clock.now() }, $unset: { announcePendingAt: 1 } });
          } catch (e) {
            this.ctx.log.warn({ err: (e as Error).message, attemptId }, 'announcement left for the recovery sweep');
          }
        }
      } else {
        await this.svc.models.Attempt.updateOne({ _id: a._id, state: 'needs_grading' }, { $set: { results, sections: t.sections, score: t.score } });
      }
    } else if (a.state === 'graded') {
      const before: Snapshot = { score: a.score ?? null, passed: a.passed ?? null, sections: a.sections };
      const r = await this.svc.models.Attempt.updateOne({ _id: a._id, state: 'graded' }, { $set: { results, sections: t.sections, score: t.score, passed: t.passed } });
      if (r.matchedCount === 1 && (before.score !== t.score || before.passed !== t.passed)) {
        const after: Snapshot = { score: t.score, passed: t.passed, sections: t.sections };
        await this.ctx.audit.record({ action: 'activity-exam:audit.regraded', actorId, subject: { type: 'exam-attempt', id: attemptId }, args: { reason }, before, after });
        await this.ctx.events.emit(`${this.ctx.id}.attempt.regraded`, { attemptId, userId: String(a.userId), examId: String(a.examId), ...(await this.examRef(a.examId)), reason, before, after });
        await this.reportRegrade(a, before, after, true);
        if (t.passed && !before.passed) await this.onFinal(a, t);
      }
    }
    const fresh = (await this.svc.models.Attempt.findById(attemptId).lean())!;
    return { attemptId, state: fresh.state, score: fresh.score ?? null, passed: fresh.passed ?? null, pendingManual: t.pendingManual, sections: fresh.sections };
  }

  // ---- regrade ------------------------------------------------------------------------------------

  async requestRegrade(user: SessionUser, examId: string, input: { questionIds?: string[]; qids?: string[]; toLatest: boolean }) {
    const exam = await this.requireGrader(user, examId);
    let qids = input.qids ?? [];
    if (input.questionIds?.length) {
      const qs = await this.svc.learning.questionsByIds(input.questionIds);
      if (qs.size !== new Set(input.questionIds).size) throw Errors.validation('Unknown question', { details: [{ path: 'questionIds', message: 'every id must be a question' }] });
      qids = [...new Set([...qids, ...[...qs.values()].map((q) => q.qid)])];
    }
    const run = await this.svc.models.RegradeRun.create({ examId: exam._id, qids, toLatest: input.toLatest, state: 'queued', requestedBy: user.id, at: this.ctx.clock.now(), affected: 0, changed: 0 });
    await this.ctx.audit.record({ action: 'activity-exam:audit.regradeRequested', actorId: user.id, subject: { type: 'exam', id: examId }, args: { runId: String(run._id), qids, toLatest: input.toLatest } });
    await this.ctx.jobs.enqueue('regrade', { runId: String(run._id) }, { key: `regrade-${run._id}` });
    return run.toObject();
  }

  /**
   * The regrade job: recomputes every finished attempt that holds one of the run's questions (all,
   * when the run names none), switching those slots to the latest version when asked. Runs again
   * safely: an attempt already carrying the run id is only re-notified if that step was lost.
   */
  async runRegrade(runId: string, progress: (p: number) => Promise<void> = async () => undefined): Promise<{ affected: number; changed: number } | 'skipped'> {
    const run = await this.svc.models.RegradeRun.findById(runId).lean();
    if (!run || run.state === 'done') return 'skipped';
    await this.svc.models.RegradeRun.updateOne({ _id: run._id, state: 'queued' }, { $set: { state: 'running' } });
    const exam = await this.svc.loadExam(String(run.examId), true);
    const filter: Record<string, unknown> = { examId: run.examId, state: { $in: ['graded', 'needs_grading'] } };
    // Attempts name question versions; the run names questions (qid): every version of them.
    const Question = this.svc.learning.models.Question;
    if (run.qids.length) filter['slots.questionId'] = { $in: (await Question.find({ qid: { $in: run.qids } }, { _id: 1 }).lean()).map((q) => q._id) };
    // The exam's answers in one query, over the answers embedded in attempts from before ADR 0053.
    const attempts = await this.svc.withAnswersOfExam(run.examId, await this.svc.models.Attempt.find(filter).sort({ _id: 1 }).lean());
    const versions = await this.svc.questions.get([...new Set(attempts.flatMap((a) => a.slots.map((s) => String(s.questionId))))]);
    const qidOf = (s: { questionId: Types.ObjectId }) => versions.get(String(s.questionId))?.qid ?? '';
    const wanted = (qid: string) => run.qids.length === 0 || run.qids.includes(qid);
    const latest = new Map<string, Types.ObjectId>();
    if (run.toLatest) {
      const qids = [...new Set(attempts.flatMap((a) => a.slots.map(qidOf)).filter((q) => q && wanted(q)))];
      const rows = await Question.find({ qid: { $in: qids }, latest: true }, { _id: 1, qid: 1 }).lean();
      for (const r of rows) latest.set(r.qid, r._id);
    }
    const rid = String(run._id);
    let affected = 0;
    let changed = 0;
    for (const [i, a] of attempts.entries()) {
      if (!a.regradeRuns?.includes(rid)) {
        const slots = a.slots.map((s) => {
          const qid = qidOf(s);
          return wanted(qid) && latest.has(qid) ? { ...s, questionId: latest.get(qid)! } : s;
        });
        const results = await this.slotResults({ ...a, slots });
        const t = examTotals(exam.sections, exam.pass, results);
        const final = t.pendingManual.length === 0;
        const before: Snapshot = { score: a.score ?? null, passed: a.state === 'graded' ? (a.passed ?? null) : null, sections: a.sections };
        const after: Snapshot = { score: t.score, passed: final ? t.passed : null, sections: t.sections };
        const isChanged = before.score !== after.score || before.passed !== after.passed;
        await this.svc.models.RegradeRow.updateOne(
          { runId: run._id, attemptId: a._id },
          { $setOnInsert: { examId: a.examId, userId: a.userId, before, after, changed: isChanged, notified: false, at: this.ctx.clock.now() } },
          { upsert: true },
        ).catch((e) => {
          if ((e as { code?: number }).code !== 11000) throw e;
        });
        const becomesFinal = a.state === 'needs_grading' && final;
        await this.svc.models.Attempt.updateOne(
          { _id: a._id, state: a.state, regradeRuns: { $ne: rid } },
          {
            $set: { slots, results, sections: t.sections, score: t.score, ...(final ? { passed: t.passed } : {}), ...(becomesFinal ? { state: 'graded', gradedAt: this.ctx.clock.now() } : {}) },
            $push: { regradeRuns: rid },
          },
        );
      }
      const row = await this.svc.models.RegradeRow.findOne({ runId: run._id, attemptId: a._id }).lean();
      if (row) {
        affected += 1;
        if (row.changed) changed += 1;
        if (!row.notified) await this.notify(row, a, rid);
      }
      if (i % 50 === 49) await progress(Math.round(((i + 1) / attempts.length) * 100));
    }
    await this.svc.models.RegradeRun.updateOne({ _id: run._id }, { $set: { state: 'done', finishedAt: this.ctx.clock.now(), affected, changed } });
    await progress(100);
    return { affected, changed };
  }

  /** Audit and events of one regraded attempt, then the row is marked (at least once, never lost). */
  private async notify(row: { _id: Types.ObjectId; before: Snapshot; after: Snapshot; changed: boolean }, a: ExamAttemptDoc, runId: string) {
    await this.ctx.audit.record({ action: 'activity-exam:audit.regraded', subject: { type: 'exam-attempt', id: String(a._id) }, args: { runId, reason: 'regrade' }, before: row.before, after: row.after });
    await this.ctx.events.emit(`${this.ctx.id}.attempt.regraded`, { attemptId: String(a._id), userId: String(a.userId), examId: String(a.examId), ...(await this.examRef(a.examId)), runId, reason: 'regrade', changed: row.changed, before: row.before, after: row.after });
    await this.reportRegrade(a, row.before, row.after, row.changed);
    const fresh = await this.svc.models.Attempt.findById(a._id).lean();
    if (fresh?.state === 'graded' && row.after.passed === true && row.before.passed !== true) {
      const exam = await this.svc.loadExam(String(a.examId));
      await this.onFinal(fresh, examTotals(exam.sections, exam.pass, fresh.results));
    }
    await this.svc.models.RegradeRow.updateOne({ _id: row._id }, { $set: { notified: true } });
    await this.svc.publish(a.examId, { t: 'state', attemptId: String(a._id), state: fresh?.state, score: row.after.score, passed: row.after.passed, sections: row.after.sections });
  }

  async regradeReport(user: SessionUser, examId: string, runId: string) {
    const exam = await this.requireGrader(user, examId);
    const run = Types.ObjectId.isValid(runId) ? await this.svc.models.RegradeRun.findOne({ _id: runId, examId: exam._id }).lean() : null;
    if (!run) throw Errors.notFound('Regrade run not found');
    const rows = await this.svc.models.RegradeRow.find({ runId: run._id }).sort({ _id: 1 }).lean();
    const labels = await this.userLabels(rows.map((r) => r.userId));
    return {
      run: { id: String(run._id), state: run.state, qids: run.qids, toLatest: run.toLatest, at: run.at, finishedAt: run.finishedAt ?? null, affected: run.affected, changed: run.changed },
      attempts: rows.map((r) => ({ attemptId: String(r.attemptId), userId: String(r.userId), name: labels.get(String(r.userId))?.name ?? '', before: r.before, after: r.after, changed: r.changed })),
    };
  }

  // ---- review -------------------------------------------------------------------------------------

  /** The result as the review options allow. Keys appear only when `rightAnswer` is allowed. */
  async review(user: SessionUser, attemptId: string) {
    const loaded = await this.svc.loadAttemptFor(user, attemptId);
    const asTrainer = loaded.asTrainer;
    const attempt = await this.svc.withAnswers(loaded.attempt);
    const exam = await this.svc.loadExam(String(attempt.examId));
    const rights = reviewRights(exam, attempt, this.ctx.clock.now(), asTrainer);
    const questions = await this.svc.learnerQuestions(attempt, exam);
    const reviewed = new Map((await this.svc.engine.review(attempt, rights, asTrainer)).map((q) => [q.slot, q]));
    const bySlot = new Map(attempt.results.map((r) => [r.slot, r]));
    const titles = new Map(exam.sections.map((s) => [s.key, s.title]));
    return {
      attempt: { id: String(attempt._id), examId: String(attempt.examId), number: attempt.number, state: attempt.state, startedAt: attempt.startedAt, submittedAt: attempt.submittedAt ?? null, gradedAt: attempt.gradedAt ?? null, deadline: attempt.deadline ?? null, submittedBy: attempt.submittedBy ?? null },
      exam: { id: String(exam._id), title: exam.title, courseId: String(exam.courseId) },
      rights,
      asTrainer,
      score: rights.marks ? (attempt.score ?? null) : null,
      maxScore: attempt.maxScore,
      passed: rights.marks ? (attempt.passed ?? null) : null,
      sections: rights.marks ? attempt.sections.map((s) => ({ ...s, title: titles.get(s.key) ?? s.key })) : [],
      // While an essay waits: the same provisional scores the score board shows (review-policy provisionalMarks), or none.
      provisional: !asTrainer && provisionalMarks(exam, attempt, this.ctx.clock.now())
        ? { score: attempt.score ?? 0, maxScore: attempt.maxScore, sections: attempt.sections.map((s) => ({ key: s.key, title: titles.get(s.key) ?? s.key, score: s.score, maxScore: s.maxScore })) }
        : null,
      questions: questions.map((q) => {
        const r = reviewed.get(q.slot)!;
        const result = bySlot.get(q.slot);
        return {
          slot: q.slot, number: q.number, section: q.section, sectionTitle: q.sectionTitle, type: q.type, partial: q.partial, name: q.name, stem: q.stem, view: q.view, response: q.response, mark: q.mark, flagged: q.flagged,
          score: r.score, correct: r.correct, verdict: result?.manual ? null : reviewVerdict(rights, result), feedback: r.feedback, rightAnswer: r.rightAnswer, needsManual: r.needsManual,
        };
      }),
    };
  }
}
