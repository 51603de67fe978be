/**
 * Which files a lesson may carry, told by their first bytes (magic numbers), never by the name or
 * the Content-Type the browser sent: a renamed HTML or SVG file (script) is refused. The type
 * found here is the one the file is served with.
 */
export type LessonFileKind = 'image' | 'pdf' | 'video';

export interface SniffedType {
  mime: string;
  ext: string;
  kind: LessonFileKind;
}

const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;

/** The number of leading bytes `sniffType` needs. */
export const SNIFF_BYTES = 16;

export function sniffType(head: Buffer): SniffedType | undefined {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mime: 'image/png', ext: 'png', kind: 'image' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg', kind: 'image' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { mime: 'image/gif', ext: 'gif', kind: 'image' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp', kind: 'image' };
  if (ascii(head, 0, '%PDF-')) return { mime: 'application/pdf', ext: 'pdf', kind: 'pdf' };
  // ISO base media (MP4): a box size, then 'ftyp'. QuickTime ('qt  ' brand) plays poorly in browsers.
  if (ascii(head, 4, 'ftyp') && !ascii(head, 8, 'qt  ')) return { mime: 'video/mp4', ext: 'mp4', kind: 'video' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return { mime: 'video/webm', ext: 'webm', kind: 'video' };
  return undefined;
}

/** A display name made safe for a URL segment: the name's stem in `[A-Za-z0-9_-]`, with the sniffed extension. */
export function safeFileName(original: string, ext: string): string {
  const base = original.replace(/\.[^.]*$/, '').normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${base || 'file'}.${ext}`;
}
