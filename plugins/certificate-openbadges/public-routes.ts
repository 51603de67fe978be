/**
 * The public, no-login endpoints at the site root (ctx.http.publicRoot):
 * `/.well-known/did.json`, `/verify` (enter a code or upload a file), `/verify/<code>` (page, or
 * JSON for `Accept: application/json`), `/verify/<code>/credential.json`, the signed status list
 * `/verify/status/<n>`, and each achievement's public description `/verify/achievements/<id>`.
 *
 * Invariant: these show only what DOMAIN.md allows anyone to see: name, achievement, issuer,
 * dates and status (and the signed credential to whoever holds its unguessable code). No NIP,
 * score, e-mail or unit; a revocation reason is never shown.
 */
import { z } from 'zod';
import type { Request } from 'express';
import { Errors } from '../../src/kernel/errors';
import { zoneAbbrev } from '../../src/views/view-engine';
import { objectId } from './achievement-service';
import type { CertificateServices } from './certificate-services';
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './document-loader';
import { readUpload } from './upload-body';
import type { FileVerification, PublicCertificate } from './verification-service';
import { displayVerifyCode, normalizeVerifyCode } from './verify-code';

const codeParam = z.strictObject({
  code: z.string().max(60).refine((s) => normalizeVerifyCode(s) !== undefined, 'not a verification code (26 letters and digits 2–7)'),
});

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** Dates for the public page: a calendar day in the issuer's zone, in the viewer's language. */
function day(iso: string | null, locale: 'id' | 'en', timeZone: string): string {
  if (!iso) return '';
  return `${new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeZone }).format(new Date(iso))}`;
}

export function registerPublicRoutes(s: CertificateServices): void {
  const { ctx } = s;
  const tz = ctx.site.defaultTimeZone;
  const pageData = (v: PublicCertificate, locale: 'id' | 'en') => ({
    ...v,
    issuedOn: day(v.issuedAt, locale, tz),
    validUntilOn: day(v.validUntil, locale, tz),
    revokedOn: day(v.revokedAt, locale, tz),
    zone: zoneAbbrev(tz),
  });

  ctx.http.publicRoot({ method: 'get', path: '/.well-known/did.json', summary: 'The issuer\'s DID document (did:web) with every key, active and retired' }, async ({ res }) => {
    const doc = await s.keys.didDocument();
    res.status(200).type('application/json').setHeader('cache-control', 'public, max-age=300');
    res.send(JSON.stringify(doc));
  });

  ctx.http.publicRoot({ method: 'get', path: '/verify', summary: 'Check a certificate: enter its code or upload the PDF', query: z.object({ code: z.string().max(80).optional() }) }, async ({ query, res, t }) => {
    if (query.code) {
      const code = normalizeVerifyCode(query.code);
      if (code) return void res.redirect(`/verify/${code}`);
      return { view: `${ctx.id}/verify`, title: t(`${ctx.id}:verify.title`), status: 400, data: { codeError: true, code: query.code, agency: (await s.agency.get()).issuerName } };
    }
    return { view: `${ctx.id}/verify`, title: t(`${ctx.id}:verify.title`), data: { agency: (await s.agency.get()).issuerName } };
  });

  ctx.http.publicRoot({ method: 'post', path: '/verify', csrfExempt: true, rateLimit: Number(ctx.settings.verifyUploadsPerMinute ?? 30), summary: 'Check an uploaded certificate PDF or credential JSON (form or raw body)', rawBody: { types: ['multipart/form-data', 'application/pdf', 'application/json', 'application/ld+json', 'application/octet-stream'], limit: '5mb' } }, async ({ req, res, t, locale }) => {
    const upload = await readUpload(req);
    const result: FileVerification = Buffer.isBuffer(upload) ? await s.verification.verifyUpload(upload) : await s.verification.verifyCredential(upload, { kind: 'credential' });
    if (wantsJson(req)) return void res.status(200).json(result);
    return {
      view: `${ctx.id}/verify-file`,
      title: t(`${ctx.id}:verify.fileTitle`),
      data: {
        result,
        ok: result.status === 'valid',
        certificate: result.certificate ? pageData(result.certificate, locale) : null,
        genuine: result.genuine ? pageData(result.genuine, locale) : null,
        agency: (await s.agency.get()).issuerName,
        checks: result.checks.map((c) => ({ ...c, label: t(`${ctx.id}:checks.${c.check}`), detail: t(`${ctx.id}:checkResult.${c.check}.${c.ok ? 'ok' : 'failed'}`, c.args) })),
      },
    };
  });

  ctx.http.publicRoot({ method: 'get', path: '/verify/status/:list', kind: 'api', summary: 'The signed revocation list (BitstringStatusListCredential)', params: z.strictObject({ list: z.string().regex(/^[1-9]\d{0,5}$/, 'must be a list number') }) }, async ({ params, res }) => {
    const signed = await s.lists.signedCredential(Number(params.list));
    if (!signed) throw Errors.notFound('No such status list');
    // Short cache: a revocation must reach verifiers quickly.
    res.status(200).type('application/json').setHeader('cache-control', 'public, max-age=60');
    res.send(JSON.stringify(signed));
  });

  ctx.http.publicRoot({ method: 'get', path: '/verify/achievements/:achievementId', kind: 'api', summary: 'What an achievement attests (Open Badges Achievement, public)', params: z.strictObject({ achievementId: objectId }) }, async ({ params, res }) => {
    const a = await s.achievements.get(params.achievementId);
    const competency = await s.learning().models.Competency.findOne({ code: a.competency.code }).lean();
    res.status(200).type('application/json').send(JSON.stringify({
      '@context': [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL],
      id: s.issuing.achievementUrl(String(a._id)),
      type: ['Achievement'],
      achievementType: a.achievementType,
      name: a.name,
      description: a.description,
      criteria: { narrative: a.criteria },
      creditsAvailable: a.jp,
      alignment: [{ type: ['Alignment'], targetName: competency?.name ?? a.competency.code, targetCode: a.competency.code, targetType: 'ceasn:Competency', targetUrl: `${ctx.site.publicUrl}/competencies/${encodeURIComponent(a.competency.code)}`, targetDescription: `level: ${a.competency.level}` }],
      ...(a.archived ? { inactive: true } : {}),
    }));
  });

  ctx.http.publicRoot({ method: 'get', path: '/verify/:code', summary: 'A certificate\'s public status: valid, revoked, expired or superseded', params: codeParam }, async ({ params, req, res, t, locale }) => {
    const c = await s.verification.byCode(params.code);
    if (!c) {
      if (wantsJson(req)) throw Errors.notFound('No certificate with this code');
      // Not a dead end: the code that was tried, printed as on a certificate, and a field to try again.
      const tried = displayVerifyCode(normalizeVerifyCode(params.code) ?? params.code);
      return { view: `${ctx.id}/verify-result`, title: t(`${ctx.id}:verify.title`), status: 404, data: { notFound: true, triedCode: tried, agency: (await s.agency.get()).issuerName } };
    }
    const v = s.verification.publicView(c);
    res.setHeader('cache-control', 'no-store');
    if (wantsJson(req)) return void res.status(200).json({ certificate: v });
    return {
      view: `${ctx.id}/verify-result`,
      title: t(`${ctx.id}:verify.title`),
      data: { certificate: pageData(v, locale), displayCode: displayVerifyCode(c.code), code: c.code, [`is_${v.status}`]: true, agency: (await s.agency.get()).issuerName },
    };
  });

  ctx.http.publicRoot({ method: 'get', path: '/verify/:code/credential.json', kind: 'api', summary: 'The signed Open Badges credential of a certificate', params: codeParam }, async ({ params, res }) => {
    const c = await s.verification.byCode(params.code);
    if (!c?.credentialJson) throw Errors.notFound('No certificate with this code');
    res.status(200).type('application/ld+json').setHeader('content-disposition', `inline; filename="credential-${c.code.slice(0, 8)}.json"`);
    res.send(c.credentialJson);
  });
}
