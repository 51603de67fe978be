/**
 * Public verification codes: 128 random bits in RFC 4648 base32 (26 characters, lower case in
 * URLs), printed on the certificate in upper-case groups of four so people can read and type it.
 *
 * Invariant: a code carries no information (not the learner, not the order of issue) and cannot
 * be guessed: 2^128 possibilities, so enumerating /verify/<code> is hopeless without rate limits.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const CODE_LENGTH = 26;
export const CODE_RE = /^[a-z2-7]{26}$/;

/** A fresh code: 16 random bytes → 26 base32 characters (the last carries 3 random bits). */
export function newVerifyCode(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Accepts the printed form ("ABCD-EFGH-…", spaces, any case); undefined if it cannot be a code. */
export function normalizeVerifyCode(input: string): string | undefined {
  if (input.length > 60) return undefined;
  const code = input.replace(/[\s-]+/g, '').toLowerCase();
  return CODE_RE.test(code) ? code : undefined;
}

/** "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ": how the code is printed. */
export function displayVerifyCode(code: string): string {
  return (code.toUpperCase().match(/.{1,4}/g) ?? []).join('-');
}
