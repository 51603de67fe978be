/**
 * Who accompanies whom, asked by plugins that need a person's mentor (the behaviour rating of
 * evaluation-training) without knowing the mentoring plugin: run `MENTORS_HOOK` over
 * `{ menteeId, mentorIds: [] }` to get the mentors of a person's current pairs, or over
 * `{ mentorId, menteeIds: [] }` to get a mentor's current mentees. The mentoring plugin answers;
 * with it off, the lists stay empty.
 */
export const MENTORS_HOOK = 'learning.mentors.current';

export interface MentorsQuery {
  menteeId?: string;
  mentorId?: string;
  mentorIds: string[];
  menteeIds: string[];
}
