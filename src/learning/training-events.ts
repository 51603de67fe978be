/**
 * The core's contract for trainings that are not courses (seminars, workshops, bimtek: the
 * activity-event plugin), so that a plugin that evaluates training (evaluation-training) and the
 * plugin that runs the events know each other only through these hooks and the bus, never by
 * import, and either may be off (ADR 0066).
 *
 * - `EVENT_LINKS_HOOK`: the event's page runs it over `{ user, eventId, organiser, attended,
 *   links: [] }`; each plugin appends its links (the organiser's evaluation, the participant's
 *   survey), like the course page's `learning.course.links`.
 * - `EVENT_ABOUT_HOOK`: a plugin asks what an event is and whether a person organises it; the
 *   events plugin answers (`found`, `title`, `href`, `organiser`). No answer: `found` stays false.
 * - The events plugin emits `activity-event.attendance.completed` `{ eventId, userId, title, href }`
 *   when a participant's attendance meets the event's rule (it may come more than once).
 */
import type { SessionUser } from '../identity/session-user';
import type { CourseLink } from './course-links';

export const EVENT_LINKS_HOOK = 'learning.event.links';
export const EVENT_ABOUT_HOOK = 'learning.event.about';
export const EVENT_ATTENDED = 'activity-event.attendance.completed';

export interface EventLinks {
  user: SessionUser;
  eventId: string;
  /** The person organises this event (provider staff or admin). */
  organiser: boolean;
  /** The person's attendance met the event's rule. */
  attended: boolean;
  /** `audience: 'author'` goes among the organiser's tools, `learner` to the participant. */
  links: CourseLink[];
}

export interface EventAbout {
  eventId: string;
  /** Whose organising to check; none (a job) leaves `organiser` false. */
  user?: SessionUser;
  found: boolean;
  title: string;
  href: string;
  organiser: boolean;
}
