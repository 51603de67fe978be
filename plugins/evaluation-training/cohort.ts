/**
 * A cohort (angkatan) of a course: the half-year in which a learner enrolled, in the site's zone
 * (`2026-S2`). Bina has no class lists, and a half-year is coarse enough that a reaction survey's
 * cohort says nothing about who answered; every level groups by the same rule.
 */
import { dayIn } from '../../src/learning/zone-time';

export function cohortOf(enrolledAt: Date, timeZone: string): string {
  const day = dayIn(enrolledAt, timeZone);
  return `${day.slice(0, 4)}-S${Number(day.slice(5, 7)) <= 6 ? 1 : 2}`;
}
