/**
 * Markdown → sanitised HTML. Trainers are trusted to write content, not script: whatever they
 * type, the stored HTML has no script, event handler, style or javascript: URL (xss risk).
 *
 * - The page title is the page's `h1`, so the lesson's own headings move one level down (`#` → h2).
 * - An image whose URL is one of the lesson's video files (`/activity-lesson/files/<id>/<name>.mp4`)
 *   becomes a video player; videos are only ever this site's own files.
 */
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Bump when the output changes; lessons rendered by an older version are rendered again at start. */
export const RENDER_VERSION = 2;

const VIDEO_URL = /^\/activity-lesson\/files\/[a-f0-9]{24}\/[A-Za-z0-9_-]+\.(mp4|webm)$/;

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  walkTokens(token) {
    if (token.type === 'heading') (token as Tokens.Heading).depth = Math.min(6, (token as Tokens.Heading).depth + 1);
  },
  renderer: {
    image({ href, text }) {
      if (VIDEO_URL.test(href)) return `<video controls preload="metadata" src="${escapeAttr(href)}" title="${escapeAttr(text)}"></video>`;
      return false;
    },
  },
});

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'video', 'h1', 'h2', 'del', 'ins', 'sup', 'sub'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'], video: ['src', 'controls', 'preload', 'title'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'], video: [] },
  allowProtocolRelative: false,
  exclusiveFilter: (frame) => frame.tag === 'video' && !VIDEO_URL.test(frame.attribs.src ?? ''),
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, ALLOWED);
}
