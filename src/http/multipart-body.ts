/**
 * A `multipart/form-data` form with files, for pages that upload without JavaScript (evidence of
 * an external JP claim). Read before the CSRF check, so the form's hidden `_csrf` field counts like
 * a urlencoded form's. Never buffers more than `limit` bytes: a larger body is a 413.
 */
import type { Request } from 'express';
import { Errors } from '../kernel/errors';

export interface UploadedFile {
  /** The name the browser sent (shown to people only, never used as a storage key). */
  name: string;
  type: string;
  bytes: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

export async function readMultipart(req: Request, limit: number): Promise<MultipartForm> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('multipart/form-data')) return { fields: {}, files: {} };
  if (Number(req.headers['content-length'] ?? 0) > limit) throw Errors.payloadTooLarge('The upload is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw Errors.payloadTooLarge('The upload is too large');
    chunks.push(chunk);
  }
  let form: FormData;
  try {
    form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
  } catch {
    throw Errors.badRequest('The form could not be read', { details: [{ in: 'body', path: '', message: 'malformed multipart body' }] });
  }
  const out: MultipartForm = { fields: {}, files: {} };
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') out.fields[key] = value;
    // An empty file input sends a part with no name and no bytes: no file.
    else if (value.size > 0 || value.name) out.files[key] = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return out;
}
