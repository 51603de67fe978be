/** One question column of an activity's grades: a blueprint position, the same in every attempt. */
export interface GradeColumn {
  key: string;
  label: string;
  maxScore: number;
}

/** The marks of one learner in one activity: the attempt that counts, with a score per question. */
export interface LearnerGrade {
  userId: string;
  score: number | null;
  maxScore: number;
  passed: boolean | null;
  /** `graded`, or the activity's own word for a mark still pending (e.g. `needs_grading`). */
  state: string;
  /** Score per question column key; null when the attempt had no such question or it awaits grading. */
  questions: Record<string, number | null>;
}

/** What an activity type reports to the course's grades (src/learning/gradebook.ts). */
export interface ActivityGrades {
  maxScore: number;
  questions: GradeColumn[];
  learners: LearnerGrade[];
}

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
  /** The marks of the activity (graded types only): each learner's counting attempt, per question. */
  grades?(refId: string): Promise<ActivityGrades>;
  /**
   * A pass is an assessment of competence (a certification exam, not a practice quiz): passing it
   * in a course tagged with competencies adds the tagged levels to the learner's competency trail
   * as exam evidence (ADR 0045). @default false
   */
  assessment?: boolean;
  /** For the trainer's home: answers waiting for a person to grade, and whether each activity is open now. */
  trainerStatus?(refIds: string[]): Promise<Array<{ refId: string; waiting: number; openNow: boolean }>>;
}
