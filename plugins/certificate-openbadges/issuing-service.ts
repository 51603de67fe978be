/**
 * Issuing, reissuing, revoking and bulk-issuing certificates. Every signature and every PDF is
 * made here, inside worker jobs (`issue`, `reissue`, `bulk-issue`, `publish-status-list`), never in
 * a request: requests only check, record intent and enqueue with a deterministic job id.
 *
 * Invariants:
 * - Exactly one certificate per achievement and learner: the row is reserved first (state
 *   `pending`) under the unique index (achievementId, userId, seq); a second event, a duplicate
 *   job or a job re-run after its lock expired finds the row and at most finishes it.
 * - Each step is idempotent, so a job can stop anywhere and run again: signing is deterministic
 *   (Ed25519 signatures are, and the proof is dated at the issue date), rendering is too, so two
 *   racing runs write the very same credential and PDF. Side effects that must happen once
 *   (audit, event, counting) are gated by a claim (claims.ts), never by a conditional update:
 *   FerretDB 1.x can let two concurrent conditional updates both "match".
 * - The credential is built from a snapshot taken at reservation (learner name, achievement,
 *   competency, JP), and the PDF is printed from the signed credential, so what is printed is
 *   exactly what is signed.
 * - Revoking and superseding write the certificate's state before asking for a new status list;
 *   the signed list is then republished by a job (status-list-store.ts).
 */
import { randomInt } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import { BinaError, Errors } from '../../src/kernel/errors';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import { creditCertificateJp } from './jp-credit';
import type { CertificatePdfService } from '../certificate-pdf/api';
import type { AchievementService } from './achievement-service';
import type { Claims } from '../../src/kernel/claims';
import { buildOpenBadgeCredential, CredentialInputError, generateSalt, type OpenBadgeInput } from './build-credential';
import { CertErrors } from './certificate-errors';
import type { AchievementDoc, BulkDoc, CertificateDoc, CertificateState, PdfFileDoc, RequirementType } from './certificate-models';
import type { DocumentLoader } from './document-loader';
import type { KeyStore } from './key-store';
import { certificateDataFromCredential } from './pdf-data';
import type { AgencySettingsStore } from './agency-settings';
import type { RegisterNumbers } from './register-number';
import { UnitTree } from '../../src/identity/unit-tree';
import { signCredential } from './sign-credential';
import { CURRENT_LIST, type StatusListStore } from './status-list-store';
import { newVerifyCode } from './verify-code';

export type IssueMode = 'rule' | 'manual' | 'bulk';

export interface IssueJob {
  achievementId: string;
  userId: string;
  mode: IssueMode;
  actorId?: string;
  reason?: string;
  bulkId?: string;
}

export type IssueOutcome = 'issued' | 'exists' | 'not-earned' | 'skipped';

export interface IssuingDeps {
  ctx: PluginContext;
  Cert: Model<CertificateDoc>;
  PdfFile: Model<PdfFileDoc>;
  Bulk: Model<BulkDoc>;
  claims: Claims;
  achievements: AchievementService;
  keys: KeyStore;
  lists: StatusListStore;
  loader: DocumentLoader;
  pdf: () => CertificatePdfService;
  identity: () => IdentityService;
  learning: () => LearningService;
  agency: AgencySettingsStore;
  registers: RegisterNumbers;
}

const GROUP_LABEL: Record<string, string> = { teknis: 'Teknis', manajerial: 'Manajerial', sosial_kultural: 'Sosial Kultural' };
const NIP_RE = /^\d{18}$/;

/** Bytes of a Buffer field as read with lean() (the driver's Binary) or as a Buffer. */
export function bufferOf(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  const b = v as { buffer?: unknown; value?: () => Uint8Array };
  if (b && b.buffer instanceof Uint8Array) return Buffer.from(b.buffer);
  if (b && typeof b.value === 'function') return Buffer.from(b.value());
  throw new Error('not binary data');
}

function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime());
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  // 31 Jan + 1 month = 28/29 Feb, not 3 Mar.
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return out;
}

export class IssuingService {
  constructor(private deps: IssuingDeps) {}

  private get ctx() {
    return this.deps.ctx;
  }

  verifyUrl(code: string): string {
    return `${this.ctx.site.publicUrl}/verify/${code}`;
  }

  achievementUrl(achievementId: string): string {
    return `${this.ctx.site.publicUrl}/verify/achievements/${achievementId}`;
  }

  /** The holder's unit and the instansi at the top of its tree (absent when the unit is the instansi). */
  private async unitOf(unitId: unknown): Promise<{ unit?: string; instansi?: string }> {
    if (!unitId) return {};
    const tree = await UnitTree.load(this.deps.identity().models.Unit);
    let node = tree.byId.get(String(unitId));
    if (!node) return {};
    const unit = node.name;
    const seen = new Set<string>();
    while (node.parentId && tree.byId.has(node.parentId) && !seen.has(node.id)) {
      seen.add(node.id);
      node = tree.byId.get(node.parentId)!;
    }
    return node.name === unit ? { unit } : { unit, instansi: node.name };
  }

  // ---- rules ------------------------------------------------------------------------------------

  /**
   * A learner met a requirement (an event said so). Records it for every achievement it counts
   * for and enqueues the issue job of those whose rule is now met. Duplicates change nothing.
   */
  async onRequirementMet(type: RequirementType, refId: string, userId: string, source: { id: string; href: string }): Promise<number> {
    if (!Types.ObjectId.isValid(userId)) return 0;
    let enqueued = 0;
    for (const a of await this.deps.achievements.forRequirement(type, refId)) {
      await this.deps.achievements.recordEarning(a, userId, type, refId, source, this.ctx.clock.now());
      if (await this.deps.achievements.ruleMet(a, userId)) {
        await this.ctx.jobs.enqueue('issue', { achievementId: String(a._id), userId, mode: 'rule' } satisfies IssueJob, { key: `issue-${a._id}-${userId}` });
        enqueued++;
      }
    }
    return enqueued;
  }

  // ---- the issue job ----------------------------------------------------------------------------

  async processIssue(job: IssueJob): Promise<IssueOutcome> {
    const a = await this.deps.achievements.Achievement.findById(job.achievementId).lean();
    if (!a) return 'skipped';
    if (job.mode === 'rule') {
      if (a.archived) return 'skipped';
      if (!(await this.deps.achievements.ruleMet(a, job.userId))) return 'not-earned';
    }
    const existing = await this.deps.Cert.findOne({ achievementId: a._id, userId: job.userId, seq: 0 }).lean();
    if (existing && existing.state !== 'pending') return 'exists';
    const reserved = existing ?? (await this.reserve(a, job.userId, 0, {
      kind: job.mode,
      actorId: job.actorId ? new Types.ObjectId(job.actorId) : undefined,
      reason: job.reason,
      bulkId: job.bulkId ? new Types.ObjectId(job.bulkId) : undefined,
    }));
    if (!reserved) return 'skipped';
    const { transitioned } = await this.complete(reserved);
    return transitioned || reserved.state === 'pending' ? 'issued' : 'exists';
  }

  /**
   * Reserves the certificate row (state `pending`): fixes the code, the status-list position, the
   * salt, the issue date and the snapshot the credential will be built from. Returns the row that
   * holds the (achievement, learner, seq) slot, whoever reserved it.
   */
  async reserve(a: AchievementDoc, userId: string, seq: number, origin: CertificateDoc['origin'], replaces?: Types.ObjectId): Promise<CertificateDoc | undefined> {
    const user = await this.deps.identity().models.User.findById(userId).lean();
    if (!user) return undefined;
    const competency = await this.deps.learning().models.Competency.findOne({ code: a.competency.code }).lean();
    const template = await this.deps.pdf().templates.resolve(a.templateId).catch(() => this.deps.pdf().templates.resolve(this.deps.pdf().defaultTemplateId(a.locale)));
    const now = this.ctx.clock.now();
    const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const earned = await this.deps.achievements.earnings(a._id, userId);
    const best = earned[0];
    const requirement = best && a.requirements.find((r) => r.type === best.type && r.refId === best.refId);
    const base = this.ctx.site.publicUrl;
    const evidence: CertificateDoc['evidence'] = best && requirement
      ? {
        kind: best.type,
        title: requirement.title,
        // Earnings from before `href` was recorded point at the course or the achievement.
        url: best.href ? `${base}${best.href}` : best.type === 'course' ? `${base}/courses/${best.sourceId}` : this.achievementUrl(String(a._id)),
      }
      : { kind: 'manual', title: a.name, url: this.achievementUrl(String(a._id)) };
    const listLength = await this.deps.lists.length(CURRENT_LIST);
    const agency = await this.deps.agency.get();
    const units = await this.unitOf(user.unitId);
    for (let attempt = 0; attempt < 12; attempt++) {
      try {
        const doc = await this.deps.Cert.create({
          achievementId: a._id,
          userId: user._id,
          seq,
          code: newVerifyCode(),
          statusList: CURRENT_LIST,
          // Random, not sequential: positions must not reveal issue order or volume.
          statusIndex: randomInt(0, listLength),
          state: 'pending',
          subject: { name: user.name, ...(user.nip ? { nip: user.nip } : {}), ...(user.unitId ? { unitId: user.unitId } : {}) },
          achievement: {
            name: a.name,
            description: a.description,
            criteria: a.criteria,
            achievementType: a.achievementType,
            competency: {
              code: a.competency.code,
              name: competency?.name ?? a.competency.code,
              group: GROUP_LABEL[competency?.group ?? ''] ?? 'Teknis',
              level: a.competency.level,
            },
            jp: a.jp,
          },
          salt: generateSalt(),
          issuedAt,
          ...(a.validityMonths ? { validUntil: addMonths(issuedAt, a.validityMonths) } : {}),
          evidence,
          origin,
          render: {
            templateId: template.ref.id,
            templateVersion: template.ref.version,
            locale: a.locale,
            timeZone: this.ctx.site.defaultTimeZone,
            issuerName: agency.issuerName,
            ...(agency.place ? { place: agency.place } : {}),
            ...units,
            ...(agency.signatory ? { signatory: agency.signatory } : {}),
            ...(agency.registerPattern ? { registerPattern: agency.registerPattern } : {}),
          },
          ...(replaces ? { replaces } : {}),
          createdAt: now,
        });
        return doc.toObject();
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        const holder = await this.deps.Cert.findOne({ achievementId: a._id, userId: user._id, seq }).lean();
        if (holder) return holder;
        // Otherwise the random code or status position collided: draw again.
      }
    }
    throw CertErrors.statusListFull('No free position in the status list');
  }

  /** The OB3 input for a reserved certificate: a pure function of the stored row. */
  credentialInput(c: CertificateDoc): OpenBadgeInput {
    const locale = c.render.locale;
    const t = (key: string, args?: Record<string, unknown>) => this.ctx.i18n.t(locale, key, args);
    const site = this.ctx.site;
    return {
      id: this.verifyUrl(c.code),
      name: c.achievement.name,
      issuer: { did: this.deps.keys.did, name: c.render.issuerName, url: site.publicUrl },
      subject: {
        name: c.subject.name,
        ...(c.subject.nip && NIP_RE.test(c.subject.nip) ? { nip: c.subject.nip, identityType: 'ext:NIP' as const } : {}),
        salt: c.salt,
      },
      achievement: {
        id: this.achievementUrl(String(c.achievementId)),
        name: c.achievement.name,
        description: c.achievement.description,
        criteriaNarrative: `${c.achievement.criteria}\n\n${t('credential.jpNote', { jp: c.achievement.jp, minutes: site.jpMinutes })}`,
        achievementType: c.achievement.achievementType,
        competency: {
          code: c.achievement.competency.code,
          name: c.achievement.competency.name,
          group: c.achievement.competency.group,
          level: c.achievement.competency.level,
        },
        jp: c.achievement.jp,
      },
      validFrom: c.issuedAt,
      ...(c.validUntil ? { validUntil: c.validUntil } : {}),
      evidence: {
        id: c.evidence.url,
        name: t(`credential.evidenceName.${c.evidence.kind}`),
        narrative: t(`credential.evidence.${c.evidence.kind}`, { title: c.evidence.title }),
      },
      status: { index: c.statusIndex, listUrl: this.deps.lists.listUrl(c.statusList) },
    };
  }

  /**
   * Signs, renders and marks issued, skipping the steps already done. Returns the row and whether
   * this call made the `pending → issued` transition (which is audited and announced once).
   */
  async complete(reserved: CertificateDoc): Promise<{ certificate: CertificateDoc; transitioned: boolean }> {
    let c = reserved;
    if (c.render.registerPattern && !c.render.registerNumber) {
      // Numbered before the PDF is made, exactly once per certificate (register-number.ts).
      const number = await this.deps.registers.assign(c._id, c.render.registerPattern, c.issuedAt, c.render.timeZone, this.ctx.clock.now());
      await this.deps.Cert.updateOne({ _id: c._id, 'render.registerNumber': { $exists: false } }, { $set: { 'render.registerNumber': number } });
      c = (await this.deps.Cert.findById(c._id).lean())!;
    }
    if (!c.credentialJson) {
      const keyPair = await this.deps.keys.activeKeyPair();
      const unsigned = buildOpenBadgeCredential(this.credentialInput(c));
      // Dated at the issue date, not "now": the signature is then a pure function of the row and
      // the key, so a racing or re-run job produces byte-identical credentials.
      const signed = await signCredential(unsigned, keyPair, this.deps.loader, { now: c.issuedAt });
      await this.deps.Cert.updateOne({ _id: c._id, credentialJson: { $exists: false } }, { $set: { credentialJson: JSON.stringify(signed), keyId: keyPair.id } });
      c = (await this.deps.Cert.findById(c._id).lean())!;
    }
    if (!c.pdf) {
      const rendered = await this.render(c);
      try {
        await this.deps.PdfFile.updateOne({ _id: c._id }, { $setOnInsert: { issued: rendered.pdf } }, { upsert: true });
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
      }
      let stored = bufferOf((await this.deps.PdfFile.findById(c._id).lean())!.issued);
      if (!stored.equals(rendered.pdf)) {
        // A racing run stored its render first. Renders are deterministic, so this happens only if
        // it rendered another credential (a key rotation in between); the stored credential wins.
        const latest = (await this.deps.Cert.findById(c._id).lean())!;
        if (latest.credentialJson === c.credentialJson) {
          await this.deps.PdfFile.updateOne({ _id: c._id }, { $set: { issued: rendered.pdf } });
          stored = rendered.pdf;
        }
      }
      await this.deps.Cert.updateOne(
        { _id: c._id, pdf: { $exists: false } },
        { $set: { pdf: { sha256: this.deps.pdf().sha256Hex(stored), size: stored.length, rendererVersion: rendered.rendererVersion } } },
      );
    }
    await this.deps.Cert.updateOne({ _id: c._id, state: 'pending' }, { $set: { state: 'issued' } });
    c = (await this.deps.Cert.findById(c._id).lean())!;
    // Its JP, once per learning (idempotent, so a retried job credits nothing twice; a certificate
    // of a course already credited adds nothing, ADR 0043).
    const attests = (await this.deps.achievements.Achievement.findById(c.achievementId, { learningKey: 1 }).lean())?.learningKey;
    await creditCertificateJp(this.ctx, this.deps.learning(), c, (await this.deps.achievements.earnings(c.achievementId, String(c.userId)))[0], attests);
    await this.recordCompetency(c);
    const transitioned = await this.deps.claims.claim(`issued:${c._id}`);
    if (transitioned) {
      try {
        await this.ctx.audit.record({
          action: 'certificate-openbadges:audit.issued',
          actorId: c.origin.actorId ? String(c.origin.actorId) : undefined,
          subject: { type: 'certificate', id: String(c._id) },
          after: { state: 'issued', achievementId: String(c.achievementId), userId: String(c.userId), origin: c.origin.kind, sha256: c.pdf?.sha256, keyId: c.keyId },
          args: { achievement: c.achievement.name, name: c.subject.name, origin: c.origin.kind, reason: c.origin.reason ?? '' },
        });
      } catch (e) {
        await this.deps.claims.release(`issued:${c._id}`);
        throw e;
      }
      await this.ctx.events.emit(`${this.ctx.id}.certificate.issued`, { certificateId: String(c._id), achievementId: String(c.achievementId), achievementName: c.achievement.name, userId: String(c.userId), code: c.code, href: `/${this.ctx.id}/me`, competency: { code: c.achievement.competency.code, level: c.achievement.competency.level } });
      await this.ctx.certificates.issued({ certificateId: String(c._id), userId: String(c.userId), achievementName: c.achievement.name, href: `/${this.ctx.id}/me` });
    }
    return { certificate: c, transitioned };
  }

  /**
   * The competency level the certificate attests, in its holder's competency trail (once per
   * certificate and competency; a retried job adds nothing). A competency the catalogue no longer
   * has is logged and skipped: the certificate stands without it.
   */
  private async recordCompetency(c: CertificateDoc): Promise<void> {
    const { code, level } = c.achievement.competency;
    try {
      await this.ctx.competency.recordEvidence({
        userId: String(c.userId), competency: code, level, source: 'certificate', key: `certificate:${c._id}:${code}`,
        message: { key: 'competency.evidence.msg.certificate', args: { achievement: c.achievement.name, level } },
      });
    } catch (e) {
      if (!(e instanceof BinaError) || e.status >= 500) throw e;
      this.ctx.log.warn({ err: e, certificateId: String(c._id), competency: code }, 'certificate competency not recorded');
    }
  }

  /** Renders the PDF from the stored credential (deterministic: same row, same bytes). */
  async render(c: CertificateDoc) {
    if (!c.credentialJson) throw CertErrors.notReady('The certificate is not signed yet');
    const credential = JSON.parse(c.credentialJson) as Record<string, unknown>;
    return this.deps.pdf().render({
      templateRef: { id: c.render.templateId, version: c.render.templateVersion },
      data: certificateDataFromCredential(credential, {
        place: c.render.place, nip: c.subject.nip, unit: c.render.unit, instansi: c.render.instansi,
        registerNumber: c.render.registerNumber, signatory: c.render.signatory,
      }),
      credentialJson: c.credentialJson,
      timeZone: c.render.timeZone,
      locale: c.render.locale,
    });
  }

  // ---- manual issue, revoke, reissue -------------------------------------------------------------

  async requireCertificate(id: string): Promise<CertificateDoc> {
    const c = Types.ObjectId.isValid(id) ? await this.deps.Cert.findById(id).lean() : null;
    if (!c) throw Errors.notFound('Certificate not found');
    return c;
  }

  /** The current certificate of a learner for an achievement (highest seq), if any. */
  async current(achievementId: string | Types.ObjectId, userId: string | Types.ObjectId): Promise<CertificateDoc | null> {
    return this.deps.Cert.findOne({ achievementId, userId }).sort({ seq: -1 }).lean();
  }

  /** Checks a manual award and enqueues it; the worker signs. */
  async requestManualIssue(input: { achievementId: string; userId: string; reason: string }, actorId: string): Promise<{ jobKey: string }> {
    const a = await this.deps.achievements.get(input.achievementId);
    if (a.archived) throw CertErrors.archived('This achievement is archived');
    const user = await this.deps.identity().models.User.findById(input.userId).lean();
    if (!user) throw Errors.validation('Unknown learner', { details: [{ in: 'body', path: 'userId', message: 'no such user' }] });
    const cur = await this.current(a._id, user._id);
    if (cur) throw CertErrors.alreadyIssued('This learner already has this certificate; reissue it instead', { details: { certificateId: String(cur._id), state: cur.state } });
    const jobKey = `manual-${a._id}-${user._id}`;
    await this.ctx.jobs.enqueue('issue', { achievementId: String(a._id), userId: String(user._id), mode: 'manual', actorId, reason: input.reason } satisfies IssueJob, { key: jobKey });
    return { jobKey };
  }

  /** Revokes at once: state first, then a new status list is requested (and awaited briefly). */
  async revoke(id: string, actorId: string, reason: string): Promise<{ certificate: CertificateDoc; statusListPublished: boolean }> {
    const c = await this.requireCertificate(id);
    if (c.state !== 'issued') throw CertErrors.state(`A ${c.state} certificate cannot be revoked`, { details: { state: c.state } });
    const now = this.ctx.clock.now();
    // The claim decides between two admins revoking at the same moment (see claims.ts).
    if (!(await this.deps.claims.claim(`revoke:${c._id}`))) throw CertErrors.state('This certificate is already being revoked', { details: { state: 'revoked' } });
    try {
      await this.deps.Cert.updateOne({ _id: c._id, state: 'issued' }, { $set: { state: 'revoked', revokedAt: now, revokedBy: new Types.ObjectId(actorId), revokeReason: reason } });
      const after = await this.deps.Cert.findById(c._id).lean();
      if (after?.state !== 'revoked') throw CertErrors.state(`A ${after?.state} certificate cannot be revoked`, { details: { state: after?.state } });
      await this.ctx.audit.record({
        action: 'certificate-openbadges:audit.revoked',
        actorId,
        subject: { type: 'certificate', id: String(c._id) },
        before: { state: c.state },
        after: { state: 'revoked', statusList: c.statusList, statusIndex: c.statusIndex },
        args: { achievement: c.achievement.name, name: c.subject.name, reason },
      });
    } catch (e) {
      await this.deps.claims.release(`revoke:${c._id}`);
      throw e;
    }
    const version = await this.requestStatusPublish(c.statusList);
    await this.ctx.events.emit(`${this.ctx.id}.certificate.revoked`, { certificateId: String(c._id), achievementId: String(c.achievementId), achievementName: c.achievement.name, userId: String(c.userId), code: c.code, reason, href: `/${this.ctx.id}/me` });
    await this.ctx.certificates.revoked({ certificateId: String(c._id), userId: String(c.userId), achievementName: c.achievement.name, href: `/${this.ctx.id}/me`, reason });
    const published = await this.deps.lists.waitPublished(c.statusList, version, Number(this.ctx.settings.revokeWaitMs ?? 5000));
    return { certificate: (await this.deps.Cert.findById(c._id).lean())!, statusListPublished: published };
  }

  async requestStatusPublish(list: number): Promise<number> {
    const version = await this.deps.lists.markDirty(list);
    await this.ctx.jobs.enqueue('publish-status-list', { list }, { key: `status-${list}-${version}` });
    return version;
  }

  async requestReissue(id: string, actorId: string, reason: string): Promise<{ jobKey: string }> {
    const c = await this.requireCertificate(id);
    if (!(['issued', 'revoked'] as CertificateState[]).includes(c.state) || c.supersededBy) {
      throw CertErrors.state(`A ${c.state} certificate cannot be reissued`, { details: { state: c.state } });
    }
    const jobKey = `reissue-${c._id}`;
    await this.ctx.jobs.enqueue('reissue', { certificateId: String(c._id), actorId, reason }, { key: jobKey });
    return { jobKey };
  }

  /** The reissue job: a new credential (seq + 1) from fresh data; the old one is superseded. */
  async processReissue(job: { certificateId: string; actorId: string; reason: string }): Promise<'reissued' | 'skipped'> {
    const old = await this.deps.Cert.findById(job.certificateId).lean();
    if (!old) return 'skipped';
    if (!(['issued', 'revoked'] as CertificateState[]).includes(old.state) && !(old.state === 'superseded' && old.supersededBy)) return 'skipped';
    const a = await this.deps.achievements.Achievement.findById(old.achievementId).lean();
    if (!a) return 'skipped';
    const reserved = await this.reserve(a, String(old.userId), old.seq + 1, { kind: 'reissue', actorId: new Types.ObjectId(job.actorId), reason: job.reason }, old._id);
    if (!reserved) return 'skipped';
    if (String(reserved.replaces) !== String(old._id)) return 'skipped'; // that slot belongs to another reissue
    const { certificate } = await this.complete(reserved);
    const now = this.ctx.clock.now();
    // Idempotent state change first; the claim only decides who writes the audit record.
    await this.deps.Cert.updateOne(
      { _id: old._id, state: { $in: ['issued', 'revoked'] } },
      { $set: { state: 'superseded', supersededBy: certificate._id, supersededAt: now } },
    );
    await this.requestStatusPublish(old.statusList);
    if (await this.deps.claims.claim(`superseded:${old._id}`)) {
      await this.ctx.audit.record({
        action: 'certificate-openbadges:audit.superseded',
        actorId: job.actorId,
        subject: { type: 'certificate', id: String(old._id) },
        before: { state: old.state },
        after: { state: 'superseded', supersededBy: String(certificate._id) },
        args: { achievement: old.achievement.name, name: old.subject.name, reason: job.reason },
      });
    }
    return 'reissued';
  }

  // ---- bulk ---------------------------------------------------------------------------------------

  /** Counts of a bulk run, from its per-learner claims (the truth, whatever runs overlapped). */
  async bulkCounts(bulkId: string): Promise<{ processed: number; issued: number; skipped: number; failed: number }> {
    const rows = await this.deps.claims.Claim.aggregate<{ _id: string; n: number }>([
      { $match: { group: `bulk:${bulkId}` } },
      { $group: { _id: '$outcome', n: { $sum: 1 } } },
    ]);
    const by = Object.fromEntries(rows.map((r) => [r._id, r.n])) as Record<string, number>;
    const issued = by.issued ?? 0;
    const failed = by.failed ?? 0;
    const skipped = Object.entries(by).filter(([k]) => k !== 'issued' && k !== 'failed').reduce((n, [, v]) => n + v, 0);
    return { processed: issued + failed + skipped, issued, skipped, failed };
  }

  /**
   * The bulk job: issues to each learner of the cohort in order, resuming where a previous run
   * stopped. Each learner's outcome is a claim `bulk:<id>:<index>`, so a learner is counted once
   * even if two runs overlap after a lock expiry (and issuing itself is exactly-once anyway).
   */
  /**
   * The bulk job failed on its last retry (kernel `failed` hook): the run is marked `failed` with
   * the error, for the admin's page, instead of staying "running" for ever.
   */
  async bulkFailed(bulkId: string, error: Error): Promise<void> {
    const b = await this.deps.Bulk.findOneAndUpdate({ _id: bulkId, state: { $in: ['queued', 'running'] } }, { $set: { state: 'failed', error: error.message.slice(0, 500), failedAt: this.ctx.clock.now(), ...(await this.bulkCounts(bulkId)) } }, { new: true }).lean();
    if (!b) return;
    await this.ctx.audit.record({ action: 'certificate-openbadges:audit.bulkFailed', actorId: String(b.createdBy), subject: { type: 'certificate-bulk', id: bulkId }, after: { state: 'failed', error: b.error, processed: b.processed, total: b.total }, args: { processed: b.processed, total: b.total } });
  }

  /** An admin retries a failed run: it resumes after the learners already processed (their claims). */
  async retryBulk(bulkId: string, actorId: string): Promise<BulkDoc> {
    const b = await this.deps.Bulk.findOneAndUpdate({ _id: bulkId, state: 'failed' }, { $set: { state: 'queued' }, $unset: { error: 1, failedAt: 1 } }, { new: true }).lean();
    if (!b) throw CertErrors.bulkNotFailed('Only a failed bulk issue can be retried');
    await this.ctx.audit.record({ action: 'certificate-openbadges:audit.bulkRetried', actorId, subject: { type: 'certificate-bulk', id: bulkId }, args: { processed: b.processed, total: b.total } });
    await this.ctx.jobs.requeue('bulk-issue', { bulkId }, { key: `bulk-${bulkId}` });
    return b;
  }

  async processBulk(bulkId: string, progress: (p: object) => Promise<void>): Promise<'done' | 'skipped'> {
    const b = await this.deps.Bulk.findById(bulkId).lean();
    // `failed`: a stray run of a job given up on; a retry sets the run `queued` first (retryBulk).
    if (!b || b.state === 'done' || b.state === 'failed') return 'skipped';
    await this.deps.Bulk.updateOne({ _id: b._id, state: 'queued' }, { $set: { state: 'running' } });
    const group = `bulk:${b._id}`;
    const done = new Set((await this.deps.claims.Claim.find({ group }, { _id: 1 }).lean()).map((r) => r._id));
    const counts = await this.bulkCounts(String(b._id));
    for (let i = 0; i < b.userIds.length; i++) {
      const key = `${group}:${i}`;
      if (done.has(key)) continue;
      const userId = String(b.userIds[i]);
      let outcome: IssueOutcome | 'failed';
      let message = '';
      try {
        outcome = await this.processIssue({ achievementId: String(b.achievementId), userId, mode: 'bulk', actorId: String(b.createdBy), reason: b.reason, bulkId: String(b._id) });
      } catch (e) {
        // Coded errors and bad learner data are per-learner problems; anything else (database,
        // Redis) is transient: let the job retry and resume from here.
        if (!(e instanceof BinaError || e instanceof CredentialInputError)) throw e;
        outcome = 'failed';
        message = e.message;
      }
      if (await this.deps.claims.claim(key, { group, outcome, message: message || undefined })) {
        counts.processed++;
        if (outcome === 'issued') counts.issued++;
        else if (outcome === 'failed') counts.failed++;
        else counts.skipped++;
        if (outcome === 'failed') await this.deps.Bulk.updateOne({ _id: b._id }, { $push: { failures: { userId: b.userIds[i], message } } });
      }
      // Counters on the bulk row are a cache for the progress page; the claims are the truth.
      await this.deps.Bulk.updateOne({ _id: b._id }, { $set: counts });
      await progress({ ...counts, total: b.userIds.length });
    }
    const final = await this.bulkCounts(String(b._id));
    await this.deps.Bulk.updateOne({ _id: b._id }, { $set: { ...final, state: 'done', finishedAt: this.ctx.clock.now() } });
    if (await this.deps.claims.claim(`bulk-done:${b._id}`)) {
      await this.ctx.audit.record({
        action: 'certificate-openbadges:audit.bulkFinished',
        actorId: String(b.createdBy),
        subject: { type: 'certificate-bulk', id: String(b._id) },
        after: { total: b.userIds.length, ...final },
        args: { total: b.userIds.length, ...final },
      });
    }
    return 'done';
  }
}
