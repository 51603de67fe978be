/**
 * certificate-openbadges: achievements and their earn rules, Open Badges 3.0 credentials signed
 * on a worker, revocation by a signed Bitstring Status List, public verification and the issuer's
 * keys. PDFs come from the certificate-pdf service. Wiring only: the logic lives in the services.
 *
 * Invariant: a request never signs. Requests validate, record intent and enqueue jobs with
 * deterministic ids (`issue-<achievementId>-<userId>`, `reissue-<certificateId>`,
 * `status-<list>-<version>`, `bulk-<bulkId>`); the jobs sign and render, and can run twice.
 */
import { z } from 'zod';
import { CAP } from './capabilities';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import { ACTIVITY_PASSED, ACTIVITY_REGRADED, activityEventSchema, activityRegradedSchema } from '../../src/learning/activity-events';
import { PREVIEW_DATA_HOOK, type CertificateData, type CertificatePdfService } from '../certificate-pdf/api';
import { achievementInput, AchievementService, objectId } from './achievement-service';
import {
  achievementSchema, bulkSchema, certificateSchema, earningSchema, keySetSchema, pdfFileSchema, statusListSchema,
  type AchievementDoc, type BulkDoc, type CertificateDoc, type EarningDoc, type KeySetDoc, type PdfFileDoc, type StatusListDoc,
} from './certificate-models';
import type { CertificateOpenBadgesService, CertificateServices } from './certificate-services';
import { createDocumentLoader } from './document-loader';
import { IssuingService, type IssueJob } from './issuing-service';
import { KeyStore, resolveKeySecret } from './key-store';
import { didWebFromHost } from './signing-keys';
import { StatusListStore, CURRENT_LIST } from './status-list-store';
import { VerificationService } from './verification-service';
import { registerApiRoutes } from './api-routes';
import { registerPublicRoutes } from './public-routes';
import { registerPages } from './certificate-pages';
import { registerAgencySettingsPages } from './agency-settings-pages';
import { registerCertificateDemo } from './demo';
import { AgencySettingsStore, agencySettingsSchema, type AgencySettingsDoc } from './agency-settings';
import { formatRegisterNumber, RegisterNumbers, registerNumberSchema, type RegisterNumberDoc } from './register-number';

const courseCompleted = z.object({ courseId: z.string(), userId: z.string() });


export default definePlugin({
  register(ctx) {
    const Achievement = ctx.models.define<AchievementDoc>('achievements', achievementSchema);
    const Earning = ctx.models.define<EarningDoc>('earnings', earningSchema);
    const Cert = ctx.models.define<CertificateDoc>('certificates', certificateSchema);
    const PdfFile = ctx.models.define<PdfFileDoc>('pdfs', pdfFileSchema);
    const KeySet = ctx.models.define<KeySetDoc>('keys', keySetSchema);
    const List = ctx.models.define<StatusListDoc>('status_lists', statusListSchema);
    const Bulk = ctx.models.define<BulkDoc>('bulks', bulkSchema);
    const claims = ctx.models.claims();
    const agency = new AgencySettingsStore(ctx.models.define<AgencySettingsDoc>('agency_settings', agencySettingsSchema), ctx.settings);
    const registers = new RegisterNumbers(ctx.models.define<RegisterNumberDoc>('register_numbers', registerNumberSchema));

    const settings = ctx.settings as { keySecret?: string; keySecretFile?: string; keySeed?: string };
    let secret: string | undefined;
    const did = didWebFromHost(new URL(ctx.site.publicUrl).host);
    const keys = new KeyStore(KeySet, did, () => {
      if (!secret) throw new Error('certificate-openbadges: key secret not resolved yet (plugin not started)');
      return secret;
    }, ctx.clock, claims, settings.keySeed ? new Uint8Array(Buffer.from(settings.keySeed, 'base64url')) : undefined);
    const lists = new StatusListStore(List, Cert, ctx.site.publicUrl);
    const loader = createDocumentLoader({
      resolveDid: async (d) => (d === did ? keys.didDocument() : undefined),
      resolveDocument: async (url) => {
        const n = lists.listNumber(url);
        return n === undefined ? undefined : lists.signedCredential(n);
      },
    });
    const pdf = () => ctx.use<CertificatePdfService>('certificate-pdf');
    const identity = () => ctx.use<IdentityService>('identity');
    const learning = () => ctx.use<LearningService>('learning');
    const achievements = new AchievementService(Achievement, Earning, learning, pdf);
    const issuing = new IssuingService({ ctx, Cert, PdfFile, Bulk, claims, achievements, keys, lists, loader, pdf, identity, learning, agency, registers });
    const verification = new VerificationService(Cert, keys, lists, loader, pdf, ctx.site.publicUrl, () => ctx.clock.now());
    const rotateKey = async (actorId?: string) => {
      const r = await keys.rotate();
      await ctx.audit.record({ action: 'certificate-openbadges:audit.keyRotated', actorId, subject: { type: 'signing-key', id: r.active }, before: { active: r.retired }, after: { active: r.active }, args: { retired: r.retired ?? '', active: r.active } });
      return r;
    };
    const services: CertificateServices = {
      ctx, Cert, PdfFile, Bulk, claims, achievements, issuing, verification, keys, lists, pdf, identity, learning, agency, registers, rotateKey,
      setSecret: (s) => {
        secret = s;
      },
    };

    registerCertificateDemo(ctx, () => ctx.use<CertificateOpenBadgesService>(ctx.id));
    // Template previews show this agency's name, place, signatory and register-number format.
    ctx.hooks.filter<CertificateData>(PREVIEW_DATA_HOOK, async (d) => {
      const a = await agency.get();
      return {
        ...d,
        issuerName: a.issuerName,
        ...(a.place ? { place: a.place } : {}),
        ...(a.registerPattern ? { registerNumber: formatRegisterNumber(a.registerPattern, 1, ctx.clock.now(), ctx.site.defaultTimeZone) } : {}),
        ...(a.signatory ? { signatoryName: a.signatory.name, signatoryNip: a.signatory.nip, signatoryPosition: a.signatory.position } : {}),
      };
    });
    ctx.provide<CertificateOpenBadgesService>(ctx.id, {
      services,
      async createAchievement(input, actorId, attests) {
        const learningKey = attests?.learningKey === undefined ? undefined : z.string().min(1).max(300).parse(attests.learningKey);
        const a = await achievements.create(achievementInput.parse(input), actorId, ctx.clock.now(), learningKey ? { learningKey } : {});
        await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementCreated', actorId, subject: { type: 'achievement', id: String(a._id) }, after: { name: a.name }, args: { name: a.name } });
        return a;
      },
      async issueNow({ achievementId, userId, actorId, reason }) {
        await issuing.processIssue({ achievementId, userId, mode: 'manual', actorId, reason });
        const c = await issuing.current(achievementId, userId);
        return { certificate: c, verifyUrl: c ? issuing.verifyUrl(c.code) : null };
      },
      rotateKey,
    });

    // ---- jobs (each processor can run twice without harm) ----
    ctx.jobs.define<IssueJob>('issue', {
      payload: z.strictObject({
        achievementId: objectId, userId: objectId, mode: z.enum(['rule', 'manual', 'bulk']),
        actorId: objectId.optional(), reason: z.string().max(500).optional(), bulkId: objectId.optional(),
      }),
      process: async (job) => issuing.processIssue(job),
    });
    ctx.jobs.define<{ certificateId: string; actorId: string; reason: string }>('reissue', {
      payload: z.strictObject({ certificateId: objectId, actorId: objectId, reason: z.string().min(1).max(500) }),
      process: async (job) => issuing.processReissue(job),
    });
    ctx.jobs.define<{ bulkId: string }>('bulk-issue', {
      payload: z.strictObject({ bulkId: objectId }),
      process: async ({ bulkId }, jc) => issuing.processBulk(bulkId, (p) => jc.progress(p)),
      // Failed on every retry: the admin's page says so and offers a retry (not "running" for ever).
      failed: async ({ bulkId }, error) => issuing.bulkFailed(bulkId, error),
    });
    ctx.jobs.define<{ list: number }>('publish-status-list', {
      payload: z.strictObject({ list: z.number().int().min(1).max(1_000_000) }),
      process: async ({ list }) => lists.publish(list, await keys.activeKeyPair(), loader, () => ctx.clock.now()),
    });

    // ---- earn rules: the core's events say a requirement was met (any activity type: ADR 0040) ----
    ctx.events.on(ACTIVITY_PASSED, async (raw) => {
      const p = activityEventSchema.safeParse(raw);
      if (p.success) await issuing.onRequirementMet('activity', p.data.refId, p.data.userId, { id: p.data.sourceId ?? p.data.activityId, href: p.data.href });
    });
    // A regrade never changes an issued certificate: it is flagged for an admin's review.
    ctx.events.on(ACTIVITY_REGRADED, async (raw) => {
      const p = activityRegradedSchema.safeParse(raw);
      if (!p.success || !p.data.changed) return;
      const earned = await Earning.find({ type: 'activity', sourceId: p.data.sourceId }, { achievementId: 1 }).lean();
      if (earned.length === 0) return;
      const flagged = await Cert.find({ userId: p.data.userId, achievementId: { $in: earned.map((e) => e.achievementId) }, state: 'issued' }, { _id: 1 }).lean();
      for (const c of flagged) {
        await Cert.updateOne({ _id: c._id }, { $set: { review: { reason: 'regrade', attemptId: p.data.sourceId, before: p.data.before, after: p.data.after, at: ctx.clock.now() } } });
        await ctx.audit.record({ action: 'certificate-openbadges:audit.flaggedForReview', subject: { type: 'certificate', id: String(c._id) }, args: { attemptId: p.data.sourceId, reason: 'regrade' }, before: p.data.before, after: p.data.after });
      }
    });
    ctx.events.on('learning.course.completed', async (raw) => {
      const p = courseCompleted.safeParse(raw);
      if (p.success) await issuing.onRequirementMet('course', p.data.courseId, p.data.userId, { id: p.data.courseId, href: `/courses/${p.data.courseId}` });
    });

    ctx.views.nav({ id: `${ctx.id}.mine`, href: `/${ctx.id}/me`, labelKey: `${ctx.id}:nav.mine`, icon: 'award', capability: CAP.viewOwn, order: 20 });
    ctx.views.nav({ id: `${ctx.id}.admin`, href: `/${ctx.id}/admin`, labelKey: `${ctx.id}:nav.admin`, icon: 'patch-check', capability: CAP.viewAll, order: 80, menu: 'manage' });

    registerApiRoutes(services);
    registerPublicRoutes(services);
    registerPages(services);
    registerAgencySettingsPages(services);
  },

  async start(ctx) {
    const svc = ctx.use<CertificateOpenBadgesService>(ctx.id).services;
    const resolved = resolveKeySecret(ctx.settings as { keySecret?: string; keySecretFile?: string }, ctx.site.publicUrl);
    svc.setSecret(resolved.secret);
    if (resolved.source === 'file') ctx.log.info('signing keys are encrypted with the per-install secret file; set keySecret in production');
    const { created } = await svc.keys.ensure();
    if (created) {
      await ctx.audit.record({ action: 'certificate-openbadges:audit.keyCreated', subject: { type: 'signing-key', id: created }, after: { active: created }, args: { id: created } });
    }
    // A list never published yet (first start, or the worker was down): publish it now.
    const pending = await svc.lists.ensure(CURRENT_LIST);
    if (pending !== undefined) await ctx.jobs.enqueue('publish-status-list', { list: CURRENT_LIST }, { key: `status-${CURRENT_LIST}-${pending}` });
  },
});
