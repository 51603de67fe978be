/**
 * The core's events about activities, whatever their type (ADR 0040). Activity plugins report
 * through LearningService (`recordPass`, `recordRegrade`, `markProgress`), and the core emits these,
 * so a listener (certificates, notices, reports) works with every activity type, present and
 * future, and names none of them.
 *
 * Events are after the fact and may be repeated (a retried job): listeners are idempotent.
 */
import { z } from 'zod';
import { objectId } from '../kernel/object-id';

/** An activity was completed by a learner (a lesson read, a quiz or exam passed…). */
export const ACTIVITY_COMPLETED = 'learning.activity.completed';
/** A learner's result met the activity's pass rule. */
export const ACTIVITY_PASSED = 'learning.activity.passed';
/** A learner's result was changed after the fact (a regrade); `passed` is the new verdict. */
export const ACTIVITY_REGRADED = 'learning.activity.regraded';
/** A learner's result became final; `manual`: a person graded part of it, so it came after the submission. */
export const ACTIVITY_GRADED = 'learning.activity.graded';
/** A learner's answers wait for a person to grade them (essays); `href` is the trainers' grading page. */
export const GRADING_REQUESTED = 'learning.grading.requested';

export const activityEventSchema = z.object({
  userId: objectId,
  courseId: objectId,
  /** The course activity (learning_activities `_id`). */
  activityId: objectId,
  /** The activity plugin id, e.g. `activity-quiz`; its name is `ctx.activityTypes.get(type).nameKey`. */
  activityType: z.string(),
  /** The activity's own record in its plugin. */
  refId: z.string(),
  title: z.string(),
  /** Where to look: a site path (the result page for a pass, the activity's page otherwise). */
  href: z.string(),
  /** What produced it (an attempt id), when there is one: evidence links and regrades refer to it. */
  sourceId: z.string().optional(),
});
export type ActivityEvent = z.infer<typeof activityEventSchema>;

export const activityGradedSchema = activityEventSchema.extend({ sourceId: z.string(), manual: z.boolean(), passed: z.boolean() });
export type ActivityGraded = z.infer<typeof activityGradedSchema>;

export const gradingRequestedSchema = activityEventSchema.extend({ sourceId: z.string() });
export type GradingRequested = z.infer<typeof gradingRequestedSchema>;

export const activityRegradedSchema = activityEventSchema.extend({
  sourceId: z.string(),
  passed: z.boolean(),
  /** False when the regrade left the result as it was. */
  changed: z.boolean(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type ActivityRegraded = z.infer<typeof activityRegradedSchema>;
