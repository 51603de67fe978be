/**
 * Providers, events and registration.
 * - An organiser is staff of the event's provider (a unit, or an external provider such as a
 *   university); admins (`activity-event:manage`) organise all. Everyone else sees an event only
 *   when it is published, and an organiser sees no other provider's unpublished event or its
 *   participants (404, not 403).
 * - Registration: one registration per person (unique key); a seat is taken by inserting one of
 *   the seat numbers 1..capacity (unique per event and per person), so concurrent registrations
 *   never exceed capacity; whoever finds no free seat waits, in registration order. A cancellation
 *   frees its seat, which the first person waiting takes by the same insert, and they are told
 *   (`activity-event.registration.promoted`, the inbox).
 * - Editing an event never un-seats anyone: when the capacity goes below the people seated, the
 *   seats above it are moved down into free numbers (one conditional update each, guarded by the
 *   unique seat key) and those left above stay seated; nobody new is seated until the count is
 *   below the capacity again. A raised capacity seats the people waiting, in order, and tells
 *   them. A session with attendance cannot be removed; kept sessions keep their keys, so
 *   attendance and check-in codes stay bound to them. A changed time or place is told to everyone
 *   registered, once per change (schedule-change.ts).
 */
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { POSITION_TYPES } from '../../src/identity/asn-lists';
import { UnitTree } from '../../src/identity/unit-tree';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { EventErrors } from './event-errors';
import { enqueueChangeNotices, scheduleChangeOf } from './schedule-change';
import { EVENT_KINDS, type AttendanceDoc, type EventDoc, type EventSessionDoc, type ProviderDoc, type RegistrationDoc, type SeatDoc } from './event-models';

export const CAP_ATTEND = 'activity-event:attend';
export const CAP_MANAGE = 'activity-event:manage';

export const providerInput = z.strictObject({
  name: z.string().trim().min(2).max(200),
  kind: z.enum(['unit', 'external']),
  unitId: objectId.optional(),
  staffIds: z.array(objectId).max(50).default([]),
});

const sessionInput = z.strictObject({
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  place: z.string().trim().max(300).default(''),
  link: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(500)]).default(''),
});

export const eventInput = z.strictObject({
  providerId: objectId,
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(5000).default(''),
  kind: z.enum(EVENT_KINDS),
  jp: z.number().positive().max(200),
  competencies: z.array(z.string().trim().min(1).max(40)).max(10).default([]),
  capacity: z.number().int().min(1).max(10_000),
  restrictUnitIds: z.array(objectId).max(50).default([]),
  restrictPositionTypes: z.array(z.enum(POSITION_TYPES)).max(POSITION_TYPES.length).default([]),
  minAttendancePct: z.number().int().min(1).max(100).default(100),
  sessions: z.array(sessionInput).min(1).max(20),
  published: z.boolean().default(true),
});
export type EventInput = z.input<typeof eventInput>;

/** An edit: everything but the provider; a session row names the key of the session it changes. */
export const eventEditInput = eventInput.omit({ providerId: true }).extend({
  sessions: z.array(sessionInput.extend({ key: z.string().regex(/^s\d{1,2}$/).optional() })).min(1).max(20),
});
export type EventEditInput = z.input<typeof eventEditInput>;

/** What an edit did to the people registered, for the organiser's page and the API. */
export interface EditEffects {
  /** People seated above the new capacity, who keep their seats. */
  overCapacity: number;
  /** People moved from the waiting list into seats the edit opened. */
  promoted: number;
}

const MAX_SESSION_KEY = 99;

export type RegistrationState = 'registered' | 'waiting' | 'cancelled' | 'none';

export class EventService {
  constructor(
    readonly ctx: PluginContext,
    readonly Provider: Model<ProviderDoc>,
    readonly Event: Model<EventDoc>,
    readonly Registration: Model<RegistrationDoc>,
    readonly Seat: Model<SeatDoc>,
    readonly Attendance: Model<AttendanceDoc>,
  ) {}

  identity = () => this.ctx.use<IdentityService>('identity');

  isManager(user: SessionUser): boolean {
    return this.ctx.authz.can(user, CAP_MANAGE);
  }

  async providersOf(user: SessionUser): Promise<ProviderDoc[]> {
    return this.isManager(user) ? this.Provider.find({}).sort({ name: 1 }).lean() : this.Provider.find({ staffIds: new Types.ObjectId(user.id) }).sort({ name: 1 }).lean();
  }

  async createProvider(actor: SessionUser, input: z.infer<typeof providerInput>): Promise<ProviderDoc> {
    this.ctx.authz.require(actor, CAP_MANAGE);
    const p = await this.Provider.create({ ...input, createdAt: this.ctx.clock.now() });
    await this.ctx.audit.record({ action: 'activity-event:audit.providerCreated', actorId: actor.id, subject: { type: 'event-provider', id: String(p._id) }, after: { name: input.name, kind: input.kind, staffIds: input.staffIds }, args: { name: input.name } });
    return p.toObject();
  }

  async addStaff(actor: SessionUser, providerId: string, userId: string): Promise<void> {
    this.ctx.authz.require(actor, CAP_MANAGE);
    const r = await this.Provider.updateOne({ _id: providerId }, { $addToSet: { staffIds: new Types.ObjectId(userId) } });
    if (r.matchedCount === 0) throw Errors.notFound('Provider not found');
    await this.ctx.audit.record({ action: 'activity-event:audit.staffAdded', actorId: actor.id, subject: { type: 'event-provider', id: providerId }, after: { userId }, args: { userId } });
  }

  async canOrganise(user: SessionUser, e: Pick<EventDoc, 'providerId'>): Promise<boolean> {
    if (this.isManager(user)) return true;
    return Boolean(await this.Provider.exists({ _id: e.providerId, staffIds: new Types.ObjectId(user.id) }));
  }

  async createEvent(actor: SessionUser, raw: EventInput): Promise<EventDoc> {
    const input = eventInput.parse(raw);
    if (!(await this.canOrganise(actor, { providerId: new Types.ObjectId(input.providerId) }))) throw EventErrors.notProviderStaff('You organise no events of this provider', { details: [{ path: 'providerId', message: 'not staff' }] });
    const sessions = checkedSessions(input.sessions.map((s) => ({ key: '', startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), place: s.place, link: s.link })));
    sessions.forEach((s, i) => (s.key = `s${i + 1}`));
    const e = await this.Event.create({ ...input, sessions, createdBy: actor.id, createdAt: this.ctx.clock.now() });
    await this.ctx.audit.record({ action: 'activity-event:audit.eventCreated', actorId: actor.id, subject: { type: 'event', id: String(e._id) }, after: { title: input.title, capacity: input.capacity, jp: input.jp }, args: { title: input.title } });
    return e.toObject();
  }

  /** Changes an event its organiser (or an admin) may manage; see the file's note for what it does to registrations. */
  async updateEvent(actor: SessionUser, eventId: string, raw: EventEditInput): Promise<{ event: EventDoc; effects: EditEffects }> {
    const input = eventEditInput.parse(raw);
    const before = await this.organisedEvent(actor, eventId);
    const known = new Set(before.sessions.map((s) => s.key));
    const kept = new Set(input.sessions.map((s) => s.key).filter((k): k is string => Boolean(k && known.has(k))));
    if (kept.size !== input.sessions.filter((s) => s.key && known.has(s.key)).length) throw EventErrors.sessions('A session appears twice', { details: [{ path: 'sessions', message: 'duplicate key' }] });
    const removed = before.sessions.filter((s) => !kept.has(s.key)).map((s) => s.key);
    if (removed.length && (await this.Attendance.exists({ eventId: before._id, sessionKey: { $in: removed } }))) {
      throw EventErrors.sessionAttended('A session that people attended cannot be removed', { details: [{ path: 'sessions', message: 'attended' }] });
    }
    // New sessions take the lowest keys not kept (a removed session had no attendance to confuse).
    const free = Array.from({ length: MAX_SESSION_KEY }, (_, i) => `s${i + 1}`).filter((k) => !kept.has(k));
    const sessions = checkedSessions(
      input.sessions.map((s) => ({ key: s.key && kept.has(s.key) ? s.key : free.shift()!, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), place: s.place, link: s.link })),
    );
    const { sessions: _rows, ...fields } = input;
    // A new time or place is news for everyone registered: the change is saved with the edit (schedule-change.ts).
    const change = scheduleChangeOf(before.sessions, sessions, this.ctx.clock.now());
    const event = await this.Event.findOneAndUpdate({ _id: before._id }, { $set: { ...fields, sessions, ...(change ? { scheduleChange: change } : {}) } }, { new: true }).lean();
    if (!event) throw Errors.notFound('Event not found');
    const seatedBefore = await this.Seat.countDocuments({ eventId: event._id });
    if (event.capacity < before.capacity) await this.compact(event);
    const waitingBefore = (await this.participants(event)).waiting.length;
    await this.fill(event);
    const after = await this.participants(event);
    const effects = { overCapacity: Math.max(0, after.registered.length - event.capacity), promoted: Math.max(0, waitingBefore - after.waiting.length) };
    if (change) await enqueueChangeNotices(this.ctx, String(event._id), change);
    await this.ctx.audit.record({
      action: 'activity-event:audit.eventUpdated', actorId: actor.id, subject: { type: 'event', id: String(event._id) },
      before: { title: before.title, jp: before.jp, capacity: before.capacity, competencies: before.competencies, sessions: before.sessions.length, seated: seatedBefore },
      after: { title: event.title, jp: event.jp, capacity: event.capacity, competencies: event.competencies, sessions: event.sessions.length, ...effects },
      args: { title: event.title },
    });
    return { event, effects };
  }

  /**
   * Moves seats numbered above the capacity into free numbers at or below it, highest first. Each
   * move is one conditional update; the unique (event, seat) key refuses a number a concurrent
   * registration just took, and the next free one is tried. Whoever cannot move keeps their seat.
   */
  async compact(event: EventDoc): Promise<void> {
    const seats = await this.Seat.find({ eventId: event._id }, { seat: 1 }).sort({ seat: -1 }).lean();
    const taken = new Set(seats.map((s) => s.seat));
    let hole = 1;
    for (const s of seats.filter((x) => x.seat > event.capacity)) {
      for (;;) {
        while (hole <= event.capacity && taken.has(hole)) hole++;
        if (hole > event.capacity) return;
        taken.add(hole);
        try {
          await this.Seat.updateOne({ _id: s._id, seat: s.seat }, { $set: { seat: hole } });
          break;
        } catch (e) {
          if ((e as { code?: number }).code !== 11000) throw e;
        }
      }
    }
  }

  /** An event the user may see: published, or organised by them. 404 otherwise. */
  async eventFor(user: SessionUser, eventId: string): Promise<{ event: EventDoc; organiser: boolean }> {
    const event = await this.Event.findById(eventId).lean();
    if (event) {
      const organiser = await this.canOrganise(user, event);
      if (event.published || organiser) return { event, organiser };
    }
    throw Errors.notFound('Event not found');
  }

  async organisedEvent(user: SessionUser, eventId: string): Promise<EventDoc> {
    const { event, organiser } = await this.eventFor(user, eventId);
    if (!organiser) throw Errors.notFound('Event not found');
    return event;
  }

  async organisedBy(user: SessionUser): Promise<EventDoc[]> {
    if (this.isManager(user)) return this.Event.find({}).sort({ createdAt: -1 }).limit(200).lean();
    const providers = await this.providersOf(user);
    return this.Event.find({ providerId: { $in: providers.map((p) => p._id) } }).sort({ createdAt: -1 }).limit(200).lean();
  }

  async published(): Promise<EventDoc[]> {
    return this.Event.find({ published: true }).sort({ createdAt: -1 }).limit(200).lean();
  }

  /** Whether the person may register (the event's unit and position restrictions). */
  async mayRegister(user: SessionUser, e: EventDoc): Promise<boolean> {
    if (!e.restrictUnitIds.length && !e.restrictPositionTypes.length) return true;
    const me = await this.identity().models.User.findById(user.id, { unitId: 1, positionType: 1 }).lean();
    if (e.restrictUnitIds.length) {
      if (!me?.unitId) return false;
      const allowed = (await UnitTree.load(this.identity().models.Unit)).subtree(e.restrictUnitIds.map(String));
      if (!allowed.has(String(me.unitId))) return false;
    }
    if (e.restrictPositionTypes.length && !(me?.positionType && e.restrictPositionTypes.includes(me.positionType))) return false;
    return true;
  }

  async stateOf(eventId: Types.ObjectId | string, userId: string): Promise<RegistrationState> {
    const [reg, seat] = await Promise.all([this.Registration.findOne({ eventId, userId }).lean(), this.Seat.exists({ eventId, userId })]);
    if (seat) return 'registered';
    if (!reg) return 'none';
    return reg.cancelled ? 'cancelled' : 'waiting';
  }

  async register(user: SessionUser, eventId: string): Promise<RegistrationState> {
    const { event } = await this.eventFor(user, eventId);
    if (!event.published) throw EventErrors.notOpen('This event is not open for registration');
    const last = event.sessions[event.sessions.length - 1];
    if (last && last.endsAt <= this.ctx.clock.now()) throw EventErrors.notOpen('This event is over');
    if (!(await this.mayRegister(user, event))) throw EventErrors.restricted('This event is open to other units or positions');
    const now = this.ctx.clock.now();
    try {
      await this.Registration.create({ eventId: event._id, userId: user.id, at: now, cancelled: false });
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      // Registered before: a cancelled registration comes back at the end of the queue.
      await this.Registration.updateOne({ eventId: event._id, userId: user.id, cancelled: true }, { $set: { cancelled: false, at: now } });
    }
    if (await this.Seat.exists({ eventId: event._id, userId: user.id })) return 'registered';
    // Nobody jumps the queue: with people waiting, a newcomer waits too (a freed seat goes to the first of them).
    if (!(await this.waitingAhead(event._id, user.id, now)) && (await this.takeSeat(event, user.id))) return 'registered';
    // Waiting: seats freed meanwhile, or left by concurrent registrants who queued behind someone
    // not yet seated, go to the people waiting, in order (maybe this one).
    await this.fill(event, user.id);
    return (await this.Seat.exists({ eventId: event._id, userId: user.id })) ? 'registered' : 'waiting';
  }

  /** Gives every free seat to the first people waiting; `quiet` is not told (they see the answer). */
  async fill(event: EventDoc, quiet?: string): Promise<void> {
    const taken = new Set((await this.Seat.find({ eventId: event._id }, { seat: 1 }).lean()).map((s) => s.seat));
    for (let seat = 1; seat <= event.capacity; seat++) {
      if (taken.has(seat)) continue;
      if (!(await this.promote(event, seat, quiet))) {
        if (!(await this.Seat.exists({ eventId: event._id, seat }))) return; // nobody waiting
      }
    }
  }

  private async waitingAhead(eventId: Types.ObjectId, userId: string, at: Date): Promise<boolean> {
    const earlier = await this.Registration.find({ eventId, cancelled: false, at: { $lt: at }, userId: { $ne: new Types.ObjectId(userId) } }, { userId: 1 }).lean();
    if (!earlier.length) return false;
    const seated = await this.Seat.countDocuments({ eventId, userId: { $in: earlier.map((r) => r.userId) } });
    return seated < earlier.length;
  }

  /** Inserts a free seat number for the person; false when every seat is taken. */
  private async takeSeat(event: EventDoc, userId: string, only?: number): Promise<boolean> {
    const taken = new Set((await this.Seat.find({ eventId: event._id }, { seat: 1 }).lean()).map((s) => s.seat));
    const candidates = only !== undefined ? [only] : Array.from({ length: event.capacity }, (_, i) => i + 1).filter((n) => !taken.has(n));
    for (const seat of candidates) {
      try {
        await this.Seat.create({ eventId: event._id, seat, userId, at: this.ctx.clock.now() });
        return true;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        if (await this.Seat.exists({ eventId: event._id, userId })) return true; // seated by a concurrent request of theirs
      }
    }
    return false;
  }

  async cancel(user: SessionUser, eventId: string): Promise<void> {
    const { event } = await this.eventFor(user, eventId);
    const r = await this.Registration.updateOne({ eventId: event._id, userId: user.id, cancelled: false }, { $set: { cancelled: true } });
    if (r.matchedCount === 0) throw EventErrors.notRegistered('You are not registered for this event');
    const seat = await this.Seat.findOneAndDelete({ eventId: event._id, userId: user.id }).lean();
    if (!seat) return;
    // Over capacity (after an edit lowered it), a freed number goes to a seat above it, not to the queue.
    if (await this.Seat.exists({ eventId: event._id, seat: { $gt: event.capacity } })) await this.compact(event);
    else if (seat.seat <= event.capacity) await this.promote(event, seat.seat);
  }

  /** Gives a freed seat to the first person waiting, and tells them. */
  async promote(event: EventDoc, seat: number, quiet?: string): Promise<string | undefined> {
    const active = await this.Registration.find({ eventId: event._id, cancelled: false }).sort({ at: 1, _id: 1 }).lean();
    const seated = new Set((await this.Seat.find({ eventId: event._id }, { userId: 1 }).lean()).map((s) => String(s.userId)));
    for (const r of active) {
      if (seated.has(String(r.userId))) continue;
      try {
        await this.Seat.create({ eventId: event._id, seat, userId: r.userId, at: this.ctx.clock.now() });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        if (await this.Seat.exists({ eventId: event._id, seat, userId: { $ne: r.userId } })) return undefined; // someone else took the seat
        continue; // they hold a seat already
      }
      if (String(r.userId) !== quiet) await this.ctx.events.emit('activity-event.registration.promoted', { eventId: String(event._id), userId: String(r.userId), title: event.title, href: `/${this.ctx.id}/events/${event._id}` });
      return String(r.userId);
    }
    return undefined;
  }

  async participants(event: EventDoc) {
    const [regs, seats] = await Promise.all([this.Registration.find({ eventId: event._id, cancelled: false }).sort({ at: 1, _id: 1 }).lean(), this.Seat.find({ eventId: event._id }).lean()]);
    const seated = new Set(seats.map((s) => String(s.userId)));
    return { registered: regs.filter((r) => seated.has(String(r.userId))), waiting: regs.filter((r) => !seated.has(String(r.userId))) };
  }
}

/** Sessions in time order, each ending after it starts and with a place or an online link. */
function checkedSessions(sessions: EventSessionDoc[]): EventSessionDoc[] {
  if (sessions.some((s) => s.endsAt <= s.startsAt)) throw EventErrors.sessions('A session ends after it starts', { details: [{ path: 'sessions', message: 'ends before it starts' }] });
  if (sessions.some((s) => !s.place && !s.link)) throw EventErrors.sessions('A session has a place or an online link', { details: [{ path: 'sessions', message: 'place or link' }] });
  return sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
