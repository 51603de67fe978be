/**
 * The exam's documents as the API and the pages show them: an exam (blueprint details only for its
 * authors), an attempt's summary, and an open attempt as its learner sees it (questions without
 * answer keys, the clock, the current section). Reads only.
 */
import type { ExamAttemptDoc, ExamDoc } from './exam-models';
import type { ExamService } from './exam-service';

/** The views, built on the exam service (the open attempt's view reads the exam and advances expired sections). */
export function createExamViews(svc: ExamService) {
  const examView = (e: ExamDoc, asAuthor: boolean) => ({
    id: String(e._id), courseId: String(e.courseId), title: e.title, intro: e.intro, opensAt: e.opensAt ?? null, closesAt: e.closesAt ?? null,
    timeLimitMinutes: e.timeLimitMinutes ?? null, attemptsAllowed: e.attemptsAllowed, grading: e.grading, navigation: e.navigation,
    pass: e.pass ?? null, review: e.review, questionCount: e.sections.reduce((n, s) => n + (s.fixed?.length ?? 0) + (s.draw?.count ?? 0), 0),
    sections: e.sections.map((s) => ({
      key: s.key, title: s.title, timeLimitMinutes: s.timeLimitMinutes ?? null, pass: s.pass ?? null,
      questionCount: (s.fixed?.length ?? 0) + (s.draw?.count ?? 0),
      ...(asAuthor ? { shuffle: s.shuffle, fixed: (s.fixed ?? []).map((f) => ({ questionId: String(f.questionId), mark: f.mark })), draw: s.draw ? { ...s.draw, bankId: s.draw.bankId ? String(s.draw.bankId) : null, categoryIds: (s.draw.categoryIds ?? []).map(String) } : null } : {}),
    })),
    accessRules: e.access.map((a) => a.rule),
    ...(asAuthor ? { board: e.board, access: e.access } : {}),
  });
  const attemptSummary = (a: ExamAttemptDoc) => ({
    id: String(a._id), examId: String(a.examId), userId: String(a.userId), number: a.number, state: a.state, startedAt: a.startedAt,
    deadline: a.deadline ?? null, submittedAt: a.submittedAt ?? null, submittedBy: a.submittedBy ?? null, gradedAt: a.gradedAt ?? null,
  });
  async function openAttemptView(a0: ExamAttemptDoc) {
    const a = await svc.advanceExpiredSections(a0);
    if (a.state !== 'in_progress') return { attempt: attemptSummary(a), closed: true };
    const exam = await svc.loadExam(String(a.examId));
    const now = svc.ctx.clock.now();
    return {
      attempt: attemptSummary(a),
      serverTime: now,
      remainingMs: svc.remainingMs(a, now),
      warning: a.warning ?? null,
      navigation: exam.navigation,
      cursor: a.cursor,
      section: a.sectionDeadline ? { index: a.sectionIndex, key: exam.sections[a.sectionIndex]?.key, remainingMs: Math.max(0, a.sectionDeadline.getTime() - now.getTime()) } : null,
      sections: exam.sections.map((s) => ({ key: s.key, title: s.title, timeLimitMinutes: s.timeLimitMinutes ?? null })),
      questions: (await svc.learnerQuestions(a, exam)).map(({ partial: _p, ...q }) => q),
    };
  }
  return { examView, attemptSummary, openAttemptView };
}

export type ExamViews = ReturnType<typeof createExamViews>;
