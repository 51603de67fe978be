/**
 * Attendance: a participant checks in by opening the URL of the organiser's rotating code
 * (checkin-codes.ts), or the organiser marks them by hand (audited). Once the attended share of
 * sessions meets the event's rule, the participant is credited the event's JP (classical; the
 * ledger keys it by person and event, so once) and a job issues the certificate of attendance
 * through certificate-openbadges (signing happens on a worker, never in a request).
 * A scanned code is refused when it is expired, for another session, not genuine, or replayed (the
 * same person presenting a code they used already: a claim per person and code).
 */
import { randomBytes } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { SessionUser } from '../../src/identity/session-user';
import type { Claims } from '../../src/kernel/claims';
import { Errors } from '../../src/kernel/errors';
import { EVENT_ATTENDED } from '../../src/learning/training-events';
import { codeFor, periodOf, verifyCode } from './checkin-codes';
import { EventErrors } from './event-errors';
import type { AttendanceDoc, EventDoc, SecretDoc } from './event-models';
import type { EventService } from './event-service';

/**
 * The ledger's name for attending one event: the attendance credit and the certificate of
 * attendance both carry it, so the event's JP is counted once (ADR 0043).
 */
export function eventLearningKey(eventId: string): string {
  return `event:${eventId}`;
}

export interface CertifyJob { eventId: string; userId: string }

export class AttendanceService {
  private secret?: string;

  constructor(
    private ctx: PluginContext,
    private events: EventService,
    readonly Attendance: Model<AttendanceDoc>,
    private Secret: Model<SecretDoc>,
    private claims: Claims,
  ) {}

  get seconds(): number {
    return (this.ctx.settings as { codeSeconds?: number }).codeSeconds ?? 30;
  }

  /** The HMAC key: the setting, else one random key per install kept in the database (made once). */
  async key(): Promise<string> {
    if (this.secret) return this.secret;
    const configured = (this.ctx.settings as { checkinSecret?: string }).checkinSecret;
    if (configured) return (this.secret = configured);
    const fresh = randomBytes(32).toString('base64url');
    await this.Secret.updateOne({ _id: 'checkin' }, { $setOnInsert: { value: fresh } }, { upsert: true }).catch((e) => {
      if ((e as { code?: number }).code !== 11000) throw e;
    });
    const stored = await this.Secret.findById('checkin').lean();
    return (this.secret = stored!.value);
  }

  session(event: EventDoc, key: string) {
    const s = event.sessions.find((x) => x.key === key);
    if (!s) throw Errors.notFound('Session not found');
    return s;
  }

  /** The code on the organiser's screen now, as the URL a phone opens. */
  async currentCode(event: EventDoc, sessionKey: string): Promise<{ url: string; period: number; expiresAt: Date }> {
    this.session(event, sessionKey);
    const now = this.ctx.clock.now();
    const period = periodOf(now, this.seconds);
    const code = codeFor(await this.key(), String(event._id), sessionKey, period);
    return { url: `${this.ctx.site.publicUrl}/${this.ctx.id}/checkin/${event._id}/${sessionKey}?p=${period}&c=${code}`, period, expiresAt: new Date((period + 1) * this.seconds * 1000) };
  }

  async checkIn(user: SessionUser, eventId: string, sessionKey: string, period: number, code: string): Promise<{ already: boolean; event: EventDoc }> {
    const { event } = await this.events.eventFor(user, eventId);
    this.session(event, sessionKey);
    const verdict = verifyCode({ secret: await this.key(), eventId, sessionKey, period, code, now: this.ctx.clock.now(), seconds: this.seconds, sessionKeys: event.sessions.map((s) => s.key) });
    if (verdict === 'expired') throw EventErrors.codeExpired('This code has expired; scan the code on the screen now');
    if (verdict === 'other-session') throw EventErrors.codeOtherSession('This code belongs to another session of the event');
    if (verdict === 'invalid') throw EventErrors.codeInvalid('This is not a valid check-in code');
    if ((await this.events.stateOf(event._id, user.id)) !== 'registered') throw EventErrors.notRegistered('Only registered participants can check in');
    if (!(await this.claims.claim(`code-${user.id}-${eventId}-${sessionKey}-${period}`))) throw EventErrors.codeReplayed('This code was used already; scan the code on the screen now');
    const already = !(await this.record(event, sessionKey, user.id, 'qr'));
    await this.evaluate(event, user.id);
    return { already, event };
  }

  /** The organiser marks a participant present or not; every change is audited. */
  async mark(actor: SessionUser, eventId: string, sessionKey: string, userId: string, present: boolean): Promise<void> {
    const event = await this.events.organisedEvent(actor, eventId);
    this.session(event, sessionKey);
    if ((await this.events.stateOf(event._id, userId)) !== 'registered') throw EventErrors.notRegistered('Only registered participants can be marked');
    let changed: boolean;
    if (present) changed = await this.record(event, sessionKey, userId, 'manual', actor.id);
    else changed = (await this.Attendance.deleteOne({ eventId: event._id, sessionKey, userId })).deletedCount > 0;
    if (!changed) return;
    await this.ctx.audit.record({
      action: present ? 'activity-event:audit.markedPresent' : 'activity-event:audit.markedAbsent', actorId: actor.id,
      subject: { type: 'event-attendance', id: `${eventId}-${sessionKey}-${userId}` }, before: { present: !present }, after: { present }, args: { title: event.title, session: sessionKey },
    });
    if (present) await this.evaluate(event, userId);
  }

  /** True when this call recorded the attendance (false: it was recorded already). */
  private async record(event: EventDoc, sessionKey: string, userId: string, method: 'qr' | 'manual', by?: string): Promise<boolean> {
    try {
      await this.Attendance.create({ eventId: event._id, sessionKey, userId, method, ...(by ? { by } : {}), at: this.ctx.clock.now() });
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 11000) return false;
      throw e;
    }
  }

  async attendedKeys(eventId: Types.ObjectId | string, userId: string): Promise<string[]> {
    return (await this.Attendance.find({ eventId, userId }, { sessionKey: 1 }).lean()).map((a) => a.sessionKey);
  }

  ruleMet(event: EventDoc, attended: number): boolean {
    return event.sessions.length > 0 && attended * 100 >= event.minAttendancePct * event.sessions.length;
  }

  /** Credits JP and asks for the certificate once the rule is met (both idempotent). */
  async evaluate(event: EventDoc, userId: string): Promise<boolean> {
    const attended = (await this.attendedKeys(event._id, userId)).length;
    if (!this.ruleMet(event, attended)) return false;
    const provider = await this.events.Provider.findById(event.providerId, { name: 1 }).lean();
    const first = event.sessions[0]!;
    const last = event.sessions[event.sessions.length - 1]!;
    await this.ctx.jp.credit({
      userId, source: 'event', sourceId: String(event._id), learningKey: eventLearningKey(String(event._id)), title: event.title, kind: event.kind, provider: provider?.name ?? 'Bina',
      startDate: first.startsAt, endDate: last.endsAt, jp: event.jp, evidence: { kind: 'record', ref: `/${this.ctx.id}/events/${event._id}` },
    });
    await this.ctx.jobs.enqueue('certify', { eventId: String(event._id), userId } satisfies CertifyJob, { key: `certify-${event._id}-${userId}` });
    // For plugins that follow up an attended training (the reaction survey); listeners key it, as it may come again.
    await this.ctx.events.emit(EVENT_ATTENDED, { eventId: String(event._id), userId, title: event.title, href: `/${this.ctx.id}/events/${event._id}` });
    return true;
  }

  async credited(eventId: string, userId: string): Promise<boolean> {
    const event = await this.events.Event.findById(eventId).lean();
    return Boolean(event && this.ruleMet(event, (await this.attendedKeys(event._id, userId)).length));
  }
}
