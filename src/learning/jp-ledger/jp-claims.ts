/**
 * External JP claims: training done outside Bina, claimed by the ASN with evidence (a PDF or an
 * image in the file store) and decided by their direct supervisor or an admin (the
 * `learning:jp-claims-decide` capability in the `person` scope, held by the claimant's supervisor).
 * An approved claim is credited through the ledger's one write path (source `claim`, ADR 0043).
 *
 * Invariants: a claim is decided once (an exactly-once claim on `decide:<id>`, since FerretDB 1.x
 * lets two conditional updates of one document both match); a rejection carries a reason; nobody
 * decides their own claim; a duplicate (same person, provider and title, overlapping dates, of a
 * claim not rejected or of a ledger entry) is refused when submitted.
 */
import { randomUUID } from 'node:crypto';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { Claims, claimSchema, type ClaimDoc } from '../../kernel/claims';
import { Errors, defineError } from '../../kernel/errors';
import type { KernelServices } from '../../host/kernel-services';
import type { SessionUser } from '../../identity/session-user';
import type { UploadedFile } from '../../http/multipart-body';
import { i18nIssue } from '../../views/zod-messages';
import { JP_KIND_IDS, modeOf, type JpKind } from './jp-kinds';
import type { JpLedger } from './jp-ledger';

export const DECIDE = 'learning:jp-claims-decide';
export const CLAIM = 'learning:jp-claim';

export const ClaimErrors = {
  duplicate: defineError('BINA_ERR_JP_CLAIM_DUPLICATE', 409, 'jp.claim.error.duplicate'),
  decided: defineError('BINA_ERR_JP_CLAIM_DECIDED', 409, 'jp.claim.error.decided'),
  own: defineError('BINA_ERR_JP_CLAIM_OWN', 403, 'jp.claim.error.own'),
  evidence: defineError('BINA_ERR_JP_CLAIM_EVIDENCE', 400, 'jp.claim.error.evidence'),
};

export interface JpClaimDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  title: string;
  provider: string;
  kind: string;
  mode: 'klasikal' | 'nonklasikal';
  startDate: Date;
  endDate: Date;
  jp: number;
  /** Lower-case, spaces collapsed: what the duplicate rule compares. */
  titleKey: string;
  providerKey: string;
  evidence: { key: string; name: string; type: string; size: number };
  status: 'pending' | 'approved' | 'rejected';
  /** The claimant's direct supervisor when the claim was made (who is asked to decide). */
  supervisorId?: Types.ObjectId;
  decidedBy?: Types.ObjectId;
  decidedAt?: Date;
  reason?: string;
  entryId?: Types.ObjectId;
  createdAt: Date;
}

export function defineClaimModels(conn: Connection) {
  const schema = new Schema<JpClaimDoc>(
    {
      userId: { type: Schema.Types.ObjectId, required: true },
      title: { type: String, required: true },
      provider: { type: String, required: true },
      kind: { type: String, required: true },
      mode: { type: String, enum: ['klasikal', 'nonklasikal'], required: true },
      startDate: { type: Date, required: true },
      endDate: { type: Date, required: true },
      jp: { type: Number, required: true },
      titleKey: { type: String, required: true },
      providerKey: { type: String, required: true },
      evidence: { type: new Schema({ key: String, name: String, type: String, size: Number }, { _id: false }), required: true },
      status: { type: String, enum: ['pending', 'approved', 'rejected'], required: true },
      supervisorId: Schema.Types.ObjectId,
      decidedBy: Schema.Types.ObjectId,
      decidedAt: Date,
      reason: String,
      entryId: Schema.Types.ObjectId,
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  schema.index({ userId: 1, createdAt: -1 });
  schema.index({ status: 1, supervisorId: 1 });
  return {
    Claim: conn.model<JpClaimDoc>('learning_jp_claims', schema, 'learning_jp_claims'),
    Steps: conn.model<ClaimDoc>('learning_jp_claim_steps', claimSchema, 'learning_jp_claim_steps'),
  };
}

const day = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), i18nIssue('not a date', 'jp.claim.error.date'));

/** The claim form (also the API body): dates as `yyyy-mm-dd` in the claimant's zone. */
export const claimInput = z.strictObject({
  title: z.string().trim().min(3).max(300),
  provider: z.string().trim().min(2).max(300),
  kind: z.enum(JP_KIND_IDS),
  startDate: day,
  endDate: day,
  jp: z.coerce.number().positive().max(200),
}).refine((c) => c.endDate >= c.startDate, { ...i18nIssue('The end date is before the start date', 'jp.claim.error.endBeforeStart'), path: ['endDate'] });

export type ClaimInput = z.infer<typeof claimInput>;

export const decisionInput = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve') }),
  z.strictObject({ decision: z.literal('reject'), reason: z.string().trim().min(3).max(1000) }),
]);

/** PDF or image evidence, sniffed by content (the browser's type is not trusted). */
const EVIDENCE_TYPES: Array<{ type: string; ext: string; magic: (b: Buffer) => boolean }> = [
  { type: 'application/pdf', ext: 'pdf', magic: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'image/png', ext: 'png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', ext: 'jpg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/webp', ext: 'webp', magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

export const EVIDENCE_LIMIT = 10 * 1024 * 1024;

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** Midnight at the start (or the last millisecond) of a `yyyy-mm-dd` day in an Indonesian zone. */
export function dayBoundary(dayText: string, timeZone: string, end: boolean): Date {
  const offset = { 'Asia/Makassar': 8, 'Asia/Jayapura': 9 }[timeZone] ?? 7;
  const utc = Date.parse(`${dayText}T00:00:00Z`) - offset * 3600_000;
  return new Date(end ? utc + 24 * 3600_000 - 1 : utc);
}

export class JpClaims {
  readonly Claim: Model<JpClaimDoc>;
  private steps: Claims;

  constructor(private services: KernelServices, private ledger: JpLedger) {
    const m = defineClaimModels(services.conn);
    this.Claim = m.Claim;
    this.steps = new Claims(m.Steps, services.clock);
    services.models.add(m.Claim);
    services.models.add(m.Steps);
  }

  private users() {
    return this.services.conn.collection('identity_users');
  }

  /** Records a claim with its evidence; refuses a duplicate. Tells the supervisor (event). */
  async submit(user: SessionUser, input: ClaimInput, file: UploadedFile | undefined): Promise<JpClaimDoc> {
    if (!file || file.bytes.length === 0) throw ClaimErrors.evidence('Attach the evidence (a PDF or an image)', { details: [{ path: 'evidence', message: 'jp.claim.error.evidenceMissing' }] });
    if (file.bytes.length > EVIDENCE_LIMIT) throw Errors.payloadTooLarge('The evidence file is too large');
    const kind = EVIDENCE_TYPES.find((t) => t.magic(file.bytes));
    if (!kind) throw ClaimErrors.evidence('The evidence must be a PDF or an image (PNG, JPEG, WebP)', { details: [{ path: 'evidence', message: 'jp.claim.error.evidenceType' }] });
    const startDate = dayBoundary(input.startDate, user.timeZone, false);
    const endDate = dayBoundary(input.endDate, user.timeZone, true);
    if (endDate.getTime() > this.services.clock.now().getTime() + 24 * 3600_000) throw Errors.validation('The training must have ended', { details: [{ path: 'endDate', message: 'jp.claim.error.future' }] });
    const userId = new Types.ObjectId(user.id);
    const titleKey = norm(input.title);
    const providerKey = norm(input.provider);
    await this.refuseDuplicate(userId, titleKey, providerKey, startDate, endDate);
    const _id = new Types.ObjectId();
    const key = `learning/jp-claims/${_id}/${randomUUID()}.${kind.ext}`;
    await this.services.storage.put(key, file.bytes);
    const me = await this.users().findOne({ _id: userId }, { projection: { supervisorId: 1 } });
    const doc: JpClaimDoc = {
      _id, userId, title: input.title, provider: input.provider, kind: input.kind, mode: modeOf(input.kind as JpKind), startDate, endDate, jp: input.jp,
      titleKey, providerKey, evidence: { key, name: file.name.slice(0, 200) || `bukti.${kind.ext}`, type: kind.type, size: file.bytes.length },
      status: 'pending', ...(me?.supervisorId ? { supervisorId: me.supervisorId as Types.ObjectId } : {}), createdAt: this.services.clock.now(),
    };
    await this.Claim.create(doc);
    await this.services.audit.record('learning', { action: 'jp.audit.claimSubmitted', actorId: user.id, subject: { type: 'jp-claim', id: String(_id) }, after: { title: doc.title, jp: doc.jp } });
    await this.services.events.emit('learning.jp-claim.submitted', {
      claimId: String(_id), userId: user.id, claimant: user.name, ...(doc.supervisorId ? { supervisorId: String(doc.supervisorId) } : {}), title: doc.title, href: `/jp/claims/${_id}`,
    });
    return doc;
  }

  /** Same person, provider and title, overlapping dates: a claim not rejected, or a ledger entry. */
  private async refuseDuplicate(userId: Types.ObjectId, titleKey: string, providerKey: string, startDate: Date, endDate: Date): Promise<void> {
    const overlapping = { startDate: { $lte: endDate }, endDate: { $gte: startDate } };
    const claims = await this.Claim.find({ userId, ...overlapping }, { titleKey: 1, providerKey: 1, status: 1 }).lean();
    const clash = claims.find((c) => c.status !== 'rejected' && c.titleKey === titleKey && c.providerKey === providerKey);
    const entries = clash ? [] : await this.ledger.Entry.find({ userId, ...overlapping }, { title: 1, provider: 1 }).lean();
    const entry = entries.find((e) => norm(e.title) === titleKey && norm(e.provider) === providerKey);
    if (clash || entry) {
      throw ClaimErrors.duplicate('This training is claimed or credited already', { details: [{ path: 'title', message: 'jp.claim.error.duplicate' }], args: { status: clash?.status ?? 'approved' } });
    }
  }

  async get(claimId: string): Promise<JpClaimDoc> {
    const c = Types.ObjectId.isValid(claimId) ? await this.Claim.findById(claimId).lean() : null;
    if (!c) throw Errors.notFound('Claim not found');
    return c;
  }

  /** The claimant, their direct supervisor (now) and admins may see a claim and its evidence; unit heads of the claimant's unit too. */
  async requireViewer(user: SessionUser, c: JpClaimDoc, reportCap: string): Promise<void> {
    if (String(c.userId) === user.id) return;
    if (await this.services.authz.canIn(user, DECIDE, { type: 'person', id: String(c.userId) })) return;
    const owner = await this.users().findOne({ _id: c.userId }, { projection: { unitId: 1 } });
    if (owner?.unitId && (await this.services.authz.canIn(user, reportCap, { type: 'unit', id: String(owner.unitId) }))) return;
    throw Errors.forbidden('Not your claim');
  }

  async mayDecide(user: SessionUser, c: JpClaimDoc): Promise<boolean> {
    return String(c.userId) !== user.id && (await this.services.authz.canIn(user, DECIDE, { type: 'person', id: String(c.userId) }));
  }

  /** Approves (and credits) or rejects with a reason; once. */
  async decide(user: SessionUser, claimId: string, d: z.infer<typeof decisionInput>): Promise<JpClaimDoc> {
    const c = await this.get(claimId);
    if (String(c.userId) === user.id) throw ClaimErrors.own('You cannot decide your own claim');
    await this.services.authz.requireIn(user, DECIDE, { type: 'person', id: String(c.userId) });
    if (c.status !== 'pending' || !(await this.steps.claim(`decide:${claimId}`, { outcome: d.decision }))) throw ClaimErrors.decided('This claim has been decided already');
    const now = this.services.clock.now();
    const status = d.decision === 'approve' ? 'approved' : 'rejected';
    await this.Claim.updateOne({ _id: c._id }, { $set: { status, decidedBy: new Types.ObjectId(user.id), decidedAt: now, ...(d.decision === 'reject' ? { reason: d.reason } : {}) } });
    const decided = { ...c, status, decidedBy: new Types.ObjectId(user.id), decidedAt: now, ...(d.decision === 'reject' ? { reason: d.reason } : {}) } as JpClaimDoc;
    if (status === 'approved') await this.credit(decided);
    await this.services.audit.record('learning', {
      action: status === 'approved' ? 'jp.audit.claimApproved' : 'jp.audit.claimRejected', actorId: user.id, subject: { type: 'jp-claim', id: claimId },
      before: { status: 'pending' }, after: { status, ...(decided.reason ? { reason: decided.reason } : {}) },
    });
    await this.services.events.emit('learning.jp-claim.decided', { claimId, userId: String(c.userId), status, title: c.title, href: `/jp/claims/${claimId}` });
    return decided;
  }

  /** Credits an approved claim (idempotent: the ledger counts a claim once). Also repairs one whose credit was interrupted. */
  async credit(c: JpClaimDoc): Promise<void> {
    const r = await this.ledger.credit({
      userId: String(c.userId), source: 'claim', sourceId: String(c._id), title: c.title, kind: c.kind as JpKind, provider: c.provider,
      startDate: c.startDate, endDate: c.endDate, jp: c.jp, evidence: { kind: 'file', ref: c.evidence.key, name: c.evidence.name },
    }, 'core');
    if (!c.entryId) await this.Claim.updateOne({ _id: c._id }, { $set: { entryId: new Types.ObjectId(r.entryId) } });
  }

  /** Approved claims whose credit was interrupted (a crash between decision and credit): credit them now. */
  async repair(userId: string): Promise<void> {
    const stuck = await this.Claim.find({ userId: new Types.ObjectId(userId), status: 'approved', entryId: { $exists: false } }).lean();
    for (const c of stuck) await this.credit(c);
  }

  mine(userId: string): Promise<JpClaimDoc[]> {
    return this.Claim.find({ userId: new Types.ObjectId(userId) }).sort({ createdAt: -1 }).limit(200).lean();
  }

  /** Pending claims of these people (a unit head's or an admin's list). */
  pendingOf(userIds: Types.ObjectId[] | 'all'): Promise<JpClaimDoc[]> {
    return this.Claim.find({ status: 'pending', ...(userIds === 'all' ? {} : { userId: { $in: userIds } }) }).sort({ createdAt: 1 }).limit(500).lean();
  }

  /** Pending claims this person is asked to decide: of the people they directly supervise now. */
  async pendingForSupervisor(supervisorId: string): Promise<JpClaimDoc[]> {
    const staff = await this.users().find({ supervisorId: new Types.ObjectId(supervisorId) }, { projection: { _id: 1 } }).toArray();
    if (!staff.length) return [];
    return this.Claim.find({ status: 'pending', userId: { $in: staff.map((s) => s._id) } }).sort({ createdAt: 1 }).limit(500).lean();
  }
}
