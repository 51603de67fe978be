/**
 * Recommended courses on the learner's home page (and the catalogue's "recommended" badges): the
 * core's own come from the person's competency gaps (competency/course-recommendations.ts); a
 * plugin adds others through the filter hook `learning.home.recommendations`, with the reason in
 * the reader's language (the SKM plugin: a low survey element of the person's service unit,
 * ADR 0060). The core shows each course once, its own first.
 */
import type { SessionUser } from '../identity/session-user';
import type { CompetencyCourse } from './competency/course-recommendations';

export const HOME_RECOMMENDATIONS_HOOK = 'learning.home.recommendations';

export interface HomeRecommendation extends CompetencyCourse {
  competency: string;
  competencyName: string;
  /** Why, beside the competency (rendered text, escaped by the page). */
  reason?: string;
}

/** The hook's value: a filter appends to `items`. */
export interface HomeRecommendations {
  user: SessionUser;
  locale: 'id' | 'en';
  items: HomeRecommendation[];
}

/** Each course once, the first reason kept; at most `limit`. */
export function distinctCourses(items: readonly HomeRecommendation[], limit = 6): HomeRecommendation[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.id) && Boolean(seen.add(i.id))).slice(0, limit);
}
