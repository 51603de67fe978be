/**
 * What the page sweep counts as text in the wrong language or as a raw i18n key.
 *
 * - Raw keys: `<plugin-id>:<key>` or `<core top-level key>.<key>` (the namespaces are read from
 *   the string files, so a new plugin's keys are caught with no list to update).
 * - Whole labels: a visible text that equals a string found only in the other language's files
 *   (e.g. "Save" on an Indonesian page) is a label left untranslated.
 * - Words: UI words of the other language that Bina writes in code or templates rather than in the
 *   string files ("15 min", "answered", "Default"); checked as whole, case-sensitive words.
 *   Demo content is Indonesian, so the Indonesian list for English pages holds only UI words
 *   that no course text uses (buttons and labels), not common words such as "dan".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';

/** English UI words that must not appear on Indonesian pages. */
export const ENGLISH_WORDS = [
  'Submit', 'Save', 'Cancel', 'Delete', 'Edit', 'Back', 'Next', 'Previous', 'Search', 'Loading', 'Error', 'Errors',
  'Invalid', 'Unknown', 'Required', 'answered', 'unanswered', 'true', 'false', 'min', 'mins', 'minutes', 'hours', 'Default',
  'Yes', 'None', 'Name', 'Title', 'Description', 'Score', 'Question', 'Questions', 'Answer', 'Answers',
  'Download', 'Upload', 'Settings', 'Users', 'Courses', 'Lesson', 'Lessons', 'Exam', 'Exams',
  'Certificate', 'Certificates', 'Dashboard', 'Home', 'Logout', 'Log out', 'Sign in', 'Password', 'Username',
  'Created', 'Updated', 'Disabled', 'Enabled', 'Details', 'View', 'Close', 'Preview', 'Results',
  'Attempt', 'Attempts', 'Pending', 'Grade', 'Grading', 'Inbox', 'Notifications', 'Revoked', 'Expired', 'Issued',
  'Revoke', 'Reissue', 'Signature', 'Issuer', 'Holder', 'Valid from', 'Not found', 'Forbidden', 'active', 'disabled',
];

/** Indonesian UI words that must not appear on English pages (none of them occurs in demo content). */
export const INDONESIAN_WORDS = [
  'Simpan', 'Batal', 'Hapus', 'Kembali', 'Keluar', 'Kirim', 'Beranda', 'Pratinjau', 'Unduh', 'Unggah', 'Tambah',
  'Terbitkan', 'Cabut', 'Lewati', 'Sebelumnya', 'Berikutnya', 'Selesaikan', 'Kata sandi', 'belum dibaca',
  'Pemberitahuan', 'Sertifikat saya', 'Terbitkan ulang', 'menit', 'dijawab', 'benar', 'salah', 'Bawaan',
];

const wordsRegex = (words: string[]) => `(?<![\\p{L}\\p{N}_-])(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}\\p{N}_-])`;

export interface LanguageRules {
  rawKey: string;
  foreignWords: Record<'id' | 'en', string>;
  foreignLabels: Record<'id' | 'en', string[]>;
}

/**
 * The string files by namespace: the core's are every `lang/` folder below src/ (src/views/lang,
 * src/identity/lang, …, merged into namespace `core`), each plugin's its `lang/`.
 */
export function stringFiles(): Array<{ ns: string; dir: string }> {
  const out: Array<{ ns: string; dir: string }> = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name === 'lang') out.push({ ns: 'core', dir: join(d, e.name) });
      else walkDir(join(d, e.name));
    }
  };
  walkDir(join(REPO_ROOT, 'src'));
  const pluginsDir = join(REPO_ROOT, 'plugins');
  for (const d of readdirSync(pluginsDir).sort()) if (existsSync(join(pluginsDir, d, 'lang'))) out.push({ ns: d, dir: join(pluginsDir, d, 'lang') });
  return out;
}

export function readStrings(dir: string, locale: 'id' | 'en'): Record<string, unknown> {
  const f = join(dir, `${locale}.json`);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>) : {};
}

/** Every leaf as `a.b.c` -> string. */
export function flatten(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}

export function languageRules(): LanguageRules {
  const files = stringFiles();
  const coreTop = [...new Set(files.filter((f) => f.ns === 'core').flatMap((f) => Object.keys(readStrings(f.dir, 'id'))))].filter((k) => k !== 'app');
  const pluginNs = files.filter((f) => f.ns !== 'core').map((f) => f.ns);
  const rawKey = `(?<![\\w@/.-])(?:(?:${pluginNs.join('|')}):[A-Za-z][\\w-]*(?:\\.[\\w-]+)*|(?:${coreTop.join('|')})\\.[A-Za-z][\\w-]*(?:\\.[\\w-]+)*)(?![\\w@/-])(?<!\\.(?:csv|json|pdf|xml|txt|gift|zip|xlsx))`;
  const values = { id: new Set<string>(), en: new Set<string>() };
  for (const f of files) {
    for (const loc of ['id', 'en'] as const) for (const v of flatten(readStrings(f.dir, loc)).values()) if (!v.includes('{{')) values[loc].add(v.trim().toLowerCase());
  }
  // Short labels only (a long sentence is checked by the word lists), found in one language only.
  const only = (a: Set<string>, b: Set<string>) => [...a].filter((v) => !b.has(v) && v.length >= 3 && v.split(/\s+/).length <= 4 && /\p{L}{3}/u.test(v));
  return {
    rawKey,
    foreignWords: { id: wordsRegex(ENGLISH_WORDS), en: wordsRegex(INDONESIAN_WORDS) },
    foreignLabels: { id: only(values.en, values.id), en: only(values.id, values.en) },
  };
}
