/**
 * The course-completion recovery job: a process that died between marking an enrolment completed
 * and recording what follows (the course's JP, `learning.course.completed` for the certificate,
 * the notice and the survey offer) left the enrolment with `completionPendingAt` set; this job,
 * every 5 minutes and once at each worker start, finishes such enrolments
 * (LearningService.recoverCompletions). Every step is keyed, so finishing twice adds nothing.
 */
import { z } from 'zod';
import type { KernelServices } from '../host/kernel-services';
import type { LearningService } from './learning-service';

export const COMPLETION_RECOVERY_JOB = 'learning.completion-recovery';

export function defineCompletionRecovery(services: KernelServices, learning: LearningService): void {
  services.queues.define({ name: COMPLETION_RECOVERY_JOB, owner: 'learning', payload: z.object({}).passthrough(), attempts: 3, process: () => learning.recoverCompletions() });
}
