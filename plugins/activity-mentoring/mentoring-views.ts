/** Page and API shapes of pairs and sessions (names looked up once per page). */
import type { MenteeCompetencies, PersonRef } from './mentoring-service';
import type { PairDoc, SessionDoc } from './mentoring-models';

const unknownPerson = (id: string): PersonRef => ({ id, name: '—' });

export function pairView(p: PairDoc, people: Map<string, PersonRef>) {
  return {
    id: String(p._id),
    mentee: people.get(String(p.menteeId)) ?? unknownPerson(String(p.menteeId)),
    mentor: people.get(String(p.mentorId)) ?? unknownPerson(String(p.mentorId)),
    source: p.source,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    goals: p.goals.map((g) => ({ text: g.text, competency: g.competency ?? null })),
    current: p.current === String(p.menteeId),
  };
}

export function sessionView(s: SessionDoc, people: Map<string, PersonRef>, viewerId?: string) {
  const mine = viewerId !== undefined && String(s.loggedBy) === viewerId;
  const inPair = viewerId !== undefined && (String(s.menteeId) === viewerId || String(s.mentorId) === viewerId);
  return {
    id: String(s._id),
    pairId: String(s.pairId),
    heldAt: s.heldAt,
    minutes: s.minutes,
    topic: s.topic,
    mentorNotes: s.mentorNotes,
    menteeReflection: s.menteeReflection,
    loggedAs: s.loggedAs,
    loggedBy: people.get(String(s.loggedBy))?.name ?? '—',
    mentee: people.get(String(s.menteeId))?.name ?? '—',
    mentor: people.get(String(s.mentorId))?.name ?? '—',
    state: s.state,
    signed: s.state === 'signed',
    jp: s.jp ?? null,
    confirmedAt: s.confirmedAt ?? null,
    /** The viewer may confirm it: in the pair, not the logger, still pending. */
    canConfirm: s.state === 'pending' && inPair && !mine,
    confirmAs: String(s.mentorId) === viewerId ? 'mentor' : 'mentee',
  };
}

export function idsOf(rows: Array<PairDoc | SessionDoc>): string[] {
  const ids = new Set<string>();
  for (const r of rows) {
    ids.add(String(r.menteeId));
    ids.add(String(r.mentorId));
    if ('loggedBy' in r) ids.add(String(r.loggedBy));
  }
  return [...ids];
}

/**
 * Goals for a page: each linked one with the mentee's level now and the level the position requires
 * (`met` once the level reaches it; neither when the standard does not name the competency), and
 * the gap choices for the goals form, linked ones checked.
 */
export function goalsView(p: PairDoc, mc: MenteeCompetencies) {
  const gapCodes = new Set(mc.gaps.map((g) => g.code));
  const linked = new Set(p.goals.map((g) => g.competency).filter(Boolean));
  return {
    goals: p.goals.map((g) => {
      const level = g.competency ? mc.levels.get(g.competency) : undefined;
      const required = level?.required ?? null;
      return { text: g.text, competency: g.competency ?? null, current: required !== null ? level!.current : null, required, met: required !== null && level!.current >= required };
    }),
    gapOptions: [
      ...mc.gaps.map((g) => ({ ...g, checked: linked.has(g.code), met: false })),
      // A linked goal that is no longer a gap stays choosable, so saving the form does not drop it.
      ...p.goals.filter((g) => g.competency && !gapCodes.has(g.competency)).map((g) => ({ code: g.competency!, name: g.text, current: null, required: null, checked: true, met: true })),
    ],
    freeGoals: p.goals.filter((g) => !g.competency).map((g) => g.text).join('\n'),
  };
}
