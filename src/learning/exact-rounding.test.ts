import { expect } from 'chai';
import { decimalToFraction, roundFraction } from './exact-rounding';

describe('exact rounding', () => {
  it('rounds half away from zero where binary floating point would round down', () => {
    expect(Math.round(1.005 * 100) / 100).to.equal(1); // the trap this module exists for
    expect(roundFraction(1005n, 1000n)).to.equal(1.01);
    expect(roundFraction(76605n, 1000n)).to.equal(76.61);
    expect(roundFraction(-76605n, 1000n)).to.equal(-76.61);
    expect(roundFraction(1n, 3n)).to.equal(0.33);
    expect(roundFraction(2n, 3n)).to.equal(0.67);
    expect(roundFraction(5n, 1n, 0)).to.equal(5);
    expect(roundFraction(1n, -8n, 3)).to.equal(-0.125);
  });

  it('reads plain decimals exactly and refuses anything else', () => {
    expect(decimalToFraction('0.11')).to.deep.equal({ numerator: 11n, denominator: 100n });
    expect(decimalToFraction('90')).to.deep.equal({ numerator: 90n, denominator: 1n });
    for (const bad of ['1e3', '0x1', '', '.5', '1,5']) expect(() => decimalToFraction(bad), bad).to.throw(RangeError);
  });
});
