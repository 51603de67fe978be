/**
 * IP addresses and CIDR ranges as big integers (pure): IPv4 and IPv6, with IPv4-mapped IPv6
 * addresses read as IPv4 and an embedded IPv4 tail (`::1.2.3.4`) as two groups.
 */
import { isIP } from 'node:net';

/** An address as a big integer with its family, or undefined when it is not an IP. */
export function parseIp(ip: string): { v: 4 | 6; n: bigint } | undefined {
  let a = ip.trim();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  const fam = isIP(a);
  if (fam === 4) return { v: 4, n: a.split('.').reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n) };
  if (fam === 6) {
    const [head, tail] = a.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    // An embedded IPv4 tail (::1.2.3.4) is two groups.
    const expand = (parts: string[]) => parts.flatMap((p) => (p.includes('.') ? ((x) => [(x >> 16n) & 0xffffn, x & 0xffffn])(parseIp(p)!.n).map((x) => x.toString(16)) : [p]));
    const hh = expand(h);
    const tt = expand(t);
    const groups = tail === undefined ? hh : [...hh, ...Array(8 - hh.length - tt.length).fill('0'), ...tt];
    return { v: 6, n: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return undefined;
}

export interface Cidr { v: 4 | 6; net: bigint; bits: number }

export function parseCidr(s: string): Cidr | undefined {
  const [addr, len] = s.trim().split('/');
  const p = parseIp(addr ?? '');
  if (!p) return undefined;
  const max = p.v === 4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(max - bits);
  return { v: p.v, net: p.n & mask, bits };
}

export function inRanges(ip: string, ranges: Cidr[]): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  return ranges.some((r) => {
    if (r.v !== p.v) return false;
    const max = r.v === 4 ? 32 : 128;
    const mask = r.bits === 0 ? 0n : ((1n << BigInt(r.bits)) - 1n) << BigInt(max - r.bits);
    return (p.n & mask) === r.net;
  });
}
