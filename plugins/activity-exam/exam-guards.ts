/**
 * Who may see an exam through the API: a course participant (authors see the blueprint), or a
 * trainer of the exam's course holding the capability a staff route names.
 */
import { Errors } from '../../src/kernel/errors';
import type { SessionUser } from '../../src/identity/session-user';
import type { ExamDoc } from './exam-models';
import type { ExamService } from './exam-service';

export interface ExamGuards {
  /** The exam and whether the user authors its course; a participant of the course or a coded refusal. */
  examForViewer(user: SessionUser, examId: string): Promise<{ exam: ExamDoc; asAuthor: boolean }>;
  /** The exam, for a user holding `capability` who authors its course; a coded 403/404 otherwise. */
  requireStaff(user: SessionUser | undefined, examId: string, capability: string): Promise<ExamDoc>;
}

export function examGuards(svc: ExamService): ExamGuards {
  return {
    async examForViewer(user, examId) {
      const exam = await svc.loadExam(examId);
      const { asAuthor } = await svc.learning.requireParticipant(user, String(exam.courseId));
      return { exam, asAuthor };
    },
    async requireStaff(user, examId, capability) {
      if (!svc.ctx.authz.can(user, capability)) throw Errors.forbidden('Missing capability', { details: { capability } });
      const exam = await svc.loadExam(examId);
      await svc.learning.requireAuthor(user, String(exam.courseId));
      return exam;
    },
  };
}
