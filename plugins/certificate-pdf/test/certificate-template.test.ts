/**
 * The template schema rejects templates that could not render or could misbehave, and the
 * Handlebars sandbox cannot reach prototypes, partials or helpers beyond its allow-list.
 */
import { expect } from 'chai';
import {
  MAX_LOGO_BYTES,
  certificateTemplateSchema,
  defaultTemplate,
  defaultTemplateEn,
  renderTemplateText,
  templateTextProblem,
  type CertificateTemplateInput,
} from '../certificate-template';

const clone = (t: CertificateTemplateInput): CertificateTemplateInput => structuredClone(t);
const ctx = () => Object.assign(Object.create(null) as Record<string, unknown>, { name: 'Siti Nurhaliza', issuedOn: new Date('2026-11-23T03:00:00Z') });
const data = { timeZone: 'Asia/Jakarta', locale: 'id' as const };

// Mutations deliberately produce invalid shapes, so the template is handled untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
function rejects(mutate: (t: Loose) => void, messagePart?: RegExp): void {
  const t: Loose = clone(defaultTemplate);
  mutate(t);
  const r = certificateTemplateSchema.safeParse(t);
  expect(r.success, 'template should be rejected').to.equal(false);
  if (messagePart && !r.success) expect(JSON.stringify(r.error.issues)).to.match(messagePart);
}

// 1×1 PNG, valid signature.
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('certificate-pdf / template schema', () => {
  it('accepts the default templates and applies defaults', () => {
    const t = certificateTemplateSchema.parse(defaultTemplate);
    expect(t.page).to.deep.equal({ size: 'A4', orientation: 'landscape' });
    expect(t.texts.find((x) => x.id === 'title')?.text).to.equal('SERTIFIKAT KOMPETENSI');
    expect(certificateTemplateSchema.parse(defaultTemplateEn).texts.find((x) => x.id === 'title')?.text).to.equal('CERTIFICATE OF COMPETENCY');
    expect(certificateTemplateSchema.parse({ texts: [], qr: { x: 10, y: 10, size: 80 } }).border.style).to.equal('ornate');
  });

  it('rejects a negative or zero font size', () => {
    rejects((t) => (t.texts[0].size = -4));
    rejects((t) => (t.texts[0].size = 0));
  });

  it('rejects an unknown font', () => rejects((t) => (t.texts[0].font = 'comic-sans'), /font/));

  it('rejects an oversized logo, a non-image logo and a data: URL', () => {
    const big = Buffer.alloc(MAX_LOGO_BYTES + 10);
    Buffer.from(PNG_1PX, 'base64').copy(big);
    rejects((t) => (t.logo = { data: big.toString('base64'), x: 10, y: 10, width: 50, height: 50 }), /logo larger/);
    rejects((t) => (t.logo = { data: Buffer.from('GIF89a-not-allowed-here-at-all').toString('base64'), x: 10, y: 10, width: 50, height: 50 }), /PNG or JPEG/);
    rejects((t) => (t.logo = { data: `data:image/png;base64,${PNG_1PX}`, x: 10, y: 10, width: 50, height: 50 }), /base64/);
    const ok = clone(defaultTemplate);
    ok.logo = { data: PNG_1PX, x: 10, y: 10, width: 50, height: 50 };
    expect(certificateTemplateSchema.safeParse(ok).success).to.equal(true);
  });

  it('rejects elements outside the page, bad colours, duplicate ids and unknown keys', () => {
    rejects((t) => (t.texts[0].x = 800), /beyond/);
    rejects((t) => (t.qr.y = 560), /beyond/);
    rejects((t) => (t.texts[0].color = 'red'));
    rejects((t) => (t.texts[1].id = t.texts[0].id), /duplicate/);
    rejects((t) => (t.texts[0].onClick = 'alert(1)'));
    rejects((t) => (t.texts[0].minSize = 99), /minSize/);
    rejects((t) => (t.signatureArea = undefined), /signatureArea/);
  });

  it('rejects template texts with syntax errors, partials, decorators or helpers off the allow-list', () => {
    for (const bad of ['{{#if name}}unclosed', '{{> header}}', '{{#> layout}}x{{/layout}}', '{{* deco}}', '{{lookup this "constructor"}}', '{{#each items}}{{/each}}', '{{#with name}}{{/with}}', '{{log "x"}}', '{{evil name}}']) {
      expect(templateTextProblem(bad), bad).to.be.a('string');
      rejects((t) => (t.texts[0].text = bad));
    }
    expect(templateTextProblem('{{upper name}} {{tanggal issuedOn}} {{#if jp}}{{jp}}{{else}}-{{/if}} {{#unless x}}y{{/unless}}')).to.equal(null);
  });
});

describe('certificate-pdf / Handlebars sandbox', () => {
  it('cannot reach prototypes: {{constructor.constructor}} and friends render empty', () => {
    for (const src of ['{{constructor.constructor}}', '{{constructor}}', '{{name.constructor}}', '{{__proto__}}', '{{name.__proto__.constructor}}', '{{this.constructor.name}}', '{{#constructor}}x{{/constructor}}', '{{@root.constructor}}']) {
      expect(renderTemplateText(src, ctx(), data), src).to.equal('');
    }
    // The same holds for a context with a prototype (defence in depth beyond the null-prototype
    // context the renderer builds).
    expect(renderTemplateText('{{constructor.constructor}}|{{toString}}', { name: 'x' }, data)).to.equal('|');
  });

  it('does not HTML-escape (PDF text is not HTML)', () => {
    const c = Object.assign(Object.create(null), { name: `Ahmad & Putri <"O'Neil">` });
    expect(renderTemplateText('{{name}}', c, data)).to.equal(`Ahmad & Putri <"O'Neil">`);
  });

  it('has the tanggal and upper helpers, with zone and locale from the render data', () => {
    expect(renderTemplateText('{{upper name}}, {{tanggal issuedOn}}', ctx(), data)).to.equal('SITI NURHALIZA, 23 November 2026');
    expect(renderTemplateText('{{tanggal issuedOn "en"}}', ctx(), { timeZone: 'Asia/Jayapura', locale: 'id' })).to.equal('23 November 2026');
    const late = Object.assign(Object.create(null), { d: new Date('2026-08-16T18:00:00Z') });
    expect(renderTemplateText('{{tanggal d}}', late, { timeZone: 'Asia/Jayapura', locale: 'id' })).to.equal('17 Agustus 2026');
    expect(renderTemplateText('{{tanggal missing}}|{{upper missing}}', ctx(), data)).to.equal('|');
  });

  it('does not leak helpers into the global Handlebars instance', async () => {
    const Handlebars = (await import('handlebars')).default;
    expect(Handlebars.helpers).to.not.have.property('tanggal');
    expect(Handlebars.helpers).to.have.property('each');
  });
});
