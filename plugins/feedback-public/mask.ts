/**
 * Personal data masked before a citizen's text is published (UU 27/2022: collect and show the
 * minimum): e-mail addresses, and any number of 9 or more digits written with or without spaces,
 * dots or dashes — NIK (16 digits), NIP (18), phone numbers (08…, +62…) and account numbers. Dates
 * (8 digits at most) and amounts after "Rp" stay. Every digit of a masked number becomes `*`, so
 * the reader sees that something was there and nothing of it. The original stays visible only to
 * the unit's moderators.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** A run of digits with single separators between them (space, dot, dash, slash not included), optionally after +. */
const NUMBER = /\+?\d(?:[ .-]?\d)+/g;
const MIN_DIGITS = 9;

export function maskPersonalData(text: string): string {
  const noEmails = text.replace(EMAIL, (m) => `${m[0]}***@***`);
  return noEmails.replace(NUMBER, (m, offset: number, whole: string) => {
    const digits = m.replace(/\D/g, '').length;
    if (digits < MIN_DIGITS) return m;
    if (/Rp\.?\s*$/i.test(whole.slice(Math.max(0, offset - 4), offset))) return m;
    return m.replace(/\d/g, '*');
  });
}
