/**
 * The built-in templates as they were at version 1, before they printed the agency's signatory,
 * the holder's NIP and unit and the register number (ADR 0052). Certificates issued with version 1
 * recorded `{ id: 'default', version: 1 }` and must re-render byte for byte from it (ADR 0013), so
 * the old layout is kept here, unchanged, and never offered for new certificates. Its signatory was
 * a sample; it is what those certificates printed.
 */
import type { CertificateTemplateInput } from './certificate-template';
import type { CertificateLocale } from './indonesian-date';

const W = 841.89;
const CX = 90; // left edge of the centred text column
const CW = W - 2 * CX; // its width

export function builtInTemplateV1(locale: CertificateLocale): CertificateTemplateInput {
  const id = locale === 'id';
  return {
    schemaVersion: 1,
    name: id ? 'Sertifikat Kompetensi (bawaan)' : 'Certificate of Competency (default)',
    page: { size: 'A4', orientation: 'landscape' },
    margins: { top: 40, right: 40, bottom: 40, left: 40 },
    colors: { background: '#FFFDF7', primary: '#1B3A5C', accent: '#A8842C', text: '#23272E', muted: '#5F6670' },
    border: { style: 'ornate', inset: 18, width: 2.5, color: 'primary', innerColor: 'accent' },
    backgroundPattern: 'rosette',
    texts: [
      { id: 'issuer', text: '{{upper issuerName}}', x: CX, y: 64, width: CW, align: 'center', font: 'sans-bold', size: 10.5, color: 'primary', characterSpacing: 1.6, height: 28, minSize: 8, preferOneLine: true },
      { id: 'title', text: id ? 'SERTIFIKAT KOMPETENSI' : 'CERTIFICATE OF COMPETENCY', x: CX, y: 96, width: CW, align: 'center', font: 'serif-bold', size: 32, color: 'primary', characterSpacing: 3, height: 42, minSize: 18, preferOneLine: true },
      { id: 'number', text: id ? 'Nomor: {{code}}' : 'No. {{code}}', x: CX, y: 142, width: CW, align: 'center', font: 'sans', size: 9.5, color: 'muted', characterSpacing: 0.5 },
      { id: 'presented', text: id ? 'diberikan kepada' : 'is presented to', x: CX, y: 182, width: CW, align: 'center', font: 'serif', size: 13, color: 'text' },
      { id: 'name', text: '{{name}}', x: CX, y: 203, width: CW, align: 'center', font: 'serif-bold', size: 30, color: 'primary', height: 46, minSize: 16, valign: 'middle', preferOneLine: true },
      { id: 'for', text: id ? 'atas keberhasilannya mencapai' : 'for successfully achieving', x: CX, y: 268, width: CW, align: 'center', font: 'serif', size: 13, color: 'text' },
      { id: 'achievement', text: '{{achievement}}', x: CX, y: 290, width: CW, align: 'center', font: 'serif-bold', size: 18, color: 'text', height: 46, minSize: 12 },
      {
        id: 'competency',
        text: id
          ? '{{#if competency}}Kompetensi {{competency}}{{#if level}} — Tingkat {{level}}{{/if}}{{/if}}'
          : '{{#if competency}}Competency: {{competency}}{{#if level}} — Level {{level}}{{/if}}{{/if}}',
        x: CX, y: 341, width: CW, align: 'center', font: 'sans', size: 11, color: 'text', height: 18, minSize: 8, preferOneLine: true,
      },
      {
        id: 'jp',
        text: id
          ? '{{#if jp}}dengan beban belajar {{jp}} JP (Jam Pelajaran){{/if}}{{#if validUntil}}{{#if jp}} · {{/if}}berlaku sampai dengan {{tanggal validUntil}}{{/if}}'
          : '{{#if jp}}with a study load of {{jp}} JP (lesson hours){{/if}}{{#if validUntil}}{{#if jp}} · {{/if}}valid until {{tanggal validUntil}}{{/if}}',
        x: CX, y: 361, width: CW, align: 'center', font: 'sans', size: 9.5, color: 'muted', height: 28, minSize: 7.5,
      },
      { id: 'place-date', text: '{{#if place}}{{place}}, {{/if}}{{tanggal issuedOn}}', x: 530, y: 404, width: 250, align: 'center', font: 'serif', size: 11, color: 'text', height: 15, minSize: 8, preferOneLine: true },
    ],
    rules: [
      { x1: 300, y1: 167, x2: W - 300, y2: 167, width: 0.75, color: 'accent', ornament: true },
      { x1: 260, y1: 255, x2: W - 260, y2: 255, width: 0.6, color: 'accent', ornament: false },
    ],
    qr: { x: 72, y: 404, size: 104, caption: id ? 'Pindai untuk memverifikasi' : 'Scan to verify' },
    signatories: [
      { name: 'Dr. Andi Rahman, S.Sos., M.Si.', title: id ? 'Kepala Badan Pengembangan\nSumber Daya Manusia,' : 'Head of the Human Resources\nDevelopment Agency,', nip: '19750101 200003 1 001' },
    ],
    signatureArea: { x: 530, y: 420, width: 250, gap: 50, size: 11 },
    footer: { show: true, size: 7.5, color: 'muted' },
  };
}

