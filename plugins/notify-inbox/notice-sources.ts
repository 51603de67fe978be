/**
 * Which domain events become notices, for whom, and with what link: the core's events (activities
 * graded, regraded or waiting for a grader, courses completed, certificates issued or revoked, JP,
 * backups) and those of a plugin that has no core counterpart (an event's waiting list). Events are
 * a public contract (their payloads are validated here like any outside input: a payload that does
 * not fit is ignored, never half-delivered).
 *
 * Each event says what it is about and where to look (`title`, `href`), so this plugin knows no
 * other plugin's data or paths. Notices carry the facts, not results: an exam notice never says
 * the score, because the exam's review settings decide when a learner may see it; the link leads
 * to the page that applies them.
 */
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { LearningService } from '../../src/learning/learning-service';
import type { IdentityService } from '../../src/identity/identity-service';
import type { NoticeDraft } from './inbox-service';
import { objectId } from '../../src/kernel/object-id';
import { ACTIVITY_GRADED, ACTIVITY_REGRADED, activityGradedSchema, activityRegradedSchema, GRADING_REQUESTED, gradingRequestedSchema } from '../../src/learning/activity-events';
import { CERTIFICATE_ISSUED, CERTIFICATE_REVOKED } from '../../src/learning/certificate-events';


export interface NoticeSource {
  event: string;
  /** The notices an event makes (none when its payload does not fit or it is no news). */
  toNotices(payload: unknown): Promise<NoticeDraft[]>;
}

/** A page on this site (events say where to look; never another site). */
const sitePath = z.string().regex(/^\/(?!\/)[^\s]{0,500}$/);
const about = { title: z.string().min(1).max(500), href: sitePath };
// The core's activity events (ADR 0040), with links kept on this site.
const activityGraded = activityGradedSchema.extend({ sourceId: objectId, ...about });
const activityRegraded = activityRegradedSchema.extend({ sourceId: objectId, ...about });
const gradingRequested = gradingRequestedSchema.extend({ sourceId: objectId, ...about });
const courseCompleted = z.object({ courseId: objectId, userId: objectId, jp: z.number().min(0).max(10_000), ...about });
const eventPromoted = z.object({ eventId: objectId, userId: objectId, ...about });
const eventChanged = z.object({ eventId: objectId, changeId: objectId, userId: objectId, ...about });
const backupFailed = z.object({ runId: z.string().min(1).max(300), error: z.string().max(1000), ...about });
const jpClaimSubmitted = z.object({ claimId: objectId, userId: objectId, claimant: z.string().max(300), supervisorId: objectId.optional(), ...about });
const jpClaimDecided = z.object({ claimId: objectId, userId: objectId, status: z.enum(['approved', 'rejected']), ...about });
const jpBelowTarget = z.object({ userId: objectId, year: z.number().int(), month: z.number().int().min(1).max(12), jp: z.number().min(0), target: z.number().min(0), href: sitePath });
const jpTeamBelowTarget = z.object({ userId: objectId, year: z.number().int(), month: z.number().int().min(1).max(12), count: z.number().int().min(1), names: z.array(z.string().max(300)).max(10), href: sitePath });
/** A course's reaction survey names the course, an event's the event. */
const reaction = z.object({ courseId: objectId.optional(), eventId: objectId.optional(), userId: objectId, ...about }).refine((v) => Boolean(v.courseId) !== Boolean(v.eventId));
const surveyOf = (v: { courseId?: string; eventId?: string }) => v.courseId ?? `event-${v.eventId}`;
const behaviour = z.object({ taskId: z.string().regex(/^[a-f0-9]{24}-[a-f0-9]{24}$/), userId: objectId, learner: z.string().max(300), ...about });
const certificate = z.object({ certificateId: objectId, userId: objectId, achievementName: z.string().max(500), reason: z.string().max(1000).optional(), href: sitePath });

/** A task that a notice asks for, done (by anyone): the notices asking for it are marked read. */
export interface NoticeResolution {
  event: string;
  /** The keys of the notices it settles (none when its payload does not fit). */
  keys(payload: unknown): string[];
}

const claimDecided = z.object({ claimId: objectId });
const behaviourRated = z.object({ taskId: behaviour.shape.taskId });
/** A learner answered a reaction survey: who and which survey only, never the response. */
const reactionAnswered = z.object({ courseId: objectId.optional(), eventId: objectId.optional(), userId: objectId }).refine((v) => Boolean(v.courseId) !== Boolean(v.eventId));

export const noticeResolutions: NoticeResolution[] = [
  { event: 'learning.jp-claim.decided', keys: (raw) => { const p = claimDecided.safeParse(raw); return p.success ? [`jp-claim-submitted:${p.data.claimId}`] : []; } },
  { event: 'evaluation-training.behaviour.rated', keys: (raw) => { const p = behaviourRated.safeParse(raw); return p.success ? [`behaviour-requested:${p.data.taskId}`, `behaviour-reminded:${p.data.taskId}`] : []; } },
  {
    // Read as of their creation, not now (UNTIMED_SETTLING in inbox-service.ts, ADR 0073).
    event: 'evaluation-training.reaction.answered',
    keys: (raw) => { const p = reactionAnswered.safeParse(raw); return p.success ? [`reaction-offered:${surveyOf(p.data)}:${p.data.userId}`, `reaction-reminded:${surveyOf(p.data)}:${p.data.userId}`] : []; },
  },
];

export function noticeSources(ctx: PluginContext): NoticeSource[] {
  const learning = () => ctx.use<LearningService>('learning');
  const identity = () => ctx.use<IdentityService>('identity');

  return [
    {
      // Final after a person graded the essays: the result came later than the submission.
      // An automatically graded attempt is on the learner's screen when they submit, so no notice.
      event: ACTIVITY_GRADED,
      async toNotices(raw) {
        const p = activityGraded.safeParse(raw);
        if (!p.success || !p.data.manual) return [];
        return [{ key: `activity-graded:${p.data.sourceId}`, userId: p.data.userId, kind: 'activity-graded', params: { title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // One notice per attempt, refreshed (and unread again) by each later regrade.
      event: ACTIVITY_REGRADED,
      async toNotices(raw) {
        const p = activityRegraded.safeParse(raw);
        if (!p.success || !p.data.changed) return [];
        return [{ key: `activity-regraded:${p.data.sourceId}`, userId: p.data.userId, kind: 'activity-regraded', params: { title: p.data.title }, href: p.data.href, refresh: 'always' }];
      },
    },
    {
      // Trainers: essays are waiting. One notice per activity and trainer, made unread again by a new
      // submission only once they have read it (a large exam would otherwise rewrite it constantly).
      event: GRADING_REQUESTED,
      async toNotices(raw) {
        const p = gradingRequested.safeParse(raw);
        if (!p.success) return [];
        const course = await learning().getCourse(p.data.courseId).catch(() => null);
        if (!course) return [];
        return course.trainerIds.map((t) => ({ key: `activity-grading:${p.data.activityId}:${String(t)}`, userId: String(t), kind: 'activity-grading' as const, params: { title: p.data.title }, href: p.data.href, refresh: 'when-read' as const }));
      },
    },
    {
      // JP are what every ASN tracks (20 a year): say when a course credited them.
      event: 'learning.course.completed',
      async toNotices(raw) {
        const p = courseCompleted.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `course-completed:${p.data.courseId}:${p.data.userId}`, userId: p.data.userId, kind: 'course-completed', params: { title: p.data.title, jp: String(p.data.jp) }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      event: CERTIFICATE_ISSUED,
      async toNotices(raw) {
        const p = certificate.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `certificate-issued:${p.data.certificateId}`, userId: p.data.userId, kind: 'certificate-issued', params: { name: p.data.achievementName }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      event: CERTIFICATE_REVOKED,
      async toNotices(raw) {
        const p = certificate.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `certificate-revoked:${p.data.certificateId}`, userId: p.data.userId, kind: 'certificate-revoked', params: { name: p.data.achievementName, reason: p.data.reason ?? '—' }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // A seat came free and the first person waiting took it: they must know they are now expected.
      event: 'activity-event.registration.promoted',
      async toNotices(raw) {
        const p = eventPromoted.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `event-promoted:${p.data.eventId}:${p.data.userId}`, userId: p.data.userId, kind: 'event-promoted', params: { title: p.data.title }, href: p.data.href, refresh: 'always' }];
      },
    },
    {
      // A session moved, or its place or link changed: everyone registered must know, once per change.
      event: 'activity-event.event.changed',
      async toNotices(raw) {
        const p = eventChanged.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `event-changed:${p.data.changeId}:${p.data.userId}`, userId: p.data.userId, kind: 'event-changed', params: { title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // The direct supervisor decides a JP claim: tell them one is waiting.
      event: 'learning.jp-claim.submitted',
      async toNotices(raw) {
        const p = jpClaimSubmitted.safeParse(raw);
        if (!p.success || !p.data.supervisorId) return [];
        return [{ key: `jp-claim-submitted:${p.data.claimId}`, userId: p.data.supervisorId, kind: 'jp-claim-submitted', params: { name: p.data.claimant, title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      event: 'learning.jp-claim.decided',
      async toNotices(raw) {
        const p = jpClaimDecided.safeParse(raw);
        if (!p.success) return [];
        const kind = p.data.status === 'approved' ? 'jp-claim-approved' as const : 'jp-claim-rejected' as const;
        return [{ key: `jp-claim-decided:${p.data.claimId}`, userId: p.data.userId, kind, params: { title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // From October: once a month (the key names the month), however often the reminder job runs.
      event: 'learning.jp.below-target',
      async toNotices(raw) {
        const p = jpBelowTarget.safeParse(raw);
        if (!p.success) return [];
        const d = p.data;
        return [{ key: `jp-below-target:${d.userId}:${d.year}-${d.month}`, userId: d.userId, kind: 'jp-below-target', params: { jp: String(d.jp), target: String(d.target), year: String(d.year) }, href: d.href, refresh: 'never' }];
      },
    },
    {
      event: 'learning.jp.team-below-target',
      async toNotices(raw) {
        const p = jpTeamBelowTarget.safeParse(raw);
        if (!p.success) return [];
        const d = p.data;
        return [{ key: `jp-team-below-target:${d.userId}:${d.year}-${d.month}`, userId: d.userId, kind: 'jp-team-below-target', params: { count: String(d.count), names: d.names.join(', '), year: String(d.year) }, href: d.href, refresh: 'never' }];
      },
    },
    {
      // Training evaluation, level 1: the reaction survey of a completed course or an attended event, then one reminder.
      event: 'evaluation-training.reaction.offered',
      async toNotices(raw) {
        const p = reaction.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `reaction-offered:${surveyOf(p.data)}:${p.data.userId}`, userId: p.data.userId, kind: 'reaction-offered', params: { title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      event: 'evaluation-training.reaction.reminded',
      async toNotices(raw) {
        const p = reaction.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `reaction-reminded:${surveyOf(p.data)}:${p.data.userId}`, userId: p.data.userId, kind: 'reaction-reminded', params: { title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // Level 3: the mentor or direct supervisor is asked to rate a learner's change in behaviour, then reminded once.
      event: 'evaluation-training.behaviour.requested',
      async toNotices(raw) {
        const p = behaviour.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `behaviour-requested:${p.data.taskId}`, userId: p.data.userId, kind: 'behaviour-requested', params: { name: p.data.learner, title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      event: 'evaluation-training.behaviour.reminded',
      async toNotices(raw) {
        const p = behaviour.safeParse(raw);
        if (!p.success) return [];
        return [{ key: `behaviour-reminded:${p.data.taskId}`, userId: p.data.userId, kind: 'behaviour-reminded', params: { name: p.data.learner, title: p.data.title }, href: p.data.href, refresh: 'never' }];
      },
    },
    {
      // Admins: a scheduled (or manual) backup failed; the page says why and when the last one worked.
      event: 'backup.run.failed',
      async toNotices(raw) {
        const p = backupFailed.safeParse(raw);
        if (!p.success) return [];
        const admins = await identity().models.User.find({ roles: 'admin', active: true }, { _id: 1 }).lean();
        return admins.map((a) => ({ key: `backup-failed:${p.data.runId}:${String(a._id)}`, userId: String(a._id), kind: 'backup-failed' as const, params: { error: p.data.error }, href: p.data.href, refresh: 'never' as const }));
      },
    },
  ];
}
