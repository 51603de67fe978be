/**
 * Links plugins add to a course's page (`learning.course.links`), so the core's course page names
 * no plugin: a trainer's tool (the course's evaluation) or a learner's next step (a survey to
 * answer). Each plugin filters the list for the person and course it is given and returns it.
 */
import type { SessionUser } from '../identity/session-user';

export const COURSE_LINKS_HOOK = 'learning.course.links';

export interface CourseLink {
  href: string;
  /** i18n key of the label, in the plugin's namespace (`evaluation-training:course.link`). */
  labelKey: string;
  icon: string;
  /** `author`: among the trainer's course tools; `learner`: above the activities. */
  audience: 'author' | 'learner';
}

export interface CourseLinks {
  user: SessionUser;
  courseId: string;
  canAuthor: boolean;
  enrolled: boolean;
  links: CourseLink[];
}
