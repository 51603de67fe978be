/** Page and API shapes of events. */
import type { EventDoc, ProviderDoc } from './event-models';

export function eventView(e: EventDoc, provider?: Pick<ProviderDoc, 'name' | 'kind'> | null) {
  return {
    id: String(e._id),
    title: e.title,
    description: e.description,
    kind: e.kind,
    jp: e.jp,
    competencies: e.competencies,
    capacity: e.capacity,
    minAttendancePct: e.minAttendancePct,
    restricted: e.restrictUnitIds.length > 0 || e.restrictPositionTypes.length > 0,
    restrictPositionTypes: e.restrictPositionTypes,
    published: e.published,
    provider: provider ? { name: provider.name, kind: provider.kind } : null,
    startsAt: e.sessions[0]?.startsAt ?? null,
    sessions: e.sessions.map((s) => ({ key: s.key, startsAt: s.startsAt, endsAt: s.endsAt, place: s.place, link: s.link })),
  };
}
