/**
 * Answers the core's `learning.mentors.current` (src/learning/mentors.ts): the mentor of a
 * person's current pair, or a mentor's current mentees. "Current" is the pair not ended and whose
 * period (in the site's zone) has begun and not passed, so a plugin asking who accompanies a
 * person now (evaluation-training's behaviour rating) gets no mentor of a finished period.
 */
import type { PluginContext } from '../../src/host/plugins/context';
import { MENTORS_HOOK, type MentorsQuery } from '../../src/learning/mentors';
import { dayIn } from '../../src/learning/zone-time';
import type { PairDoc } from './mentoring-models';
import type { MentoringService } from './mentoring-service';

export function registerMentorsAnswer(ctx: PluginContext, svc: MentoringService): void {
  const running = (p: PairDoc) => {
    const today = dayIn(ctx.clock.now(), ctx.site.defaultTimeZone);
    return p.current === String(p.menteeId) && p.startsOn <= today && today <= p.endsOn;
  };
  ctx.hooks.filter<MentorsQuery>(MENTORS_HOOK, async (q) => {
    if (q.menteeId) {
      const pair = await svc.currentPairOf(q.menteeId);
      if (pair && running(pair)) q.mentorIds.push(String(pair.mentorId));
    }
    if (q.mentorId) {
      for (const p of await svc.pairsAsMentor(q.mentorId)) if (running(p)) q.menteeIds.push(String(p.menteeId));
    }
    return q;
  });
}
