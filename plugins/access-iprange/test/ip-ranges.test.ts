/** The IP-range parser (pure): addresses, ranges and membership, IPv4 and IPv6. */
import { expect } from 'chai';
import { inRanges, parseCidr, parseIp } from '../ip-ranges';

describe('access-iprange ranges', () => {
  it('parses IPv4/IPv6 ranges and tells membership', () => {
    const r = ['10.1.0.0/16', '127.0.0.1', '2001:db8::/32'].map((x) => parseCidr(x)!);
    expect(inRanges('10.1.200.3', r)).to.equal(true);
    expect(inRanges('10.2.0.1', r)).to.equal(false);
    expect(inRanges('::ffff:127.0.0.1', r)).to.equal(true);
    expect(inRanges('2001:db8:1::5', r)).to.equal(true);
    expect(inRanges('2001:db9::1', r)).to.equal(false);
    expect(inRanges('not-an-ip', r)).to.equal(false);
  });

  it('refuses a prefix longer than the family allows, and what is no address', () => {
    expect(parseCidr('10.0.0.0/33')).to.equal(undefined);
    expect(parseCidr('2001:db8::/129')).to.equal(undefined);
    expect(parseCidr('10.0.0.0/-1')).to.equal(undefined);
    expect(parseCidr('hello/8')).to.equal(undefined);
  });

  it('reads an IPv4-mapped address as IPv4 and an embedded IPv4 tail as two groups', () => {
    expect(parseIp('::ffff:10.0.0.1')).to.deep.equal(parseIp('10.0.0.1'));
    expect(parseIp('::1.2.3.4')).to.deep.equal({ v: 6, n: (1n << 24n) + (2n << 16n) + (3n << 8n) + 4n });
    expect(parseIp('::')).to.deep.equal({ v: 6, n: 0n });
  });

  it('takes /0 as every address of the family, and a bare address as itself', () => {
    expect(inRanges('203.0.113.9', [parseCidr('0.0.0.0/0')!])).to.equal(true);
    expect(inRanges('2001:db8::1', [parseCidr('0.0.0.0/0')!])).to.equal(false);
    expect(inRanges('127.0.0.2', [parseCidr('127.0.0.1')!])).to.equal(false);
  });
});
