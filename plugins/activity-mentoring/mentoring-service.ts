/**
 * Mentoring rules in one place, for the API and the pages:
 * - a mentee's mentor defaults to their direct supervisor; an admin, or a unit head over the
 *   mentee's unit, may assign another senior ASN (not the mentee, an active PNS/PPPK, of no lower
 *   golongan when both have one);
 * - a mentee has one current pair (a unique key, see mentoring-models.ts);
 * - either side logs a session and the other side confirms it: nobody confirms what they logged;
 * - a confirmation (the mentor's sign-off of what the mentee logged, or the mentee's confirmation
 *   of what the mentor logged and so attested) credits the mentee minutes ÷ minutes-per-JP once:
 *   a claim per session picks the one confirmer, and the ledger keys the credit by the session.
 * - goals may name a competency (its code, from the catalogue); the pages offer the mentee's
 *   current gaps from the core competency service (the JPM's gaps) to pick from, and show each
 *   linked goal with the mentee's level against the position's standard;
 * Whoever is not in a pair gets a 404 for it, not a 403 that would confirm it exists.
 */
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { UserDoc } from '../../src/identity/identity-models';
import type { SessionUser } from '../../src/identity/session-user';
import { PNS_GOLONGAN, PPPK_GOLONGAN, nameWithTitles } from '../../src/identity/asn-lists';
import { UnitTree } from '../../src/identity/unit-tree';
import { Errors } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { roundFraction } from '../../src/learning/exact-rounding';
import type { Claims } from '../../src/kernel/claims';
import { MentoringErrors } from './mentoring-errors';
import { creditMentoringJp } from './jp-credit';
import type { CompetencyService } from '../../src/learning/competency/competency-service';
import type { LearningService } from '../../src/learning/learning-service';
import type { GoalDoc, PairDoc, SessionDoc } from './mentoring-models';

export const CAP_TAKE = 'activity-mentoring:take';
export const CAP_ASSIGN = 'activity-mentoring:assign';

const day = z.iso.date();
export const goalInput = z.strictObject({ text: z.string().trim().min(1).max(500), competency: z.string().trim().max(50).optional() });
export const pairInput = z.strictObject({
  menteeId: objectId,
  /** Absent: the mentee's direct supervisor. */
  mentorId: objectId.optional(),
  startsOn: day,
  endsOn: day,
  goals: z.array(goalInput).max(20).default([]),
});
export type PairInput = z.infer<typeof pairInput>;

export const sessionInput = z.strictObject({
  heldAt: z.iso.datetime({ offset: true }),
  minutes: z.number().int().min(1).max(1440),
  topic: z.string().trim().min(1).max(300),
  /** The logger's own part: the mentor's notes or the mentee's reflection. */
  notes: z.string().trim().max(5000).default(''),
  clientKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});
export type SessionInput = z.infer<typeof sessionInput>;

export const confirmInput = z.strictObject({ notes: z.string().trim().max(5000).default('') });

export const goalsInput = z.strictObject({ goals: z.array(goalInput).max(20) });

export interface PersonRef { id: string; name: string; nip?: string; positionName?: string }

/** A competency the mentee lacks for their position (the JPM's gap), offered as a goal. */
export interface GapOption { code: string; name: string; current: number; required: number }

export interface MenteeCompetencies {
  gaps: GapOption[];
  /** Level now, and the position's required level when the standard names the competency. */
  levels: Map<string, { current: number; required?: number }>;
}

export class MentoringService {
  constructor(
    private ctx: PluginContext,
    private Pair: Model<PairDoc>,
    private Session: Model<SessionDoc>,
    private claims: Claims,
  ) {}

  private identity = () => this.ctx.use<IdentityService>('identity');

  get minutesPerJp(): number {
    return (this.ctx.settings as { minutesPerJp?: number }).minutesPerJp ?? this.ctx.site.jpMinutes;
  }

  jpFor(minutes: number): number {
    return roundFraction(BigInt(minutes), BigInt(this.minutesPerJp), 2);
  }

  async people(ids: Array<string | Types.ObjectId>): Promise<Map<string, PersonRef>> {
    const rows = await this.identity().models.User.find({ _id: { $in: ids } }, { name: 1, frontTitle: 1, backTitle: 1, nip: 1, positionName: 1 }).lean();
    return new Map(rows.map((u) => [String(u._id), { id: String(u._id), name: nameWithTitles(u), nip: u.nip, positionName: u.positionName }]));
  }

  async user(id: string): Promise<UserDoc | null> {
    return this.identity().models.User.findById(id).lean();
  }

  /** Admin anywhere, or a unit head over the person's unit. */
  async canAssignFor(actor: SessionUser, person: Pick<UserDoc, 'unitId'>): Promise<boolean> {
    if (this.ctx.authz.can(actor, CAP_ASSIGN)) return true;
    if (!actor.unitHeadOf?.length || !person.unitId) return false;
    return (await UnitTree.load(this.identity().models.Unit)).subtree(actor.unitHeadOf).has(String(person.unitId));
  }

  isAssigner(actor: SessionUser): boolean {
    return this.ctx.authz.can(actor, CAP_ASSIGN) || Boolean(actor.unitHeadOf?.length);
  }

  /** Creates a pair after checking who may make it and the mentor's fitness. */
  async createPair(actor: SessionUser, input: PairInput): Promise<PairDoc> {
    if (input.endsOn < input.startsOn) throw MentoringErrors.period('The period ends before it starts', { details: [{ path: 'endsOn', message: 'before startsOn' }] });
    const mentee = await this.user(input.menteeId);
    if (!mentee || !mentee.active) throw Errors.notFound('Mentee not found');
    const assigner = await this.canAssignFor(actor, mentee);
    const supervisorId = mentee.supervisorId ? String(mentee.supervisorId) : undefined;
    const mentorId = input.mentorId ?? supervisorId;
    if (!mentorId) throw MentoringErrors.noSupervisor('The mentee has no direct supervisor; an admin or unit head assigns a mentor', { details: [{ path: 'mentorId', message: 'no supervisor' }] });
    const bySupervisorRule = mentorId === supervisorId;
    // Without the assigning role, only the default pair (mentee and their supervisor), made by one of the two.
    if (!assigner && !(bySupervisorRule && (actor.id === input.menteeId || actor.id === supervisorId))) {
      throw Errors.forbidden('Only an admin or the unit head assigns a mentor other than the direct supervisor', { details: { capability: CAP_ASSIGN } });
    }
    if (mentorId === input.menteeId) throw MentoringErrors.selfMentor('A person cannot mentor themselves', { details: [{ path: 'mentorId', message: 'the mentee' }] });
    const mentor = await this.user(mentorId);
    if (!mentor || !mentor.active) throw Errors.notFound('Mentor not found');
    if (mentor.kind === 'staff') throw MentoringErrors.notAsn('A mentor is an ASN (PNS or PPPK)', { details: [{ path: 'mentorId', message: 'not an ASN' }] });
    if (!bySupervisorRule && !isSenior(mentor, mentee)) throw MentoringErrors.notSenior('The mentor must be of no lower rank than the mentee', { details: [{ path: 'mentorId', message: 'lower golongan' }] });
    await this.checkGoalCompetencies(input.goals);
    const now = this.ctx.clock.now();
    try {
      const pair = await this.Pair.create({
        menteeId: mentee._id, mentorId: mentor._id, unitId: mentee.unitId, source: bySupervisorRule ? 'supervisor' : 'assigned',
        startsOn: input.startsOn, endsOn: input.endsOn, goals: input.goals, current: String(mentee._id), createdBy: actor.id, createdAt: now,
      });
      await this.ctx.audit.record({ action: 'activity-mentoring:audit.pairCreated', actorId: actor.id, subject: { type: 'mentoring-pair', id: String(pair._id) }, after: { menteeId: input.menteeId, mentorId, source: pair.source }, args: { mentee: mentee.name, mentor: mentor.name } });
      return pair.toObject();
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw MentoringErrors.pairExists('The mentee already has a current mentor; end that pair first');
      throw e;
    }
  }

  /**
   * The mentee's competency gaps for their position (largest first; none without a position
   * standard), and their level in every competency of their profile, for showing linked goals.
   */
  async gapsOf(menteeId: string | Types.ObjectId): Promise<MenteeCompetencies> {
    const p = await this.ctx.use<CompetencyService>('competency').profile(String(menteeId), false);
    const names = new Map(p.rows.map((r) => [r.code, r.name]));
    return {
      gaps: (p.jpm?.gaps ?? []).map((g) => ({ code: g.competency, name: names.get(g.competency) ?? g.competency, current: g.current, required: g.required })),
      levels: new Map(p.rows.map((r) => [r.code, { current: r.current, required: r.required }])),
    };
  }

  /** A goal's competency must be one of the catalogue's (the pages offer the mentee's gaps). */
  private async checkGoalCompetencies(goals: GoalDoc[]): Promise<void> {
    const codes = [...new Set(goals.map((g) => g.competency).filter((c): c is string => Boolean(c)))];
    if (!codes.length) return;
    const known = await this.ctx.use<LearningService>('learning').models.Competency.countDocuments({ code: { $in: codes } });
    if (known !== codes.length) throw MentoringErrors.goalCompetency('A goal names a competency that is not in the catalogue', { details: [{ path: 'goals', message: 'unknown competency' }] });
  }

  /** The mentor, the mentee (or an assigner) sets the goals of a current pair. */
  async setGoals(user: SessionUser, pairId: string, goals: GoalDoc[]): Promise<PairDoc> {
    const { pair } = await this.pairFor(user, pairId);
    await this.checkGoalCompetencies(goals);
    const clean = goals.map((g) => (g.competency ? { text: g.text, competency: g.competency } : { text: g.text }));
    const r = await this.Pair.updateOne({ _id: pair._id, current: String(pair.menteeId) }, { $set: { goals: clean } });
    if (r.matchedCount === 0) throw MentoringErrors.pairEnded('This pair has ended already');
    await this.ctx.audit.record({
      action: 'activity-mentoring:audit.goalsSet', actorId: user.id, subject: { type: 'mentoring-pair', id: pairId },
      before: { goals: pair.goals.map((g) => g.competency ?? g.text) }, after: { goals: clean.map((g) => g.competency ?? g.text) },
    });
    return (await this.Pair.findById(pair._id).lean())!;
  }

  async endPair(actor: SessionUser, pairId: string): Promise<void> {
    const pair = await this.Pair.findById(pairId).lean();
    if (!pair || !(await this.canAssignFor(actor, { unitId: pair.unitId }))) throw Errors.notFound('Pair not found');
    const r = await this.Pair.updateOne({ _id: pair._id, current: String(pair.menteeId) }, { $set: { current: `ended-${pair._id}`, endedAt: this.ctx.clock.now() } });
    if (r.matchedCount === 0) throw MentoringErrors.pairEnded('This pair has ended already');
    await this.ctx.audit.record({ action: 'activity-mentoring:audit.pairEnded', actorId: actor.id, subject: { type: 'mentoring-pair', id: pairId }, before: { current: true }, after: { current: false } });
  }

  /** A pair the user is in (or may assign for), else 404. */
  async pairFor(user: SessionUser, pairId: string): Promise<{ pair: PairDoc; side: 'mentor' | 'mentee' | 'assigner' }> {
    const pair = await this.Pair.findById(pairId).lean();
    if (pair) {
      if (String(pair.mentorId) === user.id) return { pair, side: 'mentor' };
      if (String(pair.menteeId) === user.id) return { pair, side: 'mentee' };
      if (await this.canAssignFor(user, { unitId: pair.unitId })) return { pair, side: 'assigner' };
    }
    throw Errors.notFound('Pair not found');
  }

  async currentPairOf(menteeId: string): Promise<PairDoc | null> {
    return this.Pair.findOne({ current: menteeId }).lean();
  }

  /** Current pairs matching `filter` (the assign page: all, or a unit head's units). */
  async currentPairs(filter: Record<string, unknown>): Promise<PairDoc[]> {
    const rows = await this.Pair.find(filter).sort({ createdAt: -1 }).limit(500).lean();
    return rows.filter((p) => p.current === String(p.menteeId));
  }

  async pairsAsMentor(userId: string): Promise<PairDoc[]> {
    return this.Pair.find({ mentorId: userId }).sort({ createdAt: -1 }).lean();
  }

  async sessionsOf(pairId: string | Types.ObjectId): Promise<SessionDoc[]> {
    return this.Session.find({ pairId }).sort({ heldAt: -1 }).lean();
  }

  /** Sessions waiting for this person: the other side logged them, and they are in the pair. */
  async waitingFor(userId: string): Promise<SessionDoc[]> {
    return this.Session.find({
      state: 'pending',
      $or: [{ mentorId: userId, loggedAs: 'mentee' }, { menteeId: userId, loggedAs: 'mentor' }],
    }).sort({ heldAt: 1 }).lean();
  }

  async sessionsBetween(userId: string, from: Date, to: Date): Promise<SessionDoc[]> {
    return this.Session.find({ $or: [{ mentorId: userId }, { menteeId: userId }], heldAt: { $gte: from, $lt: to } }).sort({ heldAt: 1 }).lean();
  }

  async logSession(user: SessionUser, pairId: string, input: SessionInput): Promise<SessionDoc> {
    const { pair, side } = await this.pairFor(user, pairId);
    if (side === 'assigner') throw Errors.notFound('Pair not found');
    if (pair.current !== String(pair.menteeId)) throw MentoringErrors.pairEnded('This pair has ended; sessions cannot be logged any more');
    const max = (this.ctx.settings as { maxSessionMinutes?: number }).maxSessionMinutes ?? 480;
    if (input.minutes > max) throw Errors.validation(`A session lasts at most ${max} minutes`, { details: [{ path: 'minutes', message: `at most ${max}` }] });
    const heldAt = new Date(input.heldAt);
    if (heldAt.getTime() > this.ctx.clock.now().getTime() + 24 * 3600_000) throw Errors.validation('A session is logged after it took place', { details: [{ path: 'heldAt', message: 'in the future' }] });
    const existing = await this.Session.findOne({ loggedBy: user.id, clientKey: input.clientKey }).lean();
    if (existing) return existing;
    try {
      return (
        await this.Session.create({
          pairId: pair._id, menteeId: pair.menteeId, mentorId: pair.mentorId, heldAt, minutes: input.minutes, topic: input.topic,
          mentorNotes: side === 'mentor' ? input.notes : '', menteeReflection: side === 'mentee' ? input.notes : '',
          loggedBy: user.id, loggedAs: side, clientKey: input.clientKey, state: 'pending', createdAt: this.ctx.clock.now(),
        })
      ).toObject();
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      return (await this.Session.findOne({ loggedBy: user.id, clientKey: input.clientKey }).lean())!;
    }
  }

  async sessionFor(user: SessionUser, sessionId: string): Promise<{ session: SessionDoc; side: 'mentor' | 'mentee' | 'assigner' }> {
    const session = await this.Session.findById(sessionId).lean();
    if (!session) throw Errors.notFound('Session not found');
    const { side } = await this.pairFor(user, String(session.pairId));
    return { session, side };
  }

  /** The other side confirms; the mentee is credited the session's JP once. */
  async confirm(user: SessionUser, sessionId: string, notes: string): Promise<SessionDoc> {
    const { session, side } = await this.sessionFor(user, sessionId);
    if (side === 'assigner' || String(session.loggedBy) === user.id) {
      throw MentoringErrors.ownSession('A session is confirmed by the other side of the pair, not by who logged it');
    }
    if (session.state === 'signed') throw MentoringErrors.alreadySigned('This session is signed off already');
    const key = `signed-${sessionId}`;
    if (!(await this.claims.claim(key))) throw MentoringErrors.alreadySigned('This session is signed off already');
    const now = this.ctx.clock.now();
    const jp = this.jpFor(session.minutes);
    try {
      await creditMentoringJp(this.ctx, { userId: String(session.menteeId), jp, sessionId, pairId: String(session.pairId), title: session.topic, heldAt: session.heldAt, minutes: session.minutes });
    } catch (e) {
      await this.claims.release(key);
      throw e;
    }
    const part = side === 'mentor' ? { mentorNotes: notes || session.mentorNotes } : { menteeReflection: notes || session.menteeReflection };
    await this.Session.updateOne({ _id: session._id }, { $set: { ...part, state: 'signed', confirmedBy: user.id, confirmedAt: now, jp } });
    await this.ctx.audit.record({ action: 'activity-mentoring:audit.sessionSigned', actorId: user.id, subject: { type: 'mentoring-session', id: sessionId }, before: { state: 'pending' }, after: { state: 'signed', jp }, args: { topic: session.topic, jp: String(jp) } });
    await this.ctx.events.emit('activity-mentoring.session.signed', { sessionId, userId: String(session.menteeId), mentorId: String(session.mentorId), jp, title: session.topic, href: `/activity-mentoring/pairs/${session.pairId}` });
    return (await this.Session.findById(session._id).lean())!;
  }
}

/** Golongan order within PNS or PPPK; unknown or mixed kinds are not compared. */
function rankOf(u: Pick<UserDoc, 'kind' | 'golongan'>): number | undefined {
  if (!u.golongan) return undefined;
  const list: readonly string[] = u.kind === 'pns' ? PNS_GOLONGAN.map((g) => g.code) : u.kind === 'pppk' ? PPPK_GOLONGAN : [];
  const i = list.indexOf(u.golongan);
  return i < 0 ? undefined : i;
}

export function isSenior(mentor: Pick<UserDoc, 'kind' | 'golongan'>, mentee: Pick<UserDoc, 'kind' | 'golongan'>): boolean {
  if (mentor.kind !== mentee.kind) return true;
  const a = rankOf(mentor);
  const b = rankOf(mentee);
  return a === undefined || b === undefined || a >= b;
}
