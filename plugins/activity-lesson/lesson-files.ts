/**
 * Files in lessons: a trainer uploads images, PDFs and video into a lesson; they are stored with
 * `ctx.storage` under `<lessonId>/<fileId>` and served only to those who may read the lesson
 * (its course's enrolled learners, its trainers, admins), from this site, so the page's strict
 * CSP (`img-src 'self'`) holds.
 *
 * Invariants: a file's type is what its first bytes say (file-types.ts), never the name or the
 * browser's Content-Type; the upload is streamed to the store and cut off at the kind's size limit
 * (settings), so an oversized upload leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Schema, Types } from 'mongoose';
import { z } from 'zod';
import type { PluginContext } from '../../src/host/plugins/context';
import { defineError, Errors } from '../../src/kernel/errors';
import type { LearningService } from '../../src/learning/learning-service';
import { safeFileName, sniffType, SNIFF_BYTES, type LessonFileKind } from './file-types';
import { objectId } from '../../src/kernel/object-id';

export interface LessonFileDoc {
  _id: Types.ObjectId;
  lessonId: Types.ObjectId;
  courseId: Types.ObjectId;
  name: string;
  mime: string;
  kind: LessonFileKind;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: Date;
}

export const FileErrors = {
  type: defineError('BINA_ERR_LESSON_FILE_TYPE', 415, 'activity-lesson:errors.fileType'),
  tooLarge: defineError('BINA_ERR_LESSON_FILE_TOO_LARGE', 413, 'activity-lesson:errors.fileTooLarge'),
};

const MB = 1024 * 1024;
const lessonParams = z.object({ lessonId: objectId });
const fileParams = z.object({ lessonId: objectId, fileId: objectId });

/** The URL a file is served at; the Markdown renderer recognises it (render-markdown.ts). */
export const fileUrl = (pluginId: string, f: Pick<LessonFileDoc, '_id' | 'name'>) => `/${pluginId}/files/${f._id}/${f.name}`;

/** What a trainer pastes into the lesson: an image inline, a video as a player, a PDF as a link. */
export function markdownSnippet(pluginId: string, f: Pick<LessonFileDoc, '_id' | 'name' | 'kind'>): string {
  const alt = f.name.replace(/\.[^.]*$/, '').replace(/[-_]+/g, ' ');
  return f.kind === 'pdf' ? `[${f.name}](${fileUrl(pluginId, f)})` : `![${alt}](${fileUrl(pluginId, f)})`;
}

/** What the lesson's pages use of its files. */
export type LessonFiles = ReturnType<typeof registerLessonFiles>;

export function registerLessonFiles(ctx: PluginContext, lessonCourse: (lessonId: string) => Promise<string>) {
  const File = ctx.models.define<LessonFileDoc>(
    'files',
    new Schema<LessonFileDoc>(
      {
        lessonId: { type: Schema.Types.ObjectId, required: true, index: true },
        courseId: { type: Schema.Types.ObjectId, required: true },
        name: { type: String, required: true },
        mime: { type: String, required: true },
        kind: { type: String, required: true },
        size: { type: Number, required: true },
        sha256: { type: String, required: true },
        uploadedBy: { type: String, required: true },
        createdAt: { type: Date, required: true },
      },
      { versionKey: false },
    ),
  );
  const learning = () => ctx.use<LearningService>('learning');
  const limits = ctx.settings as { maxImageMB: number; maxPdfMB: number; maxVideoMB: number };
  const limitOf = (kind: LessonFileKind) => ({ image: limits.maxImageMB, pdf: limits.maxPdfMB, video: limits.maxVideoMB })[kind] * MB;
  const largest = Math.max(limits.maxImageMB, limits.maxPdfMB, limits.maxVideoMB) * MB;

  const view = (f: LessonFileDoc) => ({ id: String(f._id), name: f.name, mime: f.mime, kind: f.kind, size: f.size, url: fileUrl(ctx.id, f), markdown: markdownSnippet(ctx.id, f) });

  /** Streams an upload into the store; returns the file's record. */
  async function receive(lessonId: string, courseId: string, uploadedBy: string, originalName: string, body: AsyncIterable<Buffer>, declaredLength: number): Promise<LessonFileDoc> {
    if (declaredLength > largest) throw FileErrors.tooLarge('The file is too large', { args: { mb: largest / MB } });
    const it = body[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    let ended = false;
    while (head.length < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, r.value]);
    }
    const type = sniffType(head);
    if (!type) throw FileErrors.type('Only PNG, JPEG, GIF, WebP, PDF, MP4 and WebM files can be added', { details: { name: originalName } });
    const limit = limitOf(type.kind);
    if (declaredLength > limit) throw FileErrors.tooLarge('The file is too large', { args: { mb: limit / MB } });
    const hash = createHash('sha256');
    let size = 0;
    async function* counted() {
      const chunks = async function* () {
        yield head;
        if (!ended) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      };
      for await (const c of chunks()) {
        size += c.length;
        if (size > limit) throw FileErrors.tooLarge('The file is too large', { args: { mb: limit / MB } });
        hash.update(c);
        yield c;
      }
    }
    const _id = new Types.ObjectId();
    await ctx.storage.put(`${lessonId}/${_id}`, Readable.from(counted()), { contentType: type.mime });
    const doc: LessonFileDoc = {
      _id,
      lessonId: new Types.ObjectId(lessonId),
      courseId: new Types.ObjectId(courseId),
      name: safeFileName(originalName, type.ext),
      mime: type.mime,
      kind: type.kind,
      size,
      sha256: hash.digest('hex'),
      uploadedBy,
      createdAt: ctx.clock.now(),
    };
    // The record is written after the bytes: a file listed is always a file that can be served.
    await File.create(doc);
    return doc;
  }

  async function requireAuthorOf(user: Parameters<LearningService['requireAuthor']>[0], lessonId: string) {
    const courseId = await lessonCourse(lessonId);
    await learning().requireAuthor(user, courseId);
    return courseId;
  }

  async function remove(lessonId: string, fileId: string) {
    const f = await File.findOneAndDelete({ _id: fileId, lessonId }).lean();
    if (!f) throw Errors.notFound('File not found');
    await ctx.storage.delete(`${lessonId}/${fileId}`);
  }

  const list = (lessonId: string) => File.find({ lessonId }).sort({ createdAt: 1 }).lean();

  ctx.http.route(
    {
      method: 'post',
      path: '/lessons/:lessonId/files',
      capability: 'activity-lesson:author',
      status: 201,
      summary: 'Upload a file (PNG, JPEG, GIF, WebP, PDF, MP4, WebM) into a lesson; the body is the file',
      params: lessonParams,
      query: z.object({ name: z.string().trim().min(1).max(200) }),
      rawBody: { types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'video/mp4', 'video/webm', 'application/octet-stream'], limit: `${largest / MB}mb` },
    },
    async ({ params, query, user, req }) => {
      try {
        const courseId = await requireAuthorOf(user, params.lessonId);
        const f = await receive(params.lessonId, courseId, user!.id, query.name, req as AsyncIterable<Buffer>, Number(req.headers['content-length'] ?? 0));
        return { file: view(f) };
      } catch (e) {
        // Read what is left of a refused upload (up to the largest allowed), so the client can read
        // the reason instead of a connection reset.
        await drain(req, largest);
        throw e;
      }
    },
  );
  ctx.http.route({ method: 'get', path: '/lessons/:lessonId/files', capability: 'activity-lesson:author', summary: "List a lesson's files", params: lessonParams }, async ({ params, user }) => {
    await requireAuthorOf(user, params.lessonId);
    return { files: (await list(params.lessonId)).map(view) };
  });
  ctx.http.route({ method: 'delete', path: '/lessons/:lessonId/files/:fileId', capability: 'activity-lesson:author', summary: 'Remove a file from a lesson', params: fileParams }, async ({ params, user }) => {
    await requireAuthorOf(user, params.lessonId);
    await remove(params.lessonId, params.fileId);
    return {};
  });
  ctx.http.page({ method: 'post', path: '/lessons/:lessonId/files/:fileId/delete', capability: 'activity-lesson:author', summary: 'Remove a file from a lesson (form)', params: fileParams }, async ({ params, user, res }) => {
    await requireAuthorOf(user, params.lessonId);
    await remove(params.lessonId, params.fileId);
    res.redirect(`/${ctx.id}/lessons/${params.lessonId}/edit#files`);
  });

  // Served as a page route: an anonymous visitor is sent to the login page, others are checked
  // like readers of the lesson (requireParticipant: 403 for someone not enrolled).
  ctx.http.page(
    { method: 'get', path: '/files/:fileId/:name', capability: 'activity-lesson:view', summary: 'A lesson file, for those who may read the lesson', params: z.object({ fileId: objectId, name: z.string().max(200) }) },
    async ({ params, user, req, res }) => {
      const f = await File.findById(params.fileId).lean();
      if (!f) throw Errors.notFound('File not found');
      await learning().requireParticipant(user, String(f.courseId));
      const range = parseRange(req.headers.range, f.size);
      res.setHeader('Content-Type', f.mime);
      res.setHeader('Content-Disposition', `inline; filename="${f.name}"`);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('ETag', `"${f.sha256}"`);
      res.setHeader('Accept-Ranges', 'bytes');
      if (req.headers['if-none-match'] === `"${f.sha256}"`) {
        res.status(304).end();
        return;
      }
      if (range === 'unsatisfiable') {
        res.status(416).setHeader('Content-Range', `bytes */${f.size}`).end();
        return;
      }
      const stream = await ctx.storage.get(`${f.lessonId}/${f._id}`, range);
      if (range) res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${f.size}`);
      res.setHeader('Content-Length', range ? range.end - range.start + 1 : f.size);
      await pipeline(stream, res);
    },
  );

  return { list, view };
}

async function drain(req: AsyncIterable<Buffer> & { destroyed?: boolean; readableEnded?: boolean }, limit: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  let read = 0;
  try {
    for await (const c of req) {
      read += c.length;
      if (read > limit) break;
    }
  } catch {
    /* the client went away */
  }
}

/** One `bytes=a-b` range (video seeking); anything else is served whole. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}
