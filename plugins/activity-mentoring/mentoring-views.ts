/** Page and API shapes of pairs and sessions (names looked up once per page). */
import type { PersonRef } from './mentoring-service';
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
