/** The exam form's pure parts: access rules' fields, sources, and field reasons. */
import { expect } from 'chai';
import { z } from 'zod';
import type { AccessRule } from '../../../src/learning/access-rule';
import type { ExamDoc } from '../exam-models';
import { accessFromValues, fieldErrors, parseSource, valuesOf } from '../exam-form';

// Stand-ins: a rule with a form field and one without (the form must name neither).
const roomRule: AccessRule<{ room: string }> = {
  id: 'access-room', nameKey: 'access-room:name', settingsSchema: z.strictObject({ room: z.string().min(3) }),
  form: { fields: [{ name: 'room', labelKey: 'access-room:form.room' }], toFields: (s) => ({ room: s.room }), fromFields: (v) => (v.room ? { room: v.room } : null), invalidKey: 'access-room:form.invalid' },
};
const quietRule: AccessRule = { id: 'access-quiet', nameKey: 'access-quiet:name', settingsSchema: z.unknown() };
const rules = [roomRule, quietRule] as AccessRule[];

describe('activity-exam exam form', () => {
  describe('access rules', () => {
    it('gives a rule its settings from its own fields, and leaves it off when they are empty', () => {
      expect(accessFromValues(rules, { 'access-room:room': 'R101' })).to.deep.equal({ access: [{ rule: 'access-room', settings: { room: 'R101' } }], errors: {} });
      expect(accessFromValues(rules, { 'access-room:room': '' })).to.deep.equal({ access: [], errors: {} });
    });

    it('names the refused rule\'s field with the rule\'s own reason', () => {
      const r = accessFromValues(rules, { 'access-room:room': 'R1' });
      expect(r.errors).to.deep.equal({ 'access-room:room': 'access-room:form.invalid' });
    });

    it('keeps a rule the form has no fields for on edit, and replaces the ones it has', () => {
      const kept = [{ rule: 'access-quiet', settings: { x: 1 } }, { rule: 'access-room', settings: { room: 'OLD1' } }];
      expect(accessFromValues(rules, { 'access-room:room': '' }, kept).access).to.deep.equal([{ rule: 'access-quiet', settings: { x: 1 } }]);
      expect(accessFromValues(rules, { 'access-room:room': 'NEW1' }, kept).access).to.deep.equal([{ rule: 'access-quiet', settings: { x: 1 } }, { rule: 'access-room', settings: { room: 'NEW1' } }]);
    });

    it('shows an exam\'s rule settings in the rule\'s fields', () => {
      const exam = { title: 'T', intro: '', attemptsAllowed: 1, navigation: 'free', board: { identity: 'names', public: false }, sections: [], access: [{ rule: 'access-room', settings: { room: 'R101' } }] } as unknown as ExamDoc;
      expect(valuesOf(exam, 'Asia/Jakarta', rules)['access-room:room']).to.equal('R101');
    });
  });

  describe('sources', () => {
    it('reads a whole bank or a bank and category, and nothing else', () => {
      const bank = 'a'.repeat(24);
      const cat = 'b'.repeat(24);
      expect(parseSource(bank)).to.deep.equal({ bankId: bank });
      expect(parseSource(`${bank}:${cat}`)).to.deep.equal({ bankId: bank, categoryId: cat });
      expect(parseSource('x')).to.equal(null);
      expect(parseSource(`${bank}:`)).to.equal(null);
    });
  });

  describe('field reasons', () => {
    it('puts a section\'s issue beside its row\'s field and a setting\'s beside its own', () => {
      const t = (key: string) => key;
      const out = fieldErrors([{ path: ['sections', 1, 'draw', 'count'], message: '' }, { path: ['title'], message: '' }, { path: ['pass', 'value'], message: '' }], t);
      expect(out).to.deep.equal({ s2_count: 'activity-exam:form.invalid.section.count', title: 'activity-exam:form.invalid.title', passPoints: 'activity-exam:form.invalid.passPoints' });
    });
  });
});
