/**
 * The exam attempt lifecycle: start (or resume), save one answer, move to the next timed section,
 * take over from another device, submit. Every state change is one single-document update with a
 * precondition on the current state (no transactions on FerretDB), so concurrent requests, retried
 * jobs and late packets can never accept an answer after the deadline or create two attempts.
 * Grading, manual grading and regrade live in exam-grading.ts; the score board in score-board.ts.
 */
import { randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { BinaError, Errors, defineError } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { LearningService } from '../../src/learning/learning-service';
import { toQuestion } from '../../src/learning/learning-service';
import { deriveSeed } from '../../src/learning/seeded-shuffle';
import type { AccessDecision, AccessRequest, AccessRule } from '../../src/learning/access-rule';
import { attemptDeadline, overallLimit, sectionDeadline } from './attempt-deadline';
import { BlueprintDrawer } from './blueprint-draw';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { Claims } from '../../src/kernel/claims';
import type { AccommodationDoc, ExamAttemptDoc, ExamDoc, IntegrityDoc, IntegrityKind, RegradeRowDoc, RegradeRunDoc } from './exam-models';
import { InsertBatcher } from './insert-batcher';
import { newExamSessionId } from './exam-session';
import { QuestionCache } from '../../src/learning/attempts/question-cache';
import { AttemptEngine, type FormFields } from '../../src/learning/attempts/attempt-engine';
import { AnswerLog, formResponse, parseAnswer, type AnswerVersionDoc } from '../../src/learning/attempts/answer-log';
import { AnswerSheet, mergeAnswers } from '../../src/learning/attempts/answer-sheet';
import { AttemptErrors } from '../../src/learning/attempts/attempt-engine';
import type { QuestionType } from '../../src/learning/question-type';
import type { SavedAnswer } from '../../src/learning/attempts/attempt-record';

export const ExamErrors = {
  attemptClosed: defineError('BINA_ERR_EXAM_ATTEMPT_CLOSED', 409, 'activity-exam:errors.attemptClosed'),
  deadlinePassed: defineError('BINA_ERR_EXAM_DEADLINE_PASSED', 409, 'activity-exam:errors.deadlinePassed'),
  sectionClosed: defineError('BINA_ERR_EXAM_SECTION_CLOSED', 409, 'activity-exam:errors.sectionClosed'),
  slotLocked: defineError('BINA_ERR_EXAM_SLOT_LOCKED', 409, 'activity-exam:errors.slotLocked'),
  noAttemptsLeft: defineError('BINA_ERR_EXAM_NO_ATTEMPTS_LEFT', 409, 'activity-exam:errors.noAttemptsLeft'),
  notOpen: defineError('BINA_ERR_EXAM_NOT_OPEN', 409, 'activity-exam:errors.notOpen'),
  closed: defineError('BINA_ERR_EXAM_CLOSED', 409, 'activity-exam:errors.closed'),
  unknownSlot: defineError('BINA_ERR_EXAM_UNKNOWN_SLOT', 404, 'activity-exam:errors.unknownSlot'),
  poolTooSmall: defineError('BINA_ERR_EXAM_POOL_TOO_SMALL', 409, 'activity-exam:errors.poolTooSmall'),
  learnerOnly: defineError('BINA_ERR_EXAM_LEARNER_ONLY', 403, 'activity-exam:errors.learnerOnly'),
  deviceUnknown: defineError('BINA_ERR_EXAM_DEVICE_UNKNOWN', 403, 'activity-exam:errors.deviceUnknown'),
};

/** Who is calling, as far as access rules and the integrity log care. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
  /** Exam-session ids this browser presents, by attempt id (cookies the server issued, exam-session.ts). */
  examSessions: Readonly<Record<string, string>>;
  /** The access code typed (the rule that `asksFor` it at start). */
  code?: string;
  /** The takeover code typed (the rule that `asksFor` it to continue on another browser). */
  takeoverCode?: string;
}

export interface StartOutcome {
  attempt: ExamAttemptDoc;
  resumed: boolean;
  /** The exam-session id this browser now holds for the attempt: the route sets it as its cookie. */
  examSession: string;
  /** The close time cuts the time limit short (kept on the attempt, shown again on resume). */
  warning?: ExamAttemptDoc['warning'];
}

export type SaveOutcome =
  | { saved: true; seq: number; duplicate?: boolean; serverTime: Date; remainingMs: number | null }
  | { saved: false; stale: true; seq: number; currentSeq: number; serverTime: Date; remainingMs: number | null };

export interface ExamModels {
  Exam: Model<ExamDoc>;
  Attempt: Model<ExamAttemptDoc>;
  Accommodation: Model<AccommodationDoc>;
  Integrity: Model<IntegrityDoc>;
  RegradeRun: Model<RegradeRunDoc>;
  RegradeRow: Model<RegradeRowDoc>;
  /** Answers in their own documents, one per saved version (ADR 0053). */
  Answer: Model<AnswerVersionDoc>;
}

export class ExamService {
  /** True for exactly one caller per key: a unique insert, which FerretDB keeps atomic (ADR 0018). */
  claim(key: string): Promise<boolean> {
    return this.claims.claim(key);
  }

  readonly questions: QuestionCache;
  /** The attempt engine over this plugin's attempts (src/learning/attempts/). */
  readonly engine: AttemptEngine<ExamAttemptDoc>;
  readonly drawer: BlueprintDrawer;
  /** The answers on their way in: one small document per save (ADR 0053). */
  readonly answers: AnswerLog;
  /** The answers on their way out: read in one query, graded through the types. */
  readonly sheet: AnswerSheet;
  private examCache = new Map<string, { at: number; exam: Promise<ExamDoc | null> }>();
  /** Attempt inserts of concurrent starts, one insertMany per batch. */
  private inserts: InsertBatcher;
  private accCache = new Map<string, { at: number; rows: Promise<Map<string, AccommodationDoc>> }>();

  constructor(
    readonly ctx: PluginContext,
    readonly models: ExamModels,
    private claims: Claims,
  ) {
    this.questions = new QuestionCache(() => this.learning);
    this.engine = new AttemptEngine({ types: ctx.questionTypes, questions: (ids) => this.questions.get(ids), now: () => ctx.clock.now() }, models.Attempt);
    this.inserts = new InsertBatcher(() => this.models.Attempt.collection);
    this.answers = new AnswerLog(models.Answer);
    this.sheet = new AnswerSheet(models.Answer, { types: ctx.questionTypes, questions: (ids) => this.questions.get(ids) });
    this.drawer = new BlueprintDrawer(() => this.learning.models.Question, Number(ctx.settings.poolCacheSeconds ?? 5) * 1000, (docs) => this.questions.prime(docs));
  }

  get learning(): LearningService {
    return this.ctx.use<LearningService>('learning');
  }

  graceMs(): number {
    return Number(this.ctx.settings.graceSeconds ?? 10) * 1000;
  }

  /** An exam, read through a 2-second cache (the autosave path needs its access rules, not a fresh read). */
  async loadExam(examId: string, fresh = false): Promise<ExamDoc> {
    if (!Types.ObjectId.isValid(examId)) throw Errors.notFound('Exam not found');
    const hit = this.examCache.get(examId);
    if (!fresh && hit && Date.now() - hit.at < 2000) {
      const e = await hit.exam;
      if (e) return e;
    }
    const p = this.models.Exam.findById(examId).lean<ExamDoc>().exec();
    this.examCache.set(examId, { at: Date.now(), exam: p });
    if (this.examCache.size > 5000) this.examCache.delete(this.examCache.keys().next().value!);
    const e = await p;
    if (!e) throw Errors.notFound('Exam not found');
    return e;
  }

  /**
   * The exam for the grade job: read at most once a second per process and shared by the jobs
   * running meanwhile (2,000 submitted attempts of one exam were 4,000 reads of the same
   * document). An edit of the pass mark or the sections reaches grading within a second.
   */
  private gradingExams = new Map<string, { at: number; exam: Promise<ExamDoc> }>();
  loadExamForGrading(examId: string): Promise<ExamDoc> {
    const hit = this.gradingExams.get(examId);
    if (hit && Date.now() - hit.at < 1000) return hit.exam;
    const exam = this.loadExam(examId, true);
    this.gradingExams.set(examId, { at: Date.now(), exam });
    exam.catch(() => this.gradingExams.delete(examId));
    if (this.gradingExams.size > 1000) this.gradingExams.delete(this.gradingExams.keys().next().value!);
    return exam;
  }

  /**
   * The exam's course activity for the worker's jobs (a grade's progress and events, a start's
   * "viewed" progress), under the same rule: read at most once a second per process (one read per
   * grade and per start before, ADR 0069). Only its ids, type and title are used; a renamed title
   * reaches them within a second.
   */
  private jobActivities = new Map<string, { at: number; activity: ReturnType<LearningService['activityFor']> }>();
  activityForJobs(examId: string): ReturnType<LearningService['activityFor']> {
    const hit = this.jobActivities.get(examId);
    if (hit && Date.now() - hit.at < 1000) return hit.activity;
    const activity = this.learning.activityFor(this.ctx.id, examId);
    this.jobActivities.set(examId, { at: Date.now(), activity });
    activity.catch(() => this.jobActivities.delete(examId));
    if (this.jobActivities.size > 1000) this.jobActivities.delete(this.jobActivities.keys().next().value!);
    return activity;
  }

  /** Called after every change of an exam, so this process never serves a stale copy. */
  forgetExam(examId: string): void {
    this.examCache.delete(examId);
    this.gradingExams.delete(examId);
    this.jobActivities.delete(examId);
    this.drawer.forget(examId);
    this.accCache.delete(examId);
  }

  /** The attempt, if the user owns it or may review all attempts of the course. Others get a 404. */
  async loadAttemptFor(user: SessionUser, attemptId: string, capability = 'activity-exam:review-all'): Promise<{ attempt: ExamAttemptDoc; asTrainer: boolean }> {
    const a = Types.ObjectId.isValid(attemptId) ? await this.models.Attempt.findById(attemptId).lean() : null;
    if (!a) throw Errors.notFound('Attempt not found');
    if (String(a.userId) === user.id) return { attempt: a, asTrainer: false };
    const course = await this.learning.getCourse(String(a.courseId));
    if (this.ctx.authz.can(user, capability) && this.learning.canAuthor(user, course)) return { attempt: a, asTrainer: true };
    // Not "forbidden": do not confirm that someone else's attempt exists.
    throw Errors.notFound('Attempt not found');
  }

  /** Attempts whose answers are attached (withAnswers), so a request reads them once. */
  private withAnswersDone = new WeakSet<object>();

  /** An attempt's answers: its versions (ADR 0053) over the answers embedded in attempts from before. One query. */
  async answersOf(attempt: Pick<ExamAttemptDoc, '_id' | 'answers'>): Promise<Record<string, SavedAnswer>> {
    if (this.withAnswersDone.has(attempt)) return attempt.answers;
    return this.sheet.answersOf(attempt._id, attempt.answers ?? {});
  }

  /** The attempt with its answers in `answers`, as the engine's read paths (views, grading, review) take it. */
  async withAnswers<T extends Pick<ExamAttemptDoc, '_id' | 'answers'>>(attempt: T): Promise<T> {
    if (this.withAnswersDone.has(attempt)) return attempt;
    const out = { ...attempt, answers: await this.sheet.answersOf(attempt._id, attempt.answers ?? {}) };
    this.withAnswersDone.add(out);
    return out;
  }

  /** Attempts of one exam with their answers, read for the whole exam in one query (board, reports, regrade). */
  async withAnswersOfExam<T extends Pick<ExamAttemptDoc, '_id' | 'answers'>>(examId: Types.ObjectId | string, attempts: T[]): Promise<T[]> {
    if (attempts.length === 0) return attempts;
    const versions = await this.sheet.answersOfParent(examId);
    return attempts.map((a) => {
      const out = { ...a, answers: mergeAnswers(a.answers, versions.get(String(a._id))) };
      this.withAnswersDone.add(out);
      return out;
    });
  }

  /**
   * A save acknowledged within this long of reading its attempt open needs no second look: the
   * grade job starts `gradeDelayMs` after the submit, so such a save's answer is stored before
   * grading reads the answers. A slower save reads the attempt's state again after its insert
   * and is acknowledged only if the attempt is still open (ADR 0053).
   */
  saveWindowMs(): number {
    return Number(this.ctx.settings.saveWindowSeconds ?? 2) * 1000;
  }

  /** How long after a submit the grade job reads the answers: the save window and a margin for clocks of other machines. */
  gradeDelayMs(): number {
    return this.saveWindowMs() + 1000;
  }

  /**
   * A participant's accommodation, read through a per-exam cache of all the exam's accommodations
   * (one query per exam and 2 s, however many participants start at once). Granting one here
   * forgets the cache; another web process sees it within 2 s. `fresh` reads the database.
   */
  async accommodationFor(examId: Types.ObjectId | string, userId: string, fresh = false): Promise<AccommodationDoc | null> {
    if (fresh) return this.models.Accommodation.findOne({ examId, userId }).lean();
    const key = String(examId);
    let hit = this.accCache.get(key);
    if (!hit || Date.now() - hit.at >= 2000) {
      const rows = this.models.Accommodation.find({ examId }).lean().exec().then((list) => new Map(list.map((a) => [String(a.userId), a as AccommodationDoc])));
      hit = { at: Date.now(), rows };
      this.accCache.set(key, hit);
      rows.catch(() => this.accCache.delete(key));
      if (this.accCache.size > 5000) this.accCache.delete(this.accCache.keys().next().value!);
    }
    return (await hit.rows).get(String(userId)) ?? null;
  }

  forgetAccommodations(examId: string): void {
    this.accCache.delete(examId);
  }

  // ---- access rules ----------------------------------------------------------------------------

  private rulesOf(exam: ExamDoc): Array<{ rule: AccessRule; settings: unknown }> {
    return (exam.access ?? []).map((a) => {
      const rule = this.ctx.accessRules.get(a.rule);
      // A rule whose plugin is gone must not silently open the exam: refuse until it is back.
      if (!rule) throw Errors.conflict(`Access rule ${a.rule} is not installed`, { details: { rule: a.rule } });
      return { rule, settings: a.settings };
    });
  }

  private accessRequest(exam: ExamDoc, user: SessionUser, client: ClientInfo, sessionId: string, extra: Partial<AccessRequest> = {}): AccessRequest {
    return {
      examId: String(exam._id), userId: user.id, ip: client.ip, userAgent: client.userAgent, sessionId, code: client.code, takeoverCode: client.takeoverCode,
      now: this.ctx.clock.now(), rules: Object.fromEntries((exam.access ?? []).map((a) => [a.rule, a.settings])), ...extra,
    };
  }

  private refuse(d: Extract<AccessDecision, { ok: false }>): never {
    throw new BinaError(d.code, d.status, d.messageKey, d.message, { details: { ...(d.details ?? {}), needsCode: Boolean(d.needsCode) } });
  }

  private async checkAccess(phase: 'start' | 'resume', exam: ExamDoc, req: AccessRequest & { sessionChanged?: boolean }) {
    const effects = { claimSession: false, takeover: false };
    for (const { rule, settings } of this.rulesOf(exam)) {
      const d = phase === 'start'
        ? await rule.checkStart?.(settings, req)
        : await rule.checkResume?.(settings, { ...req, sessionChanged: Boolean(req.sessionChanged) });
      if (!d) continue;
      if (!d.ok) this.refuse(d);
      effects.claimSession ||= Boolean(d.claimSession);
      effects.takeover ||= Boolean(d.takeover);
    }
    return effects;
  }

  // ---- devices (exam-session ids) ----------------------------------------------------------------

  /** The exam-session id the browser presents for this attempt, if the server issued it; else ''. */
  deviceOf(attempt: Pick<ExamAttemptDoc, '_id' | 'devices'>, client: ClientInfo): string {
    const sid = client.examSessions[String(attempt._id)] ?? '';
    return sid && (attempt.devices ?? []).includes(sid) ? sid : '';
  }

  /** Refuses a browser the server has not let into this open attempt: it must resume first (where the rules decide). */
  requireDevice(attempt: ExamAttemptDoc, client: ClientInfo): string {
    const sid = this.deviceOf(attempt, client);
    if (!sid) throw ExamErrors.deviceUnknown('This browser has not joined this attempt; resume it from the exam page', { details: { needsResume: true, examId: String(attempt.examId) } });
    return sid;
  }

  // ---- start / resume --------------------------------------------------------------------------

  /**
   * Starts a new attempt, or resumes the open one (reload, reconnect, another device).
   *
   * The exam-start stampede (hundreds of participants pressing Start within a second) takes the
   * fast path: a participant without any attempt gets attempt 1 by one insert, guarded by the
   * unique (exam, user, number) index, with no read of the attempts collection (no "open
   * attempt?" lookup, no count). Exam, candidate pools, question versions and accommodations
   * come from short-lived in-process caches shared by all concurrent starts, progress is
   * recorded by a job. Anything else (an attempt exists, a rule or the time window refuses)
   * falls back to the full path, which decides exactly as if the fast path had not run.
   */
  async start(user: SessionUser, examId: string, client: ClientInfo): Promise<StartOutcome> {
    const exam = await this.loadExam(examId);
    // The course through a 2 s shared read, like the exam: the start bell reads it once, not per participant.
    const { asAuthor } = await this.learning.requireParticipant(user, String(exam.courseId), { shared: true });
    if (asAuthor && !user.roles.includes('learner')) throw ExamErrors.learnerOnly('Trainers preview exams; they do not take them');
    const now = this.ctx.clock.now();
    const acc = await this.accommodationFor(exam._id, user.id);
    try {
      return await this.createAttempt(user, exam, client, acc, 1, now);
    } catch (e) {
      // Attempt 1 exists (a resume, a later attempt, a concurrent double click), or a check
      // refused: let the full path decide, it may well resume an open attempt.
      if ((e as { code?: unknown }).code !== 11000 && !(e instanceof BinaError)) throw e;
    }
    return this.startOrResume(user, exam, client, acc, now);
  }

  /** The full path: resume the open attempt, else start the next one if any is left. */
  private async startOrResume(user: SessionUser, exam: ExamDoc, client: ClientInfo, acc: AccommodationDoc | null, now: Date): Promise<StartOutcome> {
    const open = await this.models.Attempt.findOne({ examId: exam._id, userId: user.id, state: 'in_progress' }).lean();
    if (open) return { ...(await this.resume(user, exam, open, client)), resumed: true, warning: open.warning };
    const used = await this.models.Attempt.countDocuments({ examId: exam._id, userId: user.id });
    const allowed = exam.attemptsAllowed + (acc?.extraAttempts ?? 0);
    if (used >= allowed) {
      // A concurrent start of the same learner may have just created the attempt: resume it.
      const raced = await this.models.Attempt.findOne({ examId: exam._id, userId: user.id, state: 'in_progress' }).lean();
      if (raced) return { ...(await this.resume(user, exam, raced, client)), resumed: true, warning: raced.warning };
      throw ExamErrors.noAttemptsLeft('No attempts left', { details: { attemptsAllowed: allowed } });
    }
    try {
      return await this.createAttempt(user, exam, client, acc, used + 1, now);
    } catch (e) {
      // A concurrent start (double click, two tabs) won the race for this number: resume that one.
      if ((e as { code?: number }).code === 11000) {
        const again = await this.models.Attempt.findOne({ examId: exam._id, userId: user.id, state: 'in_progress' }).lean();
        if (again) return { ...(await this.resume(user, exam, again, client)), resumed: true, warning: again.warning };
      }
      throw e;
    }
  }

  /**
   * Checks the time window and the access rules, draws the questions and inserts attempt
   * `number`: the only database write of a start. Throws E11000 when that number exists.
   */
  private async createAttempt(user: SessionUser, exam: ExamDoc, client: ClientInfo, acc: AccommodationDoc | null, number: number, now: Date): Promise<StartOutcome> {
    const opensAt = acc?.opensAt ?? exam.opensAt;
    const closesAt = acc?.closesAt ?? exam.closesAt;
    if (opensAt && now < opensAt) throw ExamErrors.notOpen('This exam is not open yet', { details: { opensAt } });
    if (closesAt && now >= closesAt) throw ExamErrors.closed('This exam is closed', { details: { closesAt } });
    // The server issues this browser's exam-session id (its cookie); a client never chooses it.
    const sid = newExamSessionId();
    const effects = await this.checkAccess('start', exam, this.accessRequest(exam, user, client, sid, { accommodation: acc ? { opensAt: acc.opensAt, closesAt: acc.closesAt } : undefined }));

    const seed = randomInt(0, 2 ** 31);
    const fixedIds = exam.sections.flatMap((s) => (s.fixed ?? []).map((f) => f.questionId));
    const fixed = fixedIds.length ? await this.questions.get(fixedIds) : new Map<string, QuestionDoc>();
    const { slots, short } = await this.drawer.draw(exam, seed, new Map([...fixed].map(([k, q]) => [k, { qid: q.qid, defaultMark: q.defaultMark, type: q.type }])));
    if (short.length) throw ExamErrors.poolTooSmall('The question bank has too few questions for this exam', { details: { sections: short } });
    if (slots.length === 0) throw Errors.conflict('This exam has no questions yet');

    const limit = overallLimit(exam);
    const extra = acc?.extraMinutes ?? 0;
    const { deadline, warning } = attemptDeadline({ now, timeLimitMinutes: limit, closesAt, extraMinutes: extra });
    const timed = exam.sections.some((s) => s.timeLimitMinutes);
    const first = exam.sections[0];
    const secDeadline = timed && first?.timeLimitMinutes ? sectionDeadline(now, first.timeLimitMinutes, limit, extra, deadline) : timed ? deadline : undefined;
    const doc = new this.models.Attempt({
      examId: exam._id, courseId: exam.courseId, userId: user.id, number, state: 'in_progress', seed, slots, answers: {},
      startedAt: now, deadline, cursor: 0, sectionIndex: 0, sectionDeadline: secDeadline,
      session: effects.claimSession ? { id: sid, at: now } : undefined, devices: [sid],
      client: { ip: client.ip, sessionId: sid }, maxScore: slots.reduce((s, x) => s + x.mark, 0),
      results: [], sections: [], manual: {}, gradeCount: 0, regradeRuns: [], ...(warning ? { warning } : {}),
    });
    await doc.validate();
    const attempt = doc.toObject() as ExamAttemptDoc;
    // A new attempt has no answers: its questions are shown without asking for them.
    this.withAnswersDone.add(attempt);
    // Shares one insertMany with the starts arriving meanwhile (group commit, insert-batcher.ts).
    await this.inserts.insert(attempt);
    const id = String(attempt._id);
    // Redis only (no database): the deadline's auto-submit, "viewed" progress later on a worker
    // (a progress upsert per start would be a second write, and on FerretDB a scan), the board.
    await Promise.all([
      deadline ? this.ctx.jobs.enqueue('autosubmit', { attemptId: id }, { key: `autosubmit-${id}`, delayMs: Math.max(0, deadline.getTime() - now.getTime() + this.graceMs()) }) : undefined,
      this.ctx.jobs.enqueue('progress', { examId: String(exam._id), userId: user.id }, { key: `progress-${exam._id}-${user.id}` }),
      this.publish(exam._id, { t: 'start', attemptId: id }),
    ]);
    return { attempt, resumed: false, warning, examSession: sid };
  }

  /**
   * Resume: access rules decide, the integrity log records it. A browser without an exam-session
   * id the server issued for this attempt is another device (`sessionChanged`): it gets a fresh
   * candidate id, which joins the attempt's devices (and becomes its cookie) only if every rule
   * allows, so a second device needs the access code however it arrives.
   */
  private async resume(user: SessionUser, exam: ExamDoc, open: ExamAttemptDoc, client: ClientInfo): Promise<{ attempt: ExamAttemptDoc; examSession: string }> {
    const known = this.deviceOf(open, client);
    const sid = known || newExamSessionId();
    const sessionChanged = !known;
    const effects = await this.checkAccess('resume', exam, {
      ...this.accessRequest(exam, user, client, sid, { attempt: { id: String(open._id), startedAt: open.startedAt, session: open.session ?? null } }),
      sessionChanged,
    });
    const now = this.ctx.clock.now();
    const update: Record<string, unknown> = {};
    if ((effects.claimSession || effects.takeover) && open.session?.id !== sid) update.$set = { session: { id: sid, at: now } };
    if (!known) update.$addToSet = { devices: sid };
    if (Object.keys(update).length) await this.models.Attempt.updateOne({ _id: open._id, state: 'in_progress' }, update);
    await this.logIntegrity(open, effects.takeover ? 'takeover' : 'resume', client, { sessionChanged });
    await this.noteClient(open, client, sid);
    return { attempt: (await this.models.Attempt.findById(open._id).lean()) ?? open, examSession: sid };
  }

  /** Takeover from another device with the exam's code (single-session rule). */
  async takeover(user: SessionUser, attemptId: string, client: ClientInfo): Promise<{ attempt: ExamAttemptDoc; examSession: string }> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw ExamErrors.learnerOnly('Only the learner may take over an attempt');
    if (attempt.state !== 'in_progress') throw ExamErrors.attemptClosed('This attempt is already submitted', { details: { state: attempt.state } });
    const exam = await this.loadExam(String(attempt.examId));
    return this.resume(user, exam, attempt, client);
  }

  // ---- timed sections ---------------------------------------------------------------------------

  /**
   * Moves a timed attempt past every section whose time is up (lazily, when the attempt is read or
   * saved to). The next section's clock starts when the previous one ended, not when the learner
   * comes back, so being offline never earns time. Past the last section, the attempt is submitted.
   */
  async advanceExpiredSections(attempt: ExamAttemptDoc): Promise<ExamAttemptDoc> {
    let a = attempt;
    const now = this.ctx.clock.now();
    for (let guard = 0; guard < 50 && a.state === 'in_progress' && a.sectionDeadline && a.sectionDeadline.getTime() + this.graceMs() < now.getTime(); guard++) {
      a = await this.moveSection(a, a.sectionIndex, a.sectionDeadline);
    }
    return a;
  }

  /**
   * Where an attempt's timed sections stand at `now`, without writing (the clock's GET): the same
   * walk as `advanceExpiredSections`, in memory. Past the last section the section is null and the
   * submit is left to the autosubmit job or the learner's next request.
   */
  async sectionsAt(attempt: ExamAttemptDoc, now: Date): Promise<Pick<ExamAttemptDoc, 'sectionIndex' | 'sectionDeadline'>> {
    let index = attempt.sectionIndex;
    let ends = attempt.sectionDeadline;
    if (!ends) return { sectionIndex: index, sectionDeadline: ends };
    const exam = await this.loadExam(String(attempt.examId));
    const acc = await this.accommodationFor(exam._id, String(attempt.userId));
    for (let guard = 0; guard < 50 && ends && ends.getTime() + this.graceMs() < now.getTime(); guard++) {
      const next = exam.sections[index + 1];
      if (!next) return { sectionIndex: index, sectionDeadline: undefined };
      // The next section's clock starts when the previous one ended, as moveSection does.
      ends = next.timeLimitMinutes ? sectionDeadline(ends, next.timeLimitMinutes, overallLimit(exam), acc?.extraMinutes ?? 0, attempt.deadline) : attempt.deadline;
      index += 1;
    }
    return { sectionIndex: index, sectionDeadline: ends };
  }

  /** Section `from` → `from + 1` (idempotent by the precondition on sectionIndex). */
  async moveSection(attempt: ExamAttemptDoc, from: number, startAt?: Date): Promise<ExamAttemptDoc> {
    const exam = await this.loadExam(String(attempt.examId));
    const next = exam.sections[from + 1];
    if (!next) {
      await this.submitAttempt(attempt._id, 'learner');
      return (await this.models.Attempt.findById(attempt._id).lean()) ?? attempt;
    }
    const acc = await this.accommodationFor(exam._id, String(attempt.userId));
    const begin = startAt ?? this.ctx.clock.now();
    const dl = next.timeLimitMinutes ? sectionDeadline(begin, next.timeLimitMinutes, overallLimit(exam), acc?.extraMinutes ?? 0, attempt.deadline) : attempt.deadline;
    await this.models.Attempt.updateOne({ _id: attempt._id, state: 'in_progress', sectionIndex: from }, { $set: { sectionIndex: from + 1, sectionDeadline: dl } });
    return (await this.models.Attempt.findById(attempt._id).lean()) ?? attempt;
  }

  async nextSection(user: SessionUser, attemptId: string, from: number): Promise<ExamAttemptDoc> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw ExamErrors.learnerOnly('Only the learner may move on');
    if (attempt.state !== 'in_progress') throw ExamErrors.attemptClosed('This attempt is already submitted', { details: { state: attempt.state } });
    if (attempt.sectionIndex !== from) return attempt; // a repeated click: already moved
    return this.moveSection(attempt, from);
  }

  // ---- answers -----------------------------------------------------------------------------------

  remainingMs(a: Pick<ExamAttemptDoc, 'deadline'>, now = this.ctx.clock.now()): number | null {
    return a.deadline ? Math.max(0, a.deadline.getTime() - now.getTime()) : null;
  }

  /**
   * Saves one answer, acknowledged only once the database has it. Idempotent: the same (slot, seq)
   * twice is one answer; an older seq after a newer one is refused as stale. Refused once
   * submitted, after the deadline plus grace, outside the current timed section, and (sequential
   * navigation) for a question before the furthest one answered. `fields` are the question's raw
   * form fields (the autosave script sends these; the type maps them). The attempt is read once,
   * beside the slot's stored sequence numbers; the answer is one small insert (ADR 0053).
   */
  async saveAnswer(user: SessionUser, attemptId: string, slot: string, response: unknown, seq: number, client: ClientInfo, fields?: FormFields): Promise<SaveOutcome> {
    const readAt = performance.now();
    const [{ attempt, asTrainer }, storedSeq] = await Promise.all([
      this.loadAttemptFor(user, attemptId),
      Types.ObjectId.isValid(attemptId) ? this.answers.latestSeq(attemptId, slot) : 0,
    ]);
    if (asTrainer) throw ExamErrors.learnerOnly('Only the learner may answer');
    return this.saveTo(user, attempt, slot, fields ? undefined : response, seq, client, fields, { readAt, storedSeq });
  }

  /**
   * Saves into an attempt already read for its learner (the form post saves several answers on
   * one read). `read.readAt` is when that read was sent (performance.now()), `read.storedSeq`
   * the slot's highest stored seq if the caller knows it.
   */
  async saveTo(user: SessionUser, attempt: ExamAttemptDoc, slot: string, response: unknown, seq: number, client: ClientInfo, fields?: FormFields, read: { readAt: number; storedSeq?: number } = { readAt: performance.now() }): Promise<SaveOutcome> {
    const index = attempt.slots.findIndex((x) => x.slot === slot);
    if (index < 0) throw AttemptErrors.unknownSlot(`No question ${slot} in this attempt`);
    const s = attempt.slots[index]!;
    // The slot names its question's type (attempts since ADR 0053); older ones ask the question cache.
    const type = this.ctx.questionTypes.require(s.type ?? (await this.engine.slotQuestion(attempt, slot)).question.type) as QuestionType<unknown, unknown>;
    const value = parseAnswer(type, fields ? formResponse(type, slot, fields) : response);
    const device = this.requireDevice(attempt, client);
    const exam = await this.loadExam(String(attempt.examId));
    const req = this.accessRequest(exam, user, client, device, { attempt: { id: String(attempt._id), startedAt: attempt.startedAt, session: attempt.session ?? null } });
    for (const { rule, settings } of this.rulesOf(exam)) {
      const d = rule.checkSave?.(settings, req);
      if (d && !d.ok) this.refuse(d);
    }
    const now = req.now;
    const sectionIdx = exam.sections.findIndex((x) => x.key === s.section);
    const timed = Boolean(attempt.sectionDeadline);
    const sequential = exam.navigation === 'sequential';
    // The attempt's conditions, on the attempt as read (its state, deadline, section, cursor).
    const cut = now.getTime() - this.graceMs();
    const open = attempt.state === 'in_progress'
      && (!attempt.deadline || attempt.deadline.getTime() > cut)
      && (!timed || (attempt.sectionIndex === sectionIdx && Boolean(attempt.sectionDeadline && attempt.sectionDeadline.getTime() > cut)))
      && (!sequential || attempt.cursor <= index);
    if (!open) return this.explainRefusal(attempt, exam, s.section, sectionIdx, index, timed, sequential);
    const stored = Math.max(read.storedSeq ?? (await this.answers.latestSeq(attempt._id, slot)), attempt.answers?.[slot]?.seq ?? 0);
    if (stored === seq) return { saved: true, seq, duplicate: true, serverTime: now, remainingMs: this.remainingMs(attempt, now) };
    if (stored > seq) return { saved: false, stale: true, seq, currentSeq: stored, serverTime: now, remainingMs: this.remainingMs(attempt, now) };
    // Graded now only for a live board that watches (its provisional figure); the worker's grade is the one that counts.
    const watched = await this.boardWatched(attempt.examId);
    const p = watched ? this.engine.provisional(type, (await this.questions.one(s.questionId))!, value, s.mark) : undefined;
    const stored1 = await this.answers.insert({ _id: attempt._id, parentId: attempt.examId, userId: attempt.userId }, slot, value, seq, now, p !== undefined ? { p } : {});
    if (stored1 === 'duplicate') return { saved: true, seq, duplicate: true, serverTime: now, remainingMs: this.remainingMs(attempt, now) };
    if (sequential && index > attempt.cursor) await this.models.Attempt.updateOne({ _id: attempt._id, state: 'in_progress' }, { $max: { cursor: index } });
    // Slower than the save window: the grade job may already be under way, so this answer is
    // acknowledged only if the attempt is still open now (then the submit, and grading, come after it).
    if (performance.now() - read.readAt > this.saveWindowMs()) {
      const still = await this.models.Attempt.findById(attempt._id, { state: 1 }).lean();
      if (still?.state !== 'in_progress') throw ExamErrors.attemptClosed('This attempt is already submitted', { details: { state: still?.state } });
    }
    if (watched) await this.publish(attempt.examId, { t: 'answer', attemptId: String(attempt._id), slot, section: s.section, seq, p });
    await this.noteClient(attempt, client, device);
    return { saved: true, seq, serverTime: now, remainingMs: this.remainingMs(attempt, now) };
  }

  /** Why the attempt as read refuses a save: closed (sections past their time are moved on first), late, another section, locked. */
  private async explainRefusal(attempt: ExamAttemptDoc, exam: ExamDoc, section: string | undefined, sectionIdx: number, index: number, timed: boolean, sequential: boolean): Promise<never> {
    const now = this.ctx.clock.now();
    const current = attempt.state === 'in_progress' ? await this.advanceExpiredSections(attempt) : attempt;
    if (current.state !== 'in_progress') throw ExamErrors.attemptClosed('This attempt is already submitted', { details: { state: current.state } });
    if (current.deadline && current.deadline.getTime() + this.graceMs() < now.getTime()) throw ExamErrors.deadlinePassed('The time for this attempt is over', { details: { deadline: current.deadline } });
    if (timed && current.sectionIndex !== sectionIdx) throw ExamErrors.sectionClosed('This section is not open', { details: { section, currentSection: exam.sections[current.sectionIndex]?.key } });
    if (sequential && current.cursor > index) throw ExamErrors.slotLocked('Sequential navigation: this question can no longer be changed', { details: { cursor: current.cursor } });
    throw Errors.conflict('The attempt changed meanwhile; try again');
  }

  /** Whether a score board streams this exam now (any web process), cached for 2 s per exam. */
  private watchedCache = new Map<string, { at: number; watched: Promise<boolean> }>();
  boardWatched(examId: Types.ObjectId | string): Promise<boolean> {
    const key = String(examId);
    const hit = this.watchedCache.get(key);
    if (hit && Date.now() - hit.at < 2000) return hit.watched;
    const watched = this.ctx.realtime.subscriberCount(`board-${key}`).then((n) => n > 0, () => true);
    this.watchedCache.set(key, { at: Date.now(), watched });
    return watched;
  }

  /**
   * Marks a question *ragu-ragu* (unsure) or clears the mark: a note for the learner's own grid and
   * summary page, never graded. One conditional update; setting the same value twice is harmless.
   * Refused once the attempt is no longer open; allowed on locked questions (it changes no answer).
   */
  async setFlag(user: SessionUser, attemptId: string, slot: string, flagged: boolean, client: ClientInfo): Promise<{ slot: string; flagged: boolean }> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw ExamErrors.learnerOnly('Only the learner may flag questions');
    if (!attempt.slots.some((s) => s.slot === slot)) throw ExamErrors.unknownSlot(`No question ${slot} in this attempt`);
    this.requireDevice(attempt, client);
    const updated = await this.models.Attempt.updateOne({ _id: attempt._id, state: 'in_progress' }, { $set: { [`flags.${slot}`]: flagged } });
    if (updated.matchedCount !== 1) throw ExamErrors.attemptClosed('This attempt is already submitted');
    return { slot, flagged };
  }

  // ---- submit ------------------------------------------------------------------------------------

  async submit(user: SessionUser, attemptId: string): Promise<ExamAttemptDoc> {
    const { attempt, asTrainer } = await this.loadAttemptFor(user, attemptId);
    if (asTrainer) throw ExamErrors.learnerOnly('Only the learner may submit');
    return this.submitAttempt(attempt._id, 'learner');
  }

  /** Submits (idempotent) and enqueues grading with a deterministic job id. */
  async submitAttempt(attemptId: Types.ObjectId | string, by: 'learner' | 'deadline'): Promise<ExamAttemptDoc> {
    const now = this.ctx.clock.now();
    const r = await this.models.Attempt.updateOne({ _id: attemptId, state: 'in_progress' }, { $set: { state: 'submitted', submittedAt: now, submittedBy: by } });
    const a = await this.models.Attempt.findById(attemptId).lean();
    if (!a) throw Errors.notFound('Attempt not found');
    // Enqueue even when it was already submitted: if the first enqueue was lost, this restores it.
    // The grade job waits out the save window, so every acknowledged save is in before it reads (ADR 0053).
    if (a.state === 'submitted') await this.ctx.jobs.enqueue('grade', { attemptId: String(a._id) }, { key: `grade-${a._id}`, delayMs: this.gradeDelayMs() });
    if (r.matchedCount === 1) {
      if (by === 'learner') await this.ctx.jobs.cancel('autosubmit', `autosubmit-${a._id}`).catch(() => undefined);
      await this.ctx.events.emit(`${this.ctx.id}.attempt.submitted`, { attemptId: String(a._id), userId: String(a.userId), examId: String(a.examId), by });
      await this.publish(a.examId, { t: 'state', attemptId: String(a._id), state: a.state });
    }
    return a;
  }

  // ---- integrity log -----------------------------------------------------------------------------

  async logIntegrity(a: Pick<ExamAttemptDoc, '_id' | 'examId' | 'userId'>, kind: IntegrityKind, client: Pick<ClientInfo, 'ip'>, details?: Record<string, unknown>, clientAt?: Date): Promise<void> {
    await this.models.Integrity.create({ attemptId: a._id, examId: a.examId, userId: a.userId, kind, at: this.ctx.clock.now(), clientAt, ip: client.ip, details });
  }

  /** Logs an IP or device change once per change (the conditional update makes one request win). */
  private async noteClient(a: ExamAttemptDoc, client: ClientInfo, sessionId: string): Promise<void> {
    const ipChanged = Boolean(client.ip && a.client?.ip && client.ip !== a.client.ip);
    const deviceChanged = Boolean(sessionId && a.client?.sessionId && sessionId !== a.client.sessionId);
    if (!ipChanged && !deviceChanged) return;
    const r = await this.models.Attempt.updateOne({ _id: a._id, 'client.ip': a.client.ip, 'client.sessionId': a.client.sessionId }, { $set: { client: { ip: client.ip, sessionId: sessionId || a.client.sessionId } } });
    if (r.matchedCount !== 1) return;
    if (ipChanged) await this.logIntegrity(a, 'ip_change', client, { from: a.client.ip, to: client.ip });
    if (deviceChanged) await this.logIntegrity(a, 'device_change', client, { userAgent: client.userAgent.slice(0, 300) });
  }

  // ---- learner view ------------------------------------------------------------------------------

  /** The questions as the learner sees them (the engine's views), with the exam's sections and locks. */
  async learnerQuestions(attempt: ExamAttemptDoc, exam: ExamDoc) {
    const titles = new Map(exam.sections.map((s, i) => [s.key, { title: s.title, index: i }]));
    return (await this.engine.learnerQuestions(await this.withAnswers(attempt))).map((q, i) => {
      const section = q.section ?? '';
      const sec = titles.get(section);
      const locked = (exam.navigation === 'sequential' && i < attempt.cursor) || (Boolean(attempt.sectionDeadline) && sec?.index !== attempt.sectionIndex);
      return { ...q, section, sectionTitle: sec?.title ?? section, sectionIndex: sec?.index ?? 0, locked };
    });
  }

  // ---- live board --------------------------------------------------------------------------------

  /** Fire-and-forget: a live view that misses a message reloads its snapshot. */
  async publish(examId: Types.ObjectId | string, msg: Record<string, unknown>): Promise<void> {
    try {
      await this.ctx.realtime.publish(`board-${examId}`, msg);
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, 'score board publish failed');
    }
  }
}
