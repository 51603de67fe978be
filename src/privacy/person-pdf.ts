/**
 * The readable summary of a personal-data export: one PDF a person can read without tools, with
 * their account, then each part of Bina that holds rows about them (who keeps it, why, how many
 * rows, and a line per row), then the audit rows. The JSON export is the complete record; this is
 * its table of contents, so rows are shortened and long lists are cut with a note.
 */
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { REPO_ROOT } from '../kernel/core-version';
import type { PersonExport } from './person-data';

const FONT_DIR = join(REPO_ROOT, 'templates', 'certificates', 'fonts');
const ROWS_PER_SECTION = 40;

export interface PdfLabels {
  title: string;
  generated: string;
  account: string;
  rows: string;
  purpose: string;
  erase: string;
  audit: string;
  more: string;
  none: string;
}

/** A row as one line: its scalar fields, long values shortened. */
function line(row: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined || typeof v === 'object' && !(v instanceof Date) && typeof (v as { toHexString?: unknown }).toHexString !== 'function') continue;
    const text = v instanceof Date ? v.toISOString() : String(v);
    parts.push(`${k}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`);
  }
  return parts.join(' · ') || '—';
}

export async function personPdf(data: PersonExport, labels: PdfLabels): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: labels.title, Author: 'Bina' } });
  doc.registerFont('sans', join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont('sans-bold', join(FONT_DIR, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const h = (text: string, size = 13) => doc.moveDown(0.6).font('sans-bold').fontSize(size).text(text);
  const p = (text: string, size = 9) => doc.font('sans').fontSize(size).text(text);

  h(labels.title, 18);
  p(`${labels.generated}: ${data.generatedAt}`);
  h(labels.account);
  for (const [k, v] of Object.entries(data.person)) {
    if (v === null || v === undefined) continue;
    p(`${k}: ${v instanceof Date ? v.toISOString() : typeof v === 'object' && typeof (v as { toHexString?: unknown }).toHexString !== 'function' ? JSON.stringify(v) : String(v)}`);
  }
  for (const s of data.sections) {
    h(`${s.owner} · ${s.collection} · ${s.person} (${s.rows.length} ${labels.rows})`, 11);
    for (const purpose of s.purposes) p(`${labels.purpose}: ${purpose}`);
    p(`${labels.erase}: ${s.erase}`);
    if (!s.rows.length) p(labels.none);
    for (const r of s.rows.slice(0, ROWS_PER_SECTION)) p(`• ${line(r)}`, 8);
    if (s.rows.length > ROWS_PER_SECTION) p(labels.more.replace('{{n}}', String(s.rows.length - ROWS_PER_SECTION)), 8);
  }
  h(`${labels.audit} (${data.audit.length} ${labels.rows})`, 11);
  for (const r of data.audit.slice(0, ROWS_PER_SECTION * 2)) p(`• #${r.seq} ${r.at instanceof Date ? r.at.toISOString() : String(r.at)} ${r.action} (${r.subject.type} ${r.subject.id})`, 8);
  if (data.audit.length > ROWS_PER_SECTION * 2) p(labels.more.replace('{{n}}', String(data.audit.length - ROWS_PER_SECTION * 2)), 8);
  doc.end();
  return done;
}
