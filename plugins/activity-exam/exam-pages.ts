/**
 * The exam's HTML pages: authoring form, exam page (start with access code), the attempt page
 * (works without JavaScript; public/attempt.js adds offline-tolerant autosave and the server's
 * clock), result and review (with the integrity log for trainers), the proctor's and the public
 * score boards, and the manual grading pages.
 */
import type { Response } from 'express';
import { z } from 'zod';
import { BinaError, Errors } from '../../src/kernel/errors';
import { refusedResponse } from '../../src/learning/attempts/answer-log';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import { attemptParams, examInput, examParams, examPatch, objectId, slotName } from './exam-input';
import { accessFromValues, fieldErrors, formData, inputFromValues, valuesFromBody, valuesOf, type FormValues } from './exam-form';
import type { QuestionBank } from '../../src/learning/question-bank';
import type { ExamAttemptDoc, ExamDoc } from './exam-models';
import { clientInfo, type ExamPluginApi } from './client-info';
import { issueExamSession } from './exam-session';
import { buildRoom, buildSummary, postedList, postedSlots, roomPlace, roomQuery } from '../../src/learning/attempt-room/room-view';
import type { ClientInfo } from './exam-service';

const formRecord = z.record(z.string().max(120), z.union([z.string().max(200_000), z.array(z.string().max(1000)).max(100)]));

interface Helpers {
  examView(e: ExamDoc, asAuthor: boolean): Record<string, unknown>;
  attemptSummary(a: ExamAttemptDoc): Record<string, unknown>;
  openAttemptView(a: ExamAttemptDoc): Promise<Record<string, unknown>>;
  publicBoard(token: string): Promise<ExamDoc>;
}

export function registerExamPages(ctx: PluginContext, api: ExamPluginApi, h: Helpers): void {
  const { service: svc, grading, authoring } = api;
  const learning = () => svc.learning;
  const id = ctx.id;
  /** What a question's input partial reads beside the response (its type's `toFormView`). */
  const formView = (type: string, response: unknown) => svc.engine.formView(svc.engine.type(type), response);

  // ---- authoring form (new and edit; exam-form.ts) ----
  const bank = () => ctx.use<QuestionBank>('question-bank');
  const accessRules = () => ctx.accessRules.list();
  /** The access rules a posted form gives, with the reasons (in the page's language) for refused settings. */
  const postedAccess = (values: FormValues, t: (k: string) => string, exam?: ExamDoc) => {
    const r = accessFromValues(accessRules(), values, exam?.access);
    return { access: r.access, errors: Object.fromEntries(Object.entries(r.errors).map(([field, key]) => [field, t(key)])) };
  };
  async function formPage(user: SessionUser, course: { _id: unknown; title: string }, values: FormValues, errors: Record<string, string>, t: (k: string) => string, exam?: ExamDoc) {
    const locked = exam ? Boolean(await svc.models.Attempt.exists({ examId: exam._id })) : false;
    return {
      view: exam ? `${id}/edit` : `${id}/new`, title: exam ? t(`${id}:form.edit`) : t(`${id}:new`), status: Object.keys(errors).length ? 400 : undefined,
      data: {
        course: { id: String(course._id), title: course.title }, exam: exam ? { id: String(exam._id), title: exam.title } : null, locked,
        action: exam ? `/${id}/exams/${exam._id}/edit` : `/${id}/exams`, ...(await formData(learning(), bank(), user, values, errors, accessRules(), t('bank.defaultCategory'))),
      },
    };
  }
  ctx.http.page({ method: 'get', path: '/new', capability: 'activity-exam:author', summary: 'New exam form', query: z.object({ courseId: objectId }) }, async ({ query, user, t }) => {
    const course = await learning().requireAuthor(user, query.courseId);
    return formPage(user!, course, { timeLimitMinutes: '100', attemptsAllowed: '1' }, {}, t);
  });
  ctx.http.page({ method: 'post', path: '/exams', capability: 'activity-exam:author', summary: 'Create an exam (form)', body: formRecord }, async ({ body, user, res, t }) => {
    const values = valuesFromBody(body);
    const course = await learning().requireAuthor(user, values.courseId ?? '');
    const access = postedAccess(values, t);
    const parsed = examInput.safeParse({ courseId: values.courseId, ...(await inputFromValues(learning(), values, user!, access.access)) });
    if (!parsed.success || Object.keys(access.errors).length) return formPage(user!, course, values, { ...access.errors, ...(parsed.success ? {} : fieldErrors(parsed.error.issues, t)) }, t);
    const exam = await authoring.create(user!, parsed.data);
    res.redirect(303, `/${id}/exams/${exam._id}`);
  });
  ctx.http.page({ method: 'get', path: '/exams/:examId/edit', capability: 'activity-exam:author', summary: 'Edit an exam\'s settings (the sections only before any attempt)', params: examParams }, async ({ params, user, t }) => {
    const exam = await svc.loadExam(params.examId, true);
    const course = await learning().requireAuthor(user, String(exam.courseId));
    return formPage(user!, course, valuesOf(exam, user!.timeZone, accessRules()), {}, t, exam);
  });
  ctx.http.page({ method: 'post', path: '/exams/:examId/edit', capability: 'activity-exam:author', summary: 'Save an exam\'s settings (form)', params: examParams, body: formRecord }, async ({ params, body, user, res, t }) => {
    const exam = await svc.loadExam(params.examId, true);
    const course = await learning().requireAuthor(user, String(exam.courseId));
    const values = valuesFromBody(body);
    const locked = Boolean(await svc.models.Attempt.exists({ examId: exam._id }));
    const access = postedAccess(values, t, exam);
    const { sections, ...settings } = await inputFromValues(learning(), values, user!, access.access);
    const parsed = examPatch.safeParse(locked ? settings : { ...settings, sections });
    if (!parsed.success || Object.keys(access.errors).length) {
      const errors = { ...access.errors, ...(parsed.success ? {} : fieldErrors(parsed.error.issues, t)) };
      return formPage(user!, course, locked ? { ...valuesOf(exam, user!.timeZone, accessRules()), ...values } : values, errors, t, exam);
    }
    await authoring.update(user!, params.examId, parsed.data);
    res.redirect(303, `/${id}/exams/${exam._id}`);
  });

  // ---- exam page and start ----
  /** Whether one of the exam's access rules asks the learner for a code (`start`) or a takeover code (`takeover`). */
  const asksFor = (exam: ExamDoc, when: 'start' | 'takeover') => exam.access.some((a) => ctx.accessRules.get(a.rule)?.asksFor?.when === when);

  /** `client`: who asks, so the resume form asks for codes only on a browser not yet let into the open attempt. */
  async function examPage(user: SessionUser, examId: string, client: ClientInfo, extra: Record<string, unknown> = {}) {
    const exam = await svc.loadExam(examId);
    const { asAuthor, course } = await learning().requireParticipant(user, String(exam.courseId));
    const mine = await svc.models.Attempt.find({ examId: exam._id, userId: user.id }, { answers: 0 }).sort({ number: 1 }).lean();
    const acc = await svc.accommodationFor(exam._id, user.id);
    const open = mine.find((a) => a.state === 'in_progress');
    const allowed = exam.attemptsAllowed + (acc?.extraAttempts ?? 0);
    const pools = asAuthor ? await authoring.pools(exam) : [];
    return {
      view: `${id}/exam`, title: exam.title,
      data: {
        exam: h.examView(exam, asAuthor), course: { id: String(course._id), title: course.title }, asAuthor,
        attempts: mine.map(h.attemptSummary), open: open ? h.attemptSummary(open) : null,
        canStart: !open && mine.length < allowed && !asAuthor,
        needsCode: asksFor(exam, 'start') && !(open && svc.deviceOf(open, client)),
        needsTakeover: Boolean(open && asksFor(exam, 'takeover') && !svc.deviceOf(open, client)),
        accommodation: acc ? { extraMinutes: acc.extraMinutes, extraAttempts: acc.extraAttempts, closesAt: acc.closesAt ?? null } : null,
        pools, boardPublicUrl: asAuthor && exam.board.public ? `/${id}/board/${exam.board.token}` : null, ...extra,
      },
    };
  }
  ctx.http.page({ method: 'get', path: '/exams/:examId', capability: 'activity-exam:view', summary: 'Exam page', params: examParams }, async ({ params, user, req }) => examPage(user!, params.examId, clientInfo(req)));
  ctx.http.page({ method: 'post', path: '/exams/:examId/start', capability: 'activity-exam:attempt', summary: 'Start or resume (form, with the access and takeover codes); sets the attempt\'s exam-session cookie', params: examParams, body: z.object({ code: z.string().max(100).optional(), takeoverCode: z.string().max(100).optional(), _csrf: z.string().optional() }) }, async ({ params, body, user, req, res, t }) => {
    const client = clientInfo(req, body);
    try {
      const r = await svc.start(user!, params.examId, client);
      issueExamSession(req, res, String(r.attempt._id), r.examSession, r.attempt.deadline);
      res.redirect(`/${id}/attempts/${r.attempt._id}`);
    } catch (e) {
      // An access refusal is shown on the exam page, with the code fields, not as an error page.
      if (e instanceof BinaError && e.status < 500) return refusedOnExamPage(user!, params.examId, client, e, t);
      throw e;
    }
  });
  async function refusedOnExamPage(user: SessionUser, examId: string, client: ClientInfo, e: BinaError, t: (k: string) => string) {
    const page = await examPage(user, examId, client, { error: t(e.messageKey) === e.messageKey ? e.message : t(e.messageKey) });
    return { ...page, status: e.status };
  }

  // ---- attempt: the exam room (src/learning/attempt-room) ----
  /** A response its question type refused in a form post: shown again as typed, with the reasons in the learner's language. */
  type Refused = Map<string, { response: unknown; error: string }>;
  const roomLinks = (attemptId: string, examId: string) => ({
    formAction: `/${id}/attempts/${attemptId}`, flagUrl: `/api/v1/${id}/attempts/${attemptId}/flags`,
    exitHref: `/${id}/attempts/${attemptId}/exit`, backHref: `/${id}/attempts/${attemptId}`, leaveHref: `/${id}/exams/${examId}`,
    showAllHref: `/${id}/attempts/${attemptId}?all=1`, showOneHref: `/${id}/attempts/${attemptId}`,
  });
  /** The open attempt with its questions, or null when the learner should see the result instead. */
  async function openRoom(user: SessionUser, attemptId: string) {
    const { attempt, asTrainer } = await svc.loadAttemptFor(user, attemptId);
    if (attempt.state !== 'in_progress' || asTrainer) return null;
    const view = await h.openAttemptView(attempt);
    if ('closed' in view) return null;
    const exam = await svc.loadExam(String(attempt.examId));
    const fresh = (await svc.models.Attempt.findById(attempt._id).lean())!;
    return { view, exam, fresh, questions: await svc.learnerQuestions(fresh, exam) };
  }
  async function attemptPage(user: SessionUser, attemptId: string, res: Response, place: { q?: number; all?: boolean } = {}, refused: Refused = new Map()) {
    const open = await openRoom(user, attemptId);
    if (!open) return void res.redirect(`/${id}/attempts/${attemptId}/result`);
    const { view, exam, fresh } = open;
    const questions = open.questions.map((q) => {
      const r = refused.get(q.slot);
      return r ? { ...q, response: r.response, ...formView(q.type, r.response), disabled: q.locked, error: r.error } : { ...q, ...formView(q.type, q.response), disabled: q.locked };
    });
    // A refused answer is the question shown; otherwise the one asked for, else the current timed section's first.
    const firstRefused = questions.find((q) => refused.has(q.slot))?.number;
    const sectionFirst = fresh.sectionDeadline ? questions.find((q) => q.sectionIndex === fresh.sectionIndex)?.number : undefined;
    const room = buildRoom(questions, { sections: exam.sections.map((s) => ({ key: s.key, title: s.title })), requested: firstRefused ?? place.q, fallback: sectionFirst, showAll: place.all });
    return {
      view: `${id}/attempt`, title: exam.title, status: refused.size ? 400 : undefined,
      data: {
        exam: h.examView(exam, false), attempt: view.attempt, remainingMs: view.remainingMs, serverTime: view.serverTime, warning: view.warning, section: view.section,
        timedSections: Boolean(fresh.sectionDeadline), sectionIndex: fresh.sectionIndex, navigation: exam.navigation,
        room, roomTitle: exam.title, focusMode: view.remainingMs !== null, ...roomLinks(attemptId, String(exam._id)),
      },
    };
  }
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId', capability: 'activity-exam:view', summary: 'The exam room: one question per screen (?q=N; ?all=1 shows every question of a short exam) with the grid; works without JavaScript; another browser resumes first, as the access rules allow', params: attemptParams, query: roomQuery }, async ({ params, query, user, req, res, t }) => {
    const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
    const client = clientInfo(req);
    if (attempt.state === 'in_progress' && !asTrainer && !svc.deviceOf(attempt, client)) {
      // A browser the server has not let in (a link opened on another device): resume with no
      // code if the rules allow it, else the exam page asks for the codes.
      try {
        const r = await svc.takeover(user!, params.attemptId, client);
        issueExamSession(req, res, String(r.attempt._id), r.examSession, r.attempt.deadline);
      } catch (e) {
        if (e instanceof BinaError && e.status < 500) return refusedOnExamPage(user!, String(attempt.examId), client, e, t);
        throw e;
      }
    }
    return attemptPage(user!, params.attemptId, res, roomPlace(query));
  });
  ctx.http.page({ method: 'post', path: '/attempts/:attemptId', capability: 'activity-exam:attempt', summary: 'Save the answers and ragu-ragu flags on screen, then move (go=N or go=summary), or submit (form)', params: attemptParams, body: formRecord }, async ({ params, body, user, req, res, locale }) => {
    const readAt = performance.now();
    const { attempt, asTrainer } = await svc.loadAttemptFor(user!, params.attemptId);
    const refused: Refused = new Map();
    if (attempt.state === 'in_progress' && !asTrainer) {
      // Only the questions the post carries: a question not on screen was not posted, which is no answer to clear.
      const shown = postedSlots(body);
      const answers = await svc.answersOf(attempt);
      for (const s of attempt.slots) {
        if (!shown.has(s.slot)) continue;
        const { type } = await svc.engine.slotQuestion(attempt, s.slot);
        const response = svc.engine.responseFromForm(type, s.slot, body);
        const current = answers[s.slot];
        // Only what changed is written: answers autosave already stored are not saved again.
        if (JSON.stringify(response ?? null) === JSON.stringify(current?.r ?? null)) continue;
        try {
          await svc.saveTo(user!, attempt, s.slot, response ?? null, (current?.seq ?? 0) + 1, clientInfo(req), undefined, { readAt, storedSeq: current?.seq ?? 0 });
        } catch (e) {
          // An answer its type refuses (a numerical answer that is no number) is shown again with the reason; the rest is saved.
          const why = refusedResponse(e);
          if (why) {
            refused.set(s.slot, { response, error: why.map((d) => ctx.i18n.localize(locale, d)).join(' ') });
            continue;
          }
          // A locked (sequential / closed section) question is skipped, the rest is saved.
          if (!(e instanceof BinaError) || e.status !== 409 || e.code === 'BINA_ERR_EXAM_ATTEMPT_CLOSED' || e.code === 'BINA_ERR_EXAM_DEADLINE_PASSED') throw e;
        }
      }
      for (const slot of postedList(body.flagShown) ?? []) {
        const want = body[`flag_${slot}`] === 'on';
        if (attempt.slots.some((s) => s.slot === slot) && (attempt.flags?.[slot] === true) !== want) await svc.setFlag(user!, params.attemptId, slot, want, clientInfo(req));
      }
      // Nothing moves on while an answer waits to be corrected.
      if (refused.size) return attemptPage(user!, params.attemptId, res, { all: body.all === '1' }, refused);
      if (body.action === 'next-section') await svc.nextSection(user!, params.attemptId, Number(body.from ?? -1));
    }
    if (body.action === 'submit') {
      await svc.submit(user!, params.attemptId);
      return void res.redirect(`/${id}/attempts/${params.attemptId}/result`);
    }
    if (body.go === 'summary') return void res.redirect(`/${id}/attempts/${params.attemptId}/summary`);
    const go = typeof body.go === 'string' && /^\d{1,4}$/.test(body.go) ? Number(body.go) : undefined;
    const query = [go ? `q=${go}` : '', body.all === '1' ? 'all=1' : ''].filter(Boolean).join('&');
    res.redirect(`/${id}/attempts/${params.attemptId}${query ? `?${query}` : ''}${go && body.all === '1' ? `#q-${go}` : ''}`);
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/summary', capability: 'activity-exam:view', summary: 'Summary before submitting: unanswered, ragu-ragu and word-limit questions by section, and the submit button', params: attemptParams }, async ({ params, user, res }) => {
    const open = await openRoom(user!, params.attemptId);
    if (!open) return void res.redirect(`/${id}/attempts/${params.attemptId}/result`);
    const { view, exam } = open;
    const summary = buildSummary(open.questions, exam.sections.map((s) => ({ key: s.key, title: s.title })));
    return {
      view: `${id}/summary`, title: exam.title,
      data: { summary, hasSections: exam.sections.length > 1, attempt: view.attempt, remainingMs: view.remainingMs, roomTitle: exam.title, focusMode: view.remainingMs !== null, ...roomLinks(params.attemptId, String(exam._id)) },
    };
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/exit', capability: 'activity-exam:view', summary: 'The exam room\'s one exit: warns that the time keeps running before leaving', params: attemptParams }, async ({ params, user, res }) => {
    // Shown whatever the attempt's state (a finished one's "back" leads to its result), so a link followed late still answers.
    const { attempt } = await svc.loadAttemptFor(user!, params.attemptId);
    const exam = await svc.loadExam(String(attempt.examId));
    return { view: `${id}/exit`, title: exam.title, data: { roomTitle: exam.title, focusMode: attempt.state === 'in_progress' && Boolean(attempt.deadline), ...roomLinks(params.attemptId, String(exam._id)) } };
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/result', capability: 'activity-exam:view', summary: 'Result and review (with the integrity log for trainers)', params: attemptParams }, async ({ params, user }) => {
    const r = await grading.review(user!, params.attemptId);
    const integrity = r.asTrainer ? await svc.models.Integrity.find({ attemptId: r.attempt.id }).sort({ at: 1 }).limit(1000).lean() : [];
    return {
      view: `${id}/result`, title: r.exam.title,
      data: { ...r, questions: r.questions.map((q) => ({ ...q, disabled: true, ...formView(q.type, q.response) })), grading: r.attempt.state === 'submitted', waitingManual: r.attempt.state === 'needs_grading', integrity: integrity.map((x) => ({ kind: x.kind, at: x.at, ip: x.ip })) },
    };
  });

  // ---- boards ----
  ctx.http.page({ method: 'get', path: '/exams/:examId/board', capability: 'activity-exam:proctor', summary: 'Live score board (proctor)', params: examParams }, async ({ params, user }) => {
    const exam = await svc.loadExam(params.examId);
    await learning().requireAuthor(user, String(exam.courseId));
    return { view: `${id}/board`, title: exam.title, data: { exam: h.examView(exam, false), snapshotUrl: `/api/v1/${id}/exams/${exam._id}/board`, streamUrl: `/api/v1/${id}/exams/${exam._id}/board/stream` } };
  });
  ctx.http.page({ method: 'get', path: '/board/:token', public: true, summary: 'Public score board screen (when the exam allows it)', params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) }) }, async ({ params }) => {
    const exam = await h.publicBoard(params.token);
    return { view: `${id}/board`, title: exam.title, data: { exam: h.examView(exam, false), public: true, snapshotUrl: `/api/v1/${id}/public/boards/${params.token}`, streamUrl: `/api/v1/${id}/public/boards/${params.token}/stream` } };
  });

  // ---- manual grading ----
  ctx.http.page({ method: 'get', path: '/exams/:examId/grading', capability: 'activity-exam:grade', summary: 'Manual grading queue', params: examParams, query: z.object({ by: z.enum(['attempt', 'question']).default('attempt') }) }, async ({ params, query, user }) => {
    const q = await grading.queue(user!, params.examId, query.by);
    const exam = await svc.loadExam(params.examId);
    return { view: `${id}/grading`, title: exam.title, data: { exam: h.examView(exam, true), ...q, byAttempt: query.by === 'attempt' } };
  });
  ctx.http.page({ method: 'get', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'Grade one answer by hand (form)', params: attemptParams.extend({ slot: slotName }) }, async ({ params, user }) => {
    const g = await grading.slotForGrading(user!, params.attemptId, params.slot);
    const a = (await svc.models.Attempt.findById(params.attemptId, { examId: 1 }).lean())!;
    const rubric = (g.question.rubric ?? null) as { criteria: Array<{ id: string; description: string; levels: Array<{ id: string; label: string; points: number }> }> } | null;
    return {
      view: `${id}/grade`, title: g.question.name,
      data: { ...g, examId: String(a.examId), responseText: (g.response as { text?: string } | null)?.text ?? '', criteria: rubric?.criteria.map((c) => ({ ...c, levels: c.levels.map((l) => ({ ...l, checked: g.grade?.rubric?.[c.id] === l.id })) })) ?? null },
    };
  });
  ctx.http.page({ method: 'post', path: '/attempts/:attemptId/manual/:slot', capability: 'activity-exam:grade', summary: 'Grade one answer by hand (form post)', params: attemptParams.extend({ slot: slotName }), body: formRecord }, async ({ params, body, user, res }) => {
    const rubric: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('c_') && typeof v === 'string') rubric[k.slice(2)] = v;
    const comment = typeof body.comment === 'string' ? body.comment : '';
    const input = Object.keys(rubric).length ? { rubric, comment } : { score: Number(body.score), comment };
    if (!Object.keys(rubric).length && !Number.isFinite(input.score)) throw Errors.validation('A score is required', { details: [{ path: 'score', message: 'required' }] });
    await grading.gradeSlot(user!, params.attemptId, params.slot, input);
    const a = (await svc.models.Attempt.findById(params.attemptId, { examId: 1 }).lean())!;
    res.redirect(`/${id}/exams/${a.examId}/grading`);
  });
}
