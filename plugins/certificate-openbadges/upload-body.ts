/**
 * Reads an uploaded file from a request: a raw body (`application/pdf`, JSON, octet-stream) or
 * the `file` field of a `multipart/form-data` form (the no-JavaScript upload on /verify).
 *
 * Invariant: never buffers more than `limit` bytes; a larger upload is a 413, a missing file a 400.
 */
import type { Request } from 'express';
import { Errors } from '../../src/kernel/errors';

export const UPLOAD_LIMIT = 5 * 1024 * 1024;

async function readRaw(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw Errors.payloadTooLarge('The file is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw Errors.payloadTooLarge('The file is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The uploaded bytes, or a parsed JSON object when express.json already read the body. */
export async function readUpload(req: Request, limit = UPLOAD_LIMIT): Promise<Buffer | object> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  // express.json has already consumed and parsed a JSON body (Express 5 leaves req.body undefined
  // when no parser ran).
  if (type.startsWith('application/json') && req.body !== undefined) {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw Errors.badRequest('The JSON is not a credential', { details: [{ in: 'body', path: 'file', message: 'must be a JSON object' }] });
    }
    return req.body as object;
  }
  const raw = await readRaw(req, limit + 64 * 1024);
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
    } catch {
      throw Errors.badRequest('The form could not be read', { details: [{ in: 'body', path: 'file', message: 'malformed multipart body' }] });
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') throw Errors.badRequest('Choose a file to check', { details: [{ in: 'body', path: 'file', message: 'required' }] });
    const bytes = Buffer.from(await (file as Blob).arrayBuffer());
    if (bytes.length > limit) throw Errors.payloadTooLarge('The file is too large');
    return bytes;
  }
  if (raw.length > limit) throw Errors.payloadTooLarge('The file is too large');
  return raw;
}
