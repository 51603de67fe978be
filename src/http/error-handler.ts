/**
 * One place turns every error into a response: JSON `{error:{code,message,details}}` for the API,
 * a friendly page for the browser. A user's mistake is a 4xx; only our own faults are 500s, and
 * those are logged with the request id but never shown in detail.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import mongoose from 'mongoose';
import { BinaError, Errors } from '../kernel/errors';
import type { Logger } from '../kernel/logger';
import type { Translator, Locale } from '../views/i18n';
import { withLocalizedMessages } from '../views/zod-messages';

export function toBinaError(err: unknown): BinaError | undefined {
  if (err instanceof BinaError) return err;
  const e = err as { type?: string; status?: number; code?: unknown; message?: string };
  if (e?.type === 'entity.parse.failed') return Errors.badRequest('Request body is not valid JSON', { details: { reason: e.message } });
  if (e?.type === 'entity.too.large') return Errors.payloadTooLarge('Request body is too large');
  if (e?.type && e.status && e.status >= 400 && e.status < 500) return Errors.badRequest(e.message ?? 'Bad request');
  if (err instanceof mongoose.Error.CastError) return Errors.validation(`Invalid value for ${err.path}`, { details: [{ path: err.path, message: 'invalid value' }] });
  if (err instanceof mongoose.Error.ValidationError) {
    return Errors.validation('Invalid data', { details: Object.values(err.errors).map((x) => ({ path: x.path, message: x.message })) });
  }
  if (e?.code === 11000) return Errors.conflict('Already exists');
  if (e?.code === 'EBADCSRFTOKEN' || (e?.status === 403 && /csrf/i.test(e?.message ?? ''))) return Errors.csrf('Invalid or missing CSRF token');
  // Other client errors of express's router and parsers carry a 4xx status but no `type`: a path
  // with a malformed %-escape (URIError), a body whose gzip/deflate encoding is corrupt.
  const clientError = err instanceof URIError || (err as { expose?: unknown })?.expose === true;
  if (clientError && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return Errors.badRequest(e.message ?? 'Bad request');
  return undefined;
}

export interface ErrorPageRenderer {
  (req: Request, res: Response, status: number, message: string): void | Promise<void>;
}

export function errorHandler(log: Logger, tr: Translator, renderPage: ErrorPageRenderer): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const be = toBinaError(err);
    const locale = ((req as { locale?: Locale }).locale ?? 'id') as Locale;
    const status = be?.status ?? 500;
    if (!be) log.error({ err, reqId: (req as { id?: unknown }).id }, 'unhandled error');
    else if (status >= 500) log.error({ err: be.message, code: be.code }, 'server error');
    const code = be?.code ?? 'BINA_ERR_INTERNAL';
    const message = be ? (tr.exists(locale, be.messageKey) ? tr.t(locale, be.messageKey, be.args) : be.message) : tr.t(locale, 'errors.internal');
    // A detail with an i18n key (a refused answer's reason) also gets `localizedMessage`, in the caller's language.
    const details = be ? withLocalizedMessages(tr, locale, be.details ?? { reason: be.message }) : { requestId: String((req as { id?: unknown }).id ?? '') };
    if (res.headersSent) {
      // Already answered: the error is recorded with its request id and goes no further.
      if (be) log.warn({ code, reqId: (req as { id?: unknown }).id }, 'error after the response was sent');
      return;
    }
    const wantsHtml = !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
    if (wantsHtml) {
      if (status === 401) return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
      // The developer's English detail is for English readers; others read the translated message
      // and any detail that has a translation.
      const localized = Array.isArray(details) ? details.flatMap((d: { localizedMessage?: unknown }) => (typeof d?.localizedMessage === 'string' ? [d.localizedMessage] : [])) : [];
      const detail = locale === 'en' && be?.message && be.message !== message ? be.message : localized.join('; ');
      const shown = be && status < 500 && detail ? `${message} — ${detail}` : message;
      // The error page itself failing (a broken template) must still answer, in plain text.
      return void Promise.resolve(renderPage(req, res, status, shown)).catch((renderErr: unknown) => {
        log.error({ err: renderErr }, 'error page failed to render');
        if (!res.headersSent) res.status(status).type('text/plain').send(shown);
      });
    }
    res.status(status).json({ error: { code, message, details } });
  };
}
