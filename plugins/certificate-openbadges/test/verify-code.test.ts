/**
 * Verification codes: 128 random bits as 26 base32 characters, read back from the printed form.
 */
import { expect } from 'chai';
import { CODE_RE, displayVerifyCode, newVerifyCode, normalizeVerifyCode } from '../verify-code';

describe('certificate-openbadges/verify-code', () => {
  describe('newVerifyCode', () => {
    it('does give 26 lower-case base32 characters carrying 128 random bits', () => {
      const codes = new Set(Array.from({ length: 2000 }, () => newVerifyCode()));
      expect(codes.size).to.equal(2000);
      for (const c of codes) expect(c).to.match(CODE_RE);
      // Every position varies (no fixed prefix or counter); the last carries the final 3 bits,
      // padded with two zero bits: values 0, 4, …, 28 → a e i m q u y 4.
      const last = new Set([...codes].map((c) => c[25]));
      expect([...last].sort().join('')).to.equal('4aeimquy');
      const first = new Set([...codes].map((c) => c[0]));
      expect(first.size).to.equal(32);
    });
  });

  describe('normalizeVerifyCode and displayVerifyCode', () => {
    it('does read the printed, grouped, upper-case form back', () => {
      const code = newVerifyCode();
      const printed = displayVerifyCode(code);
      expect(printed).to.match(/^([A-Z2-7]{4}-){6}[A-Z2-7]{2}$/);
      expect(normalizeVerifyCode(printed)).to.equal(code);
      expect(normalizeVerifyCode(` ${printed.replace(/-/g, ' ')} `)).to.equal(code);
    });

    it('does refuse what cannot be a code', () => {
      for (const bad of ['', 'abc', '0'.repeat(26), `${'a'.repeat(25)}1`, 'a'.repeat(27), '{"$gt":""}', 'x'.repeat(61)]) {
        expect(normalizeVerifyCode(bad), bad).to.equal(undefined);
      }
    });
  });
});
