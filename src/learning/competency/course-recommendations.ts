/**
 * Courses that develop a competency, read from the courses' competency tags
 * (`CourseDoc.competencies: [{ code, level }]`, set on the course form and by
 * `POST/PATCH /api/v1/courses`). A course tagged `{ code: 'MNJ-KOM', level: 3 }` develops
 * Komunikasi up to level 3, so it helps a person whose current level is below 3.
 *
 * This is the one place that reads the tags for recommendations: the profile's gap list, the
 * learner's home page and the catalogue call it, and so may any plugin that wants courses for a
 * competency (the evaluation plugin recommends courses for low survey elements):
 *
 *   import { coursesForCompetency } from '../../src/learning/competency/course-recommendations';
 *   const learning = ctx.use<LearningService>('learning');
 *   await coursesForCompetency(learning.models, { competency: 'MNJ-PP', above: 1, upTo: 3 });
 *
 * Only published courses are returned; the highest level up to `upTo` comes first (it closes the
 * most of the gap in one step), then by title. `GET /api/v1/competency/courses?competency=MNJ-PP&above=1&upTo=3` answers the same.
 */
import type { LearningModels } from '../learning-models';

export interface CompetencyCourse {
  id: string;
  title: string;
  jp: number;
  /** The level the course is tagged with for this competency. */
  level: number;
}

export interface CompetencyCourseQuery {
  competency: string;
  /** The person's current level: only courses tagged above it help. @default 0 */
  above?: number;
  /** The level wanted (the position's requirement). @default 5 */
  upTo?: number;
  /** @default 5 */
  limit?: number;
}

/** Published courses tagged with the competency at a level in (above, upTo]. */
export async function coursesForCompetency(models: Pick<LearningModels, 'Course'>, q: CompetencyCourseQuery): Promise<CompetencyCourse[]> {
  const above = q.above ?? 0;
  const upTo = q.upTo ?? 5;
  const courses = await models.Course.find({ published: true, 'competencies.code': q.competency }, { title: 1, jp: 1, competencies: 1 }).lean();
  const out: CompetencyCourse[] = [];
  for (const c of courses) {
    const tag = c.competencies.find((t) => t.code === q.competency && t.level > above && t.level <= upTo);
    if (tag) out.push({ id: String(c._id), title: c.title, jp: c.jp, level: tag.level });
  }
  // A course at the required level closes the gap at once; below it, the higher the better.
  out.sort((a, b) => b.level - a.level || a.title.localeCompare(b.title, 'id'));
  return out.slice(0, q.limit ?? 5);
}

/** For each gap, the courses that close it (one query per competency). */
export async function coursesForGaps(models: Pick<LearningModels, 'Course'>, gaps: ReadonlyArray<{ competency: string; current: number; required: number }>, limit = 3): Promise<Map<string, CompetencyCourse[]>> {
  const out = new Map<string, CompetencyCourse[]>();
  for (const g of gaps) out.set(g.competency, await coursesForCompetency(models, { competency: g.competency, above: g.current, upTo: g.required, limit }));
  return out;
}
