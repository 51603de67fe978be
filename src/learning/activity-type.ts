/**
 * The contract of a course activity (lesson, quiz, exam, mentoring log…). An activity plugin keeps
 * its own data; the course spine only knows the activity's id, type, title and position, and asks
 * the type where its page is.
 */
export interface ActivityType {
  /** The plugin id, e.g. `activity-quiz`. */
  id: string;
  /** i18n key of the type's name, e.g. `activity-quiz:name`. */
  nameKey: string;
  /** Bootstrap icon name. */
  icon: string;
  /** URL of the learner's page for an activity of this type. */
  pageUrl(activity: { id: string; refId: string }): string;
  /** URL of the trainer's editing page, if the type has one. */
  editUrl?(activity: { id: string; refId: string }): string;
}
