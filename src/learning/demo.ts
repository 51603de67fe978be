/**
 * Demo data, contributed by plugins: `bina seed-demo` (src/cli/demo-seed.ts) makes the people, the
 * unit and the course "Pelayanan Publik Prima", then runs the hook `learning.demo.seed` over a
 * `DemoSeed`. Each plugin that has something to show adds it in its own `demo.ts` with
 * `ctx.hooks.filter(DEMO_SEED_HOOK, fn, priority)` and returns the value, so the core knows no
 * plugin by name and a plugin that is off simply adds nothing.
 *
 * Priorities order the chain where one plugin builds on another's demo (`refs`): lessons 10,
 * quizzes and pre-tests 20, the certificates' achievement 30 (its earn rule names the quiz), the
 * learners' passes of the quiz 35 (so they earn certificates as in real use), their certificates
 * issued 36, exams 40.
 */
import type { SessionUser } from '../identity/session-user';

export const DEMO_SEED_HOOK = 'learning.demo.seed';

export interface DemoSeed {
  admin: SessionUser;
  trainer: SessionUser;
  mentor: SessionUser;
  /** Muhammad Rizal, Siti Nurhaliza, Yohanes Tandi (PPPK), in that order. */
  learners: SessionUser[];
  unitId: string;
  /** The core's demo course, "Pelayanan Publik Prima", taught by `trainer`. */
  courseId: string;
  /** Ids one plugin's demo leaves for another's, e.g. `quizId`. */
  refs: Record<string, string>;
  /**
   * Lessons other parts of the demo want in their courses (the competency demo's recommended
   * courses), written by the lesson plugin when it is on, so a recommended course is never empty.
   */
  lessons: Array<{ courseId: string; title: string; markdown: string }>;
  /** Addresses `bina seed-demo` prints (site-relative paths or absolute URLs), in order. */
  links: Array<{ label: string; url: string }>;
}
