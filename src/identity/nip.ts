/**
 * ASN identity numbers (DOMAIN.md). NIP (PNS): birth date yyyymmdd + CPNS start yyyymm + sex (1/2)
 * + sequence 001–999. PPPK number: birth date + appointment year yyyy + '2' + contract count 1–9 +
 * sex + 3-digit sequence. We check exactly these parts and add no rules of our own.
 */

export type AsnKind = 'pns' | 'pppk';

export interface ParsedAsnNumber {
  kind: AsnKind;
  birthDate: string;
  sex: 'male' | 'female';
  sequence: number;
  /** PNS: yyyy-mm of CPNS start. */
  cpnsStart?: string;
  /** PPPK: appointment year and contract count. */
  appointmentYear?: number;
  contractCount?: number;
}

/** A failure carries its reason in English (the API's text) and an i18n key with args for pages (`people.nip.*`). */
export type NipCheck = { ok: true; value: ParsedAsnNumber } | { ok: false; reason: string; key: string; args?: Record<string, string> };

const fail = (reason: string, key: string, args?: Record<string, string>): NipCheck => ({ ok: false, reason, key: `people.nip.${key}`, ...(args ? { args } : {}) });

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

const num = (s: string, a: number, b: number) => Number(s.slice(a, b));

/** Validates an 18-digit NIP (PNS) or PPPK number; the reason names the part that is wrong. */
export function checkAsnNumber(input: string): NipCheck {
  const s = input.replace(/\s+/g, '');
  if (!/^\d{18}$/.test(s)) return fail('must be exactly 18 digits', 'digits');
  const by = num(s, 0, 4), bm = num(s, 4, 6), bd = num(s, 6, 8);
  if (!realDate(by, bm, bd)) return fail(`digits 1–8 are not a real birth date (${s.slice(0, 8)})`, 'birthDate', { value: s.slice(0, 8) });
  const birthDate = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  const sequence = num(s, 15, 18);
  if (sequence === 0) return fail('the sequence number (digits 16–18) cannot be 000', 'sequence');
  const sexDigit = s[14];
  if (sexDigit !== '1' && sexDigit !== '2') return fail('digit 15 (sex) must be 1 or 2', 'sex');
  const sex = sexDigit === '1' ? 'male' : 'female';

  // Digit 13 is '2' only for PPPK; for a PNS it is the first digit of a month (0 or 1).
  if (s[12] === '2') {
    const appointmentYear = num(s, 8, 12);
    const contractCount = num(s, 13, 14);
    if (contractCount < 1) return fail('digit 14 (PPPK contract count) must be 1–9', 'contract');
    if (appointmentYear < by) return fail('the appointment year is before the birth date', 'appointmentBeforeBirth');
    return { ok: true, value: { kind: 'pppk', birthDate, sex, sequence, appointmentYear, contractCount } };
  }
  const cy = num(s, 8, 12), cm = num(s, 12, 14);
  if (!realDate(cy, cm, 1)) return fail(`digits 9–14 are not a real CPNS start month (${s.slice(8, 14)})`, 'cpnsStart', { value: s.slice(8, 14) });
  if (cy * 100 + cm < by * 100 + bm) return fail('the CPNS start is before the birth date', 'cpnsBeforeBirth');
  return { ok: true, value: { kind: 'pns', birthDate, sex, sequence, cpnsStart: `${s.slice(8, 12)}-${s.slice(12, 14)}` } };
}

/** Masks an NIP for public screens: keeps the first 4 and last 3 digits. */
export function maskNip(nip: string): string {
  return nip.length === 18 ? `${nip.slice(0, 4)}${'*'.repeat(11)}${nip.slice(15)}` : '***';
}
