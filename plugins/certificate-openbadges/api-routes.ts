/**
 * The JSON API under `/api/v1/certificate-openbadges`: achievements, certificates (search,
 * manual issue, revoke, reissue, download, official signature), bulk issue with progress and a
 * streamed ZIP, keys, the learner's own certificates, and file verification.
 *
 * Invariants: every route names its capability (or is explicitly public); a learner reaches only
 * their own certificates (another's is a 404, not a 403, so existence is not confirmed); every
 * change is audited with an i18n key and arguments; no handler signs anything.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { ZipArchive } from 'archiver';
import { Errors } from '../../src/kernel/errors';
import { patchSchema } from '../../src/http/validate';
import type { SessionUser } from '../../src/identity/session-user';
import { achievementInput, achievementView, objectId } from './achievement-service';
import { CertErrors } from './certificate-errors';
import type { CertificateDoc } from './certificate-models';
import type { CertificateServices } from './certificate-services';
import { bufferOf } from './issuing-service';
import { readUpload, UPLOAD_LIMIT } from './upload-body';
import { displayVerifyCode } from './verify-code';
import { CAP } from './capabilities';


const reason = z.string().trim().min(3).max(500);
const isoDate = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date').refine((s) => !Number.isNaN(new Date(s).getTime()), 'must be a real date');
export const SEARCH_STATUSES = ['pending', 'valid', 'expired', 'revoked', 'superseded'] as const;

export const certificateSearch = z.object({
  q: z.string().trim().max(100).optional(),
  nip: z.string().regex(/^\d{1,18}$/, 'digits only, at most 18').optional(),
  unitId: objectId.optional(),
  achievementId: objectId.optional(),
  status: z.enum(SEARCH_STATUSES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CertificateSearch = z.output<typeof certificateSearch>;

export const bulkInput = z
  .strictObject({
    achievementId: objectId,
    reason,
    /** The cohort: listed learners, a course's learners, or a unit's learners. */
    userIds: z.array(objectId).min(1).max(5000).optional(),
    courseId: objectId.optional(),
    unitId: objectId.optional(),
    /** With courseId: only learners who completed the course. */
    onlyCompleted: z.boolean().default(false),
  })
  .refine((v) => [v.userIds, v.courseId, v.unitId].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of userIds, courseId, unitId', path: ['userIds'] });

const certParams = z.strictObject({ certificateId: objectId });
const achievementParams = z.strictObject({ achievementId: objectId });
const bulkParams = z.strictObject({ bulkId: objectId });

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Mongo filter for a search (names match anywhere, case-insensitive; NIP by prefix). */
export function searchFilter(q: CertificateSearch, now: Date): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (q.q) f['subject.name'] = { $regex: escapeRegex(q.q), $options: 'i' };
  if (q.nip) f['subject.nip'] = { $regex: `^${q.nip}` };
  if (q.unitId) f['subject.unitId'] = new Types.ObjectId(q.unitId);
  if (q.achievementId) f.achievementId = new Types.ObjectId(q.achievementId);
  if (q.status === 'valid') Object.assign(f, { state: 'issued', $or: [{ validUntil: { $exists: false } }, { validUntil: null }, { validUntil: { $gte: now } }] });
  else if (q.status === 'expired') Object.assign(f, { state: 'issued', validUntil: { $lt: now } });
  else if (q.status) f.state = q.status;
  if (q.from || q.to) f.issuedAt = { ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lte: new Date(q.to) } : {}) };
  return f;
}

/** A certificate as its owner sees it; admins also see the NIP, unit, origin and reasons. */
export function certificateView(s: CertificateServices, c: CertificateDoc, admin: boolean) {
  const status = c.state === 'pending' ? 'pending' : s.verification.publicView(c).status;
  return {
    id: String(c._id),
    code: c.code,
    displayCode: displayVerifyCode(c.code),
    verifyUrl: s.issuing.verifyUrl(c.code),
    achievementId: String(c.achievementId),
    achievement: c.achievement.name,
    userId: String(c.userId),
    name: c.subject.name,
    state: c.state,
    status,
    seq: c.seq,
    issuedAt: c.issuedAt,
    validUntil: c.validUntil ?? null,
    jp: c.achievement.jp,
    competency: c.achievement.competency,
    pdf: c.pdf ? { sha256: c.pdf.sha256, size: c.pdf.size, rendererVersion: c.pdf.rendererVersion } : null,
    signed: c.signed ? { sha256: c.signed.sha256, signer: c.signed.signer, signedAt: c.signed.signedAt } : null,
    keyId: c.keyId ?? null,
    replaces: c.replaces ? String(c.replaces) : null,
    supersededBy: c.supersededBy ? String(c.supersededBy) : null,
    revokedAt: c.revokedAt ?? null,
    ...(admin
      ? { nip: c.subject.nip ?? null, unitId: c.subject.unitId ? String(c.subject.unitId) : null, origin: { kind: c.origin.kind, reason: c.origin.reason ?? null }, revokeReason: c.revokeReason ?? null, review: c.review ?? null }
      : {}),
  };
}

/** The certificate if `user` owns it or may see all; otherwise 404 (existence is not confirmed). */
export async function certificateFor(s: CertificateServices, user: SessionUser, id: string): Promise<{ certificate: CertificateDoc; admin: boolean }> {
  const c = await s.issuing.requireCertificate(id);
  const admin = s.ctx.authz.can(user, CAP.viewAll);
  if (String(c.userId) !== user.id && !admin) throw Errors.notFound('Certificate not found');
  return { certificate: c, admin };
}

/** The PDF to hand out: the officially signed one when there is one. */
export async function pdfBytes(s: CertificateServices, c: CertificateDoc): Promise<Buffer> {
  if (c.state === 'pending' || !c.pdf) throw CertErrors.notReady('The certificate PDF is still being made');
  const f = await s.PdfFile.findById(c._id).lean();
  if (!f) throw CertErrors.notReady('The certificate PDF is still being made');
  return c.signed && f.signed ? bufferOf(f.signed) : bufferOf(f.issued);
}

export function pdfFileName(c: CertificateDoc): string {
  const slug = c.subject.name.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'sertifikat';
  return `sertifikat-${slug}-${c.code.slice(0, 8)}.pdf`;
}

/** Resolves a bulk cohort to learner ids (deduplicated, in a stable order). */
export async function resolveCohort(s: CertificateServices, input: z.output<typeof bulkInput>): Promise<Types.ObjectId[]> {
  let ids: string[];
  if (input.userIds) {
    ids = [...new Set(input.userIds.map((x) => x.toLowerCase()))];
    const found = await s.identity().models.User.find({ _id: { $in: ids } }, { _id: 1 }).lean();
    const known = new Set(found.map((u) => String(u._id)));
    const missing = ids.findIndex((id) => !known.has(id));
    if (missing >= 0) throw Errors.validation('Unknown learner in the cohort', { details: [{ in: 'body', path: `userIds.${missing}`, message: 'no such user' }] });
  } else if (input.courseId) {
    if (!(await s.learning().models.Course.exists({ _id: input.courseId }))) throw Errors.validation('Unknown course', { details: [{ in: 'body', path: 'courseId', message: 'no such course' }] });
    const rows = await s.learning().models.Enrolment.find({ courseId: input.courseId, ...(input.onlyCompleted ? { status: 'completed' } : {}) }).sort({ enrolledAt: 1, _id: 1 }).limit(5000).lean();
    ids = rows.map((r) => String(r.userId));
  } else {
    if (!(await s.identity().models.Unit.exists({ _id: input.unitId }))) throw Errors.validation('Unknown unit', { details: [{ in: 'body', path: 'unitId', message: 'no such unit' }] });
    const rows = await s.identity().models.User.find({ unitId: input.unitId, active: true, roles: 'learner' }, { _id: 1 }).sort({ _id: 1 }).limit(5000).lean();
    ids = rows.map((r) => String(r._id));
  }
  if (ids.length === 0) throw Errors.validation('The cohort is empty', { details: [{ in: 'body', path: input.userIds ? 'userIds' : input.courseId ? 'courseId' : 'unitId', message: 'no learners' }] });
  return ids.map((id) => new Types.ObjectId(id));
}

export function bulkView(b: import('./certificate-models').BulkDoc) {
  return {
    id: String(b._id), achievementId: String(b.achievementId), state: b.state, total: b.total, processed: b.processed,
    issued: b.issued, skipped: b.skipped, failed: b.failed, error: b.error ?? null, failedAt: b.failedAt ?? null, percent: b.total ? Math.floor((b.processed / b.total) * 100) : 100,
    failures: b.failures.slice(0, 50).map((f) => ({ userId: String(f.userId), message: f.message })), createdAt: b.createdAt, finishedAt: b.finishedAt ?? null,
  };
}

/** Starts a bulk issue (request side): checks, stores the cohort, enqueues `bulk-<id>`. */
export async function startBulk(s: CertificateServices, input: z.output<typeof bulkInput>, user: SessionUser) {
  const a = await s.achievements.get(input.achievementId);
  if (a.archived) throw CertErrors.archived('This achievement is archived');
  const userIds = await resolveCohort(s, input);
  const b = await s.Bulk.create({
    achievementId: a._id, userIds, reason: input.reason, state: 'queued', total: userIds.length, processed: 0, issued: 0, skipped: 0, failed: 0,
    failures: [], createdBy: user.id, createdAt: s.ctx.clock.now(),
  });
  await s.ctx.audit.record({
    action: 'certificate-openbadges:audit.bulkStarted', actorId: user.id, subject: { type: 'certificate-bulk', id: String(b._id) },
    after: { achievementId: String(a._id), total: userIds.length }, args: { achievement: a.name, total: userIds.length, reason: input.reason },
  });
  await s.ctx.jobs.enqueue('bulk-issue', { bulkId: String(b._id) }, { key: `bulk-${b._id}` });
  return b.toObject();
}

/**
 * Streams the cohort's PDFs as one ZIP, in cohort order, each as soon as the worker has made it:
 * the download can start while the bulk job is still running. A learner whose issue failed is
 * left out (the bulk page lists the failures).
 */
export async function streamBulkZip(s: CertificateServices, bulkId: string, res: import('express').Response): Promise<void> {
  const bulk = await s.Bulk.findById(bulkId).lean();
  if (!bulk) throw Errors.notFound('Bulk issue not found');
  const deadline = Date.now() + Number(s.ctx.settings.zipWaitMs ?? 600_000);
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  res.status(200).type('application/zip').setHeader('content-disposition', `attachment; filename="sertifikat-${bulkId}.zip"`);
  // Speed over size: the PDFs' streams are uncompressed text and shrink well even at level 1.
  const zip = new ZipArchive({ zlib: { level: 1 } });
  zip.on('error', () => res.destroy());
  zip.pipe(res);
  const used = new Set<string>();

  /** The learner's finished certificate (the PDF hash is recorded a moment before `issued`). */
  const finished = (userId: Types.ObjectId) =>
    s.Cert.findOne({ achievementId: bulk.achievementId, userId, pdf: { $exists: true }, state: { $in: ['issued', 'revoked'] } }).sort({ seq: -1 }).lean();

  try {
    for (let i = 0; i < bulk.userIds.length && !closed; i++) {
      for (;;) {
        // Read the job's progress BEFORE looking for the certificate: if the job had already
        // passed this learner, the certificate (made before the counter moved) is found now.
        const b = await s.Bulk.findById(bulkId).lean();
        const settled = !b || b.processed > i || b.state === 'done';
        const c = await finished(bulk.userIds[i]!);
        if (c) {
          let name = pdfFileName(c);
          if (used.has(name)) name = name.replace(/\.pdf$/, `-${i + 1}.pdf`);
          used.add(name);
          zip.append(await pdfBytes(s, c), { name, date: c.issuedAt });
          break;
        }
        if (settled || closed || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (e) {
    // The headers are gone: the only honest signal left is an aborted download.
    s.ctx.log.error({ err: (e as Error).message, bulkId }, 'bulk ZIP stream failed');
    zip.abort();
    res.destroy();
    return;
  }
  await zip.finalize();
}

export function registerApiRoutes(s: CertificateServices): void {
  const { ctx } = s;
  const now = () => ctx.clock.now();

  // ---- achievements ----
  ctx.http.route({ method: 'get', path: '/achievements', capability: CAP.manage, summary: 'Achievements', query: z.object({ includeArchived: z.enum(['true', 'false']).default('false') }) }, async ({ query }) => {
    const rows = await s.achievements.Achievement.find(query.includeArchived === 'true' ? {} : { archived: false }).sort({ createdAt: -1 }).limit(1000).lean();
    return { achievements: rows.map(achievementView) };
  });
  ctx.http.route({ method: 'post', path: '/achievements', capability: CAP.manage, status: 201, summary: 'Create an achievement and its earn rule', body: achievementInput }, async ({ body, user }) => {
    const a = await s.achievements.create(body, user!.id, now());
    await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementCreated', actorId: user!.id, subject: { type: 'achievement', id: String(a._id) }, after: achievementView(a), args: { name: a.name } });
    return { achievement: achievementView(a) };
  });
  ctx.http.route({ method: 'get', path: '/achievements/:achievementId', capability: CAP.manage, summary: 'An achievement', params: achievementParams }, async ({ params }) => ({
    achievement: achievementView(await s.achievements.get(params.achievementId)),
  }));
  ctx.http.route({ method: 'patch', path: '/achievements/:achievementId', capability: CAP.manage, summary: 'Change an achievement (issued certificates keep their snapshot)', params: achievementParams, body: patchSchema(achievementInput) }, async ({ params, body, user }) => {
    const { before, after } = await s.achievements.update(params.achievementId, body, now());
    await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementUpdated', actorId: user!.id, subject: { type: 'achievement', id: params.achievementId }, before: achievementView(before), after: achievementView(after), args: { name: after.name } });
    return { achievement: achievementView(after) };
  });
  ctx.http.route({ method: 'delete', path: '/achievements/:achievementId', capability: CAP.manage, summary: 'Archive an achievement (certificates stay valid)', params: achievementParams }, async ({ params, user }) => {
    const a = await s.achievements.archive(params.achievementId, now());
    await ctx.audit.record({ action: 'certificate-openbadges:audit.achievementArchived', actorId: user!.id, subject: { type: 'achievement', id: params.achievementId }, before: { archived: false }, after: { archived: true }, args: { name: a.name } });
    return { achievement: achievementView(a) };
  });

  // ---- certificates ----
  ctx.http.route({ method: 'get', path: '/certificates', capability: CAP.viewAll, summary: 'Search certificates (name, NIP, unit, achievement, status, issue date)', query: certificateSearch }, async ({ query }) => {
    const filter = searchFilter(query, now());
    const [rows, total] = await Promise.all([s.Cert.find(filter).sort({ issuedAt: -1, _id: -1 }).skip(query.skip).limit(query.limit).lean(), s.Cert.countDocuments(filter)]);
    return { total, certificates: rows.map((c) => certificateView(s, c, true)) };
  });
  ctx.http.route({ method: 'post', path: '/certificates', capability: CAP.issue, status: 202, summary: 'Issue a certificate manually, with a reason (signed on the worker)', body: z.strictObject({ achievementId: objectId, userId: objectId, reason }) }, async ({ body, user }) =>
    s.issuing.requestManualIssue(body, user!.id),
  );
  ctx.http.route({ method: 'get', path: '/certificates/:certificateId', capability: CAP.viewOwn, summary: 'A certificate (one\'s own, or any with view-all)', params: certParams }, async ({ params, user }) => {
    const { certificate, admin } = await certificateFor(s, user!, params.certificateId);
    return { certificate: certificateView(s, certificate, admin) };
  });
  ctx.http.route({ method: 'get', path: '/certificates/:certificateId/pdf', capability: CAP.viewOwn, produces: ['application/pdf'], summary: 'Download the certificate PDF (application/pdf)', params: certParams }, async ({ params, user, res }) => {
    const { certificate } = await certificateFor(s, user!, params.certificateId);
    const bytes = await pdfBytes(s, certificate);
    res.status(200).type('application/pdf').setHeader('content-disposition', `attachment; filename="${pdfFileName(certificate)}"`);
    res.setHeader('cache-control', 'private, no-store');
    res.send(bytes);
  });
  ctx.http.route({ method: 'get', path: '/certificates/:certificateId/credential', capability: CAP.viewOwn, produces: ['application/ld+json'], summary: 'The signed Open Badges credential (JSON)', params: certParams }, async ({ params, user, res }) => {
    const { certificate } = await certificateFor(s, user!, params.certificateId);
    if (!certificate.credentialJson) throw CertErrors.notReady('The credential is still being signed');
    res.status(200).type('application/ld+json').send(certificate.credentialJson);
  });
  ctx.http.route({ method: 'get', path: '/certificates/:certificateId/rerender', capability: CAP.viewAll, summary: 'Re-render the PDF from the stored credential and compare it with the hash recorded at issue', params: certParams }, async ({ params }) => {
    const c = await s.issuing.requireCertificate(params.certificateId);
    if (!c.pdf) throw CertErrors.notReady('The certificate PDF is still being made');
    const r = await s.issuing.render(c);
    return { recordedSha256: c.pdf.sha256, rerenderedSha256: r.sha256, identical: r.sha256 === c.pdf.sha256, rendererVersion: r.rendererVersion, recordedRendererVersion: c.pdf.rendererVersion };
  });
  ctx.http.route({ method: 'post', path: '/certificates/:certificateId/revoke', capability: CAP.issue, summary: 'Revoke with a reason (the status bit is set at once)', params: certParams, body: z.strictObject({ reason }) }, async ({ params, body, user }) => {
    const r = await s.issuing.revoke(params.certificateId, user!.id, body.reason);
    return { certificate: certificateView(s, r.certificate, true), statusListPublished: r.statusListPublished };
  });
  ctx.http.route({ method: 'post', path: '/certificates/:certificateId/reissue', capability: CAP.issue, status: 202, summary: 'Reissue: a new credential; the old one is marked superseded', params: certParams, body: z.strictObject({ reason }) }, async ({ params, body, user }) =>
    s.issuing.requestReissue(params.certificateId, user!.id, body.reason),
  );
  ctx.http.route({ method: 'get', path: '/signers', capability: CAP.issue, summary: 'Official-signature plugins available (certificate-signer-*)' }, () => ({ signers: s.pdf().signers.list() }));
  ctx.http.route({
    method: 'post', path: '/certificates/:certificateId/sign', capability: CAP.issue, summary: 'Add an official signature with a signer plugin (credentials are used once, never stored)', params: certParams,
    body: z.strictObject({ signer: z.string().regex(/^certificate-signer-[a-z0-9-]{1,40}$/, 'must be a signer plugin id'), credentials: z.record(z.string().max(60), z.string().max(500)), reason: z.string().trim().min(3).max(300).optional() }),
  }, async ({ params, body, user }) => {
    const c = await signCertificate(s, params.certificateId, body, user!);
    return { certificate: certificateView(s, c, true) };
  });
  ctx.http.route({ method: 'get', path: '/me/certificates', capability: CAP.viewOwn, summary: 'My certificates' }, async ({ user }) => {
    const rows = await s.Cert.find({ userId: user!.id, state: { $ne: 'pending' } }).sort({ issuedAt: -1 }).limit(1000).lean();
    return { certificates: rows.map((c) => certificateView(s, c, false)) };
  });

  // ---- bulk ----
  ctx.http.route({ method: 'post', path: '/bulk', capability: CAP.issue, status: 202, summary: 'Bulk issue for a cohort (a job; poll its progress)', body: bulkInput }, async ({ body, user }) => ({
    bulk: bulkView(await startBulk(s, body, user!)),
  }));
  ctx.http.route({ method: 'get', path: '/bulk/:bulkId', capability: CAP.issue, summary: 'Progress of a bulk issue', params: bulkParams }, async ({ params }) => {
    const b = await s.Bulk.findById(params.bulkId).lean();
    if (!b) throw Errors.notFound('Bulk issue not found');
    return { bulk: bulkView(b) };
  });
  ctx.http.route({ method: 'post', path: '/bulk/:bulkId/retry', capability: CAP.issue, status: 202, summary: 'Retry a bulk issue that failed on every retry (it resumes where it stopped)', params: bulkParams, body: z.strictObject({}) }, async ({ params, user }) => {
    if (!(await s.Bulk.exists({ _id: params.bulkId }))) throw Errors.notFound('Bulk issue not found');
    return { bulk: bulkView(await s.issuing.retryBulk(params.bulkId, user!.id)) };
  });
  ctx.http.route({ method: 'get', path: '/bulk/:bulkId/zip', capability: CAP.issue, produces: ['application/zip'], summary: 'The cohort\'s PDFs as one ZIP, streamed as they are made', params: bulkParams }, async ({ params, res }) => {
    await streamBulkZip(s, params.bulkId, res);
  });

  // ---- keys ----
  ctx.http.route({ method: 'get', path: '/keys', capability: CAP.keys, summary: 'The issuer DID and its public keys' }, async () => ({
    did: s.keys.did,
    keys: (await s.keys.publicKeys()).map((k) => ({ id: k.id, status: k.status, publicKeyMultibase: k.publicKeyMultibase, createdAt: k.createdAt, retiredAt: k.retiredAt ?? null })),
  }));
  ctx.http.route({ method: 'post', path: '/keys/rotate', capability: CAP.keys, summary: 'Rotate the signing key (retired keys stay published)' }, async ({ user }) => s.rotateKey(user!.id));

  // ---- verification (public) ----
  ctx.http.route({
    method: 'post', path: '/verify', public: true, csrfExempt: true, rateLimit: Number(s.ctx.settings.verifyUploadsPerMinute ?? 30), summary: 'Verify a certificate PDF or credential JSON (raw upload): proof, status, file hash',
    rawBody: { types: ['application/pdf', 'application/json', 'application/ld+json', 'application/octet-stream'], limit: `${UPLOAD_LIMIT}` },
  }, async ({ req }) => {
    const upload = await readUpload(req);
    return Buffer.isBuffer(upload) ? s.verification.verifyUpload(upload) : s.verification.verifyCredential(upload, { kind: 'credential' });
  });
}

/** Adds an official signature (request side: the signer is a remote service, nothing is signed here). */
export async function signCertificate(s: CertificateServices, id: string, body: { signer: string; credentials: Record<string, string>; reason?: string }, user: SessionUser): Promise<CertificateDoc> {
  const signer = s.pdf().signers.get(body.signer);
  if (!signer) throw CertErrors.unknownSigner(`No signer ${body.signer} is installed`, { details: [{ in: 'body', path: 'signer', message: 'not installed' }] });
  const creds = signer.credentialsSchema.safeParse(body.credentials);
  if (!creds.success) {
    // Paths only: the messages of a schema could echo a value, and these values are secrets.
    throw Errors.validation('Invalid signer credentials', { details: creds.error.issues.map((i) => ({ in: 'body', path: ['credentials', ...i.path.map(String)].join('.'), message: 'invalid' })) });
  }
  const c = await s.issuing.requireCertificate(id);
  if (c.state !== 'issued') throw CertErrors.state(`A ${c.state} certificate cannot be signed`, { details: { state: c.state } });
  if (c.signed) throw CertErrors.state('This certificate is already signed', { details: { signer: c.signed.signer } });
  const issued = await pdfBytes(s, c);
  // One signing per certificate: claimed before calling the service, given back if it fails.
  const claim = `sign:${c._id}`;
  if (!(await s.claims.claim(claim))) throw CertErrors.state('This certificate is already being signed');
  let signedPdf: Buffer;
  try {
    signedPdf = await signer.sign({ pdf: issued, credentials: creds.data, reason: body.reason ?? s.ctx.i18n.t(c.render.locale, 'certificate-openbadges:sign.reason'), code: c.code });
    // The signer may only add to the file: the credential inside must still be the one issued.
    const embedded = await s.pdf().extractCredential(signedPdf).catch(() => null);
    if (embedded !== c.credentialJson) throw CertErrors.signerAltered('The signed PDF no longer carries the issued credential');
  } catch (e) {
    await s.claims.release(claim);
    throw e;
  }
  const sha256 = s.pdf().sha256Hex(signedPdf);
  const signedAt = s.ctx.clock.now();
  // Bytes first, then the record: a crash in between leaves an unused file, never a record that
  // points at bytes that are not there (pdfBytes serves the signed file only once it is recorded).
  await s.PdfFile.updateOne({ _id: c._id }, { $set: { signed: signedPdf } });
  await s.Cert.updateOne({ _id: c._id }, { $set: { signed: { sha256, size: signedPdf.length, signer: signer.id, signedAt, actorId: new Types.ObjectId(user.id) } } });
  await s.ctx.audit.record({
    action: 'certificate-openbadges:audit.signed', actorId: user.id, subject: { type: 'certificate', id: String(c._id) },
    before: { sha256: c.pdf?.sha256 }, after: { signer: signer.id, sha256 }, args: { signer: signer.label, name: c.subject.name, achievement: c.achievement.name },
  });
  return (await s.Cert.findById(c._id).lean())!;
}
