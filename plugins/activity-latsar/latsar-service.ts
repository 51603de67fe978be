/**
 * Latsar actualisation. Each participant has a mentor (their direct supervisor by default), a
 * coach (a widyaiswara) and a penguji; each of them, and the participant, sees that participant,
 * and nobody else does (404). The stages move forward by conditional updates on the stage:
 * plan → plan-review (participant uploads the plan) → implementing (the coach approves it) →
 * report-review (the report is uploaded) → seminar (the coach schedules it) → scored (the penguji
 * scores the rubric once; a claim per participant picks the one score).
 */
import { createHash } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { SessionUser } from '../../src/identity/session-user';
import { nameWithTitles } from '../../src/identity/asn-lists';
import type { Claims } from '../../src/kernel/claims';
import { Errors, defineError } from '../../src/kernel/errors';
import { objectId } from '../../src/kernel/object-id';
import { rubricResult, type Band, type Criterion } from './latsar-result';
import type { CommentDoc, ParticipantDoc, Stage } from './latsar-models';

export const CAP_TAKE = 'activity-latsar:take';
export const CAP_MANAGE = 'activity-latsar:manage';
export type Role = 'participant' | 'mentor' | 'coach' | 'penguji' | 'admin';

export const LatsarErrors = {
  stage: defineError('BINA_ERR_LATSAR_STAGE', 409, 'activity-latsar:errors.stage'),
  notPdf: defineError('BINA_ERR_LATSAR_NOT_PDF', 415, 'activity-latsar:errors.notPdf'),
  tooLarge: defineError('BINA_ERR_LATSAR_TOO_LARGE', 413, 'activity-latsar:errors.tooLarge'),
  fileMissing: defineError('BINA_ERR_LATSAR_FILE_MISSING', 400, 'activity-latsar:upload.missing'),
  role: defineError('BINA_ERR_LATSAR_ROLE', 403, 'activity-latsar:errors.role'),
};

export const enrolInput = z.strictObject({
  userId: objectId, cohort: z.string().trim().min(1).max(60),
  /** Absent: the participant's direct supervisor. */
  mentorId: objectId.optional(), coachId: objectId, pengujiId: objectId,
});
export const scoresInput = z.strictObject({ scores: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), z.number().int().min(0).max(100)) });
export const seminarInput = z.strictObject({ at: z.iso.datetime({ offset: true }), place: z.string().trim().min(1).max(300) });

export class LatsarService {
  constructor(private ctx: PluginContext, readonly Participant: Model<ParticipantDoc>, readonly Comment: Model<CommentDoc>, private claims: Claims) {}

  private identity = () => this.ctx.use<IdentityService>('identity');
  get rubric(): Criterion[] { return (this.ctx.settings as { rubric: Criterion[] }).rubric; }
  get bands(): Band[] { return (this.ctx.settings as { bands: Band[] }).bands; }

  async enrol(actor: SessionUser, raw: z.input<typeof enrolInput>): Promise<ParticipantDoc> {
    this.ctx.authz.require(actor, CAP_MANAGE);
    const input = enrolInput.parse(raw);
    const person = await this.identity().models.User.findById(input.userId).lean();
    if (!person) throw Errors.notFound('Participant not found');
    const mentorId = input.mentorId ?? (person.supervisorId ? String(person.supervisorId) : undefined);
    if (!mentorId) throw Errors.validation('The participant has no direct supervisor; name a mentor', { details: [{ path: 'mentorId', message: 'required' }] });
    const ids = [input.userId, mentorId, input.coachId, input.pengujiId];
    if (new Set(ids).size !== ids.length) throw Errors.validation('Participant, mentor, coach and penguji are four different people', { details: [{ path: 'pengujiId', message: 'same person twice' }] });
    if ((await this.identity().models.User.countDocuments({ _id: { $in: ids } })) !== 4) throw Errors.notFound('Person not found');
    try {
      const p = await this.Participant.create({ userId: input.userId, cohort: input.cohort, mentorId, coachId: input.coachId, pengujiId: input.pengujiId, stage: 'plan', createdAt: this.ctx.clock.now() });
      await this.ctx.audit.record({ action: 'activity-latsar:audit.enrolled', actorId: actor.id, subject: { type: 'latsar-participant', id: String(p._id) }, after: { userId: input.userId, mentorId, coachId: input.coachId, pengujiId: input.pengujiId }, args: { name: person.name } });
      return p.toObject();
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw Errors.conflict('This person is enrolled in this cohort already');
      throw e;
    }
  }

  rolesOf(user: SessionUser, p: ParticipantDoc): Role[] {
    const roles: Role[] = [];
    if (String(p.userId) === user.id) roles.push('participant');
    if (String(p.mentorId) === user.id) roles.push('mentor');
    if (String(p.coachId) === user.id) roles.push('coach');
    if (String(p.pengujiId) === user.id) roles.push('penguji');
    if (this.ctx.authz.can(user, CAP_MANAGE)) roles.push('admin');
    return roles;
  }

  async participantFor(user: SessionUser, id: string): Promise<{ p: ParticipantDoc; roles: Role[] }> {
    const p = await this.Participant.findById(id).lean();
    const roles = p ? this.rolesOf(user, p) : [];
    if (!p || !roles.length) throw Errors.notFound('Participant not found');
    return { p, roles };
  }

  /** Each role's own participants (admins: all). */
  async mine(user: SessionUser): Promise<Record<'participant' | 'mentor' | 'coach' | 'penguji', ParticipantDoc[]>> {
    const me = new Types.ObjectId(user.id);
    const [participant, mentor, coach, penguji] = await Promise.all([
      this.Participant.find({ userId: me }).lean(), this.Participant.find({ mentorId: me }).lean(), this.Participant.find({ coachId: me }).lean(), this.Participant.find({ pengujiId: me }).lean(),
    ]);
    return { participant, mentor, coach, penguji };
  }

  private need(roles: Role[], role: Role): void {
    if (!roles.includes(role) && !roles.includes('admin')) throw LatsarErrors.role(`Only the ${role} may do this`, { details: { role } });
  }

  private async move(p: ParticipantDoc, from: Stage[], set: Record<string, unknown>): Promise<void> {
    const r = await this.Participant.updateOne({ _id: p._id, stage: { $in: from } }, { $set: set });
    if (r.matchedCount === 0) throw LatsarErrors.stage(`Not possible at stage ${p.stage}`, { details: { stage: p.stage } });
  }

  /** The participant uploads the plan (stage plan or plan-review: a new version) or the report (implementing or report-review). */
  async upload(user: SessionUser, id: string, which: 'plan' | 'report', name: string, body: AsyncIterable<Buffer>, declared: number): Promise<ParticipantDoc> {
    const { p, roles } = await this.participantFor(user, id);
    if (!roles.includes('participant')) throw LatsarErrors.role('Only the participant uploads', { details: { role: 'participant' } });
    const allowed: Stage[] = which === 'plan' ? ['plan', 'plan-review'] : ['implementing', 'report-review'];
    if (!allowed.includes(p.stage)) throw LatsarErrors.stage(`Not possible at stage ${p.stage}`, { details: { stage: p.stage } });
    const max = ((this.ctx.settings as { maxFileMB?: number }).maxFileMB ?? 20) * 1024 * 1024;
    if (declared > max) throw LatsarErrors.tooLarge('The file is too large');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of body) {
      size += c.length;
      if (size > max) throw LatsarErrors.tooLarge('The file is too large');
      chunks.push(c);
    }
    const data = Buffer.concat(chunks);
    if (data.subarray(0, 5).toString('latin1') !== '%PDF-') throw LatsarErrors.notPdf('Upload a PDF');
    const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
    const key = `participants/${p._id}/${which}-${hash}.pdf`;
    await this.ctx.storage.put(key, data);
    const ref = { key, name: name.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120) || `${which}.pdf`, size: data.length, at: this.ctx.clock.now() };
    await this.move(p, allowed, { [which]: ref, stage: which === 'plan' ? 'plan-review' : 'report-review' });
    return (await this.Participant.findById(p._id).lean())!;
  }

  async comment(user: SessionUser, id: string, text: string): Promise<void> {
    const { p, roles } = await this.participantFor(user, id);
    if (!roles.includes('coach') && !roles.includes('mentor') && !roles.includes('admin')) throw LatsarErrors.role('Only the coach or mentor comments', { details: { role: 'coach' } });
    await this.Comment.create({ participantId: p._id, authorId: user.id, stage: p.stage, text, at: this.ctx.clock.now() });
  }

  async approvePlan(user: SessionUser, id: string): Promise<void> {
    const { p, roles } = await this.participantFor(user, id);
    this.need(roles, 'coach');
    await this.move(p, ['plan-review'], { stage: 'implementing' });
    await this.ctx.audit.record({ action: 'activity-latsar:audit.planApproved', actorId: user.id, subject: { type: 'latsar-participant', id }, before: { stage: 'plan-review' }, after: { stage: 'implementing' } });
  }

  async schedule(user: SessionUser, id: string, at: Date, place: string): Promise<void> {
    const { p, roles } = await this.participantFor(user, id);
    this.need(roles, 'coach');
    await this.move(p, ['report-review', 'seminar'], { stage: 'seminar', seminarAt: at, seminarPlace: place });
  }

  async score(user: SessionUser, id: string, scores: Record<string, number>): Promise<ParticipantDoc> {
    const { p, roles } = await this.participantFor(user, id);
    if (!roles.includes('penguji')) throw LatsarErrors.role('Only the penguji scores', { details: { role: 'penguji' } });
    if (p.stage !== 'seminar') throw LatsarErrors.stage(`Not possible at stage ${p.stage}`, { details: { stage: p.stage } });
    const missing = this.rubric.filter((c) => scores[c.key] === undefined).map((c) => c.key);
    const extra = Object.keys(scores).filter((k) => !this.rubric.some((c) => c.key === k));
    if (missing.length || extra.length) throw Errors.validation('Score every criterion of the rubric', { details: [...missing, ...extra].map((k) => ({ path: `scores.${k}`, message: missing.includes(k) ? 'missing' : 'not in the rubric' })) });
    const r = rubricResult(this.rubric, this.bands, scores);
    if (!(await this.claims.claim(`scored-${id}`))) throw LatsarErrors.stage('Scored already', { details: { stage: 'scored' } });
    const result = { score: r.score, band: r.band.id, passed: r.band.passed, at: this.ctx.clock.now() };
    await this.Participant.updateOne({ _id: p._id }, { $set: { stage: 'scored', scores: this.rubric.map((c) => ({ key: c.key, score: scores[c.key]! })), result } });
    await this.ctx.audit.record({ action: 'activity-latsar:audit.scored', actorId: user.id, subject: { type: 'latsar-participant', id }, before: { stage: 'seminar' }, after: { score: r.score, band: r.band.id, passed: r.band.passed }, args: { score: String(r.score), band: r.band.id } });
    return (await this.Participant.findById(p._id).lean())!;
  }

  async names(ids: Array<Types.ObjectId | string>): Promise<Map<string, string>> {
    const rows = await this.identity().models.User.find({ _id: { $in: ids } }, { name: 1, frontTitle: 1, backTitle: 1 }).lean();
    return new Map(rows.map((u) => [String(u._id), nameWithTitles(u)]));
  }
}
