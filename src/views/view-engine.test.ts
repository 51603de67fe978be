import { expect } from 'chai';
import { Translator } from './i18n';
import { ViewEngine } from './view-engine';

describe('ViewEngine', () => {
  describe('the CSRF token in forms', () => {
    it('gives a form nested in #each and #if the page token', () => {
      const views = new ViewEngine(new Translator('id'));
      views.addTemplate('test', 'rows', '{{#each rows}}{{#if open}}<input name="_csrf" value="{{csrfToken}}">{{/if}}{{/each}}');
      const html = views.render('rows', { csrfToken: 'tok-123', rows: [{ open: true }, { open: true }] });
      expect(html).to.equal('<input name="_csrf" value="tok-123"><input name="_csrf" value="tok-123">');
    });

    for (const path of ['../csrfToken', '../../csrfToken', '@root.csrfToken', 'this.csrfToken']) {
      it(`gives it by a path too ({{${path}}}), at any depth`, () => {
        const views = new ViewEngine(new Translator('id'));
        views.addTemplate('test', 'rows', `{{#each rows}}{{#if open}}<input value="{{${path}}}">{{/if}}{{/each}}`);
        expect(views.render('rows', { csrfToken: 'tok-9', rows: [{ open: true }] })).to.equal('<input value="tok-9">');
      });
    }
  });
});

describe('ViewEngine fields named like helpers', () => {
  it('renders a bare {{number}} or {{json}} as the field of the context', () => {
    const views = new ViewEngine(new Translator('id'));
    views.addTemplate('test', 'rows', '{{#each rows}}#{{number}} {{json}};{{/each}}');
    expect(views.render('rows', { rows: [{ number: 1, json: '{"a":1}' }, { number: 2, json: '[]' }] })).to.equal('#1 {&quot;a&quot;:1};#2 [];');
  });

  it('still calls the helper when it has arguments', () => {
    const views = new ViewEngine(new Translator('id'));
    views.addTemplate('test', 'n', '{{number value}}');
    expect(views.render('n', { value: 1234.5, locale: 'id' })).to.equal('1.234,5');
  });
});

describe('ViewEngine dates', () => {
  it('shows a plain calendar day in the page language, the same day in any zone', () => {
    const views = new ViewEngine(new Translator('id'));
    views.addTemplate('test', 'd', '{{date day}}');
    expect(views.render('d', { day: '2026-12-08', locale: 'id', timeZone: 'Asia/Jayapura' })).to.equal('8 Des 2026');
    expect(views.render('d', { day: '2026-12-08', locale: 'en', timeZone: 'Asia/Jakarta' })).to.equal('8 Dec 2026');
  });
  it('shows an instant as its day in the viewer\'s zone, and passes text it cannot read through', () => {
    const views = new ViewEngine(new Translator('id'));
    views.addTemplate('test', 'd', '{{date at}}');
    // 20:30 UTC on the 7th is already the 8th in Makassar (WITA, UTC+8).
    expect(views.render('d', { at: new Date('2026-12-07T20:30:00Z'), locale: 'id', timeZone: 'Asia/Makassar' })).to.equal('8 Des 2026');
    expect(views.render('d', { at: new Date('2026-12-07T20:30:00Z'), locale: 'id', timeZone: 'Asia/Jakarta' })).to.equal('8 Des 2026');
    expect(views.render('d', { at: new Date('2026-12-07T10:30:00Z'), locale: 'id', timeZone: 'Asia/Jakarta' })).to.equal('7 Des 2026');
    expect(views.render('d', { at: 'kapan-kapan', locale: 'id' })).to.equal('kapan-kapan');
  });
});
