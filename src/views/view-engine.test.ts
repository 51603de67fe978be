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
      it(`refuses a template that reads it by a path ({{${path}}})`, () => {
        const views = new ViewEngine(new Translator('id'));
        expect(() => views.addTemplate('test', 'bad', `{{#each rows}}<input value="{{${path}}}">{{/each}}`)).to.throw(/CSRF token by a path/);
      });
    }
  });
});
