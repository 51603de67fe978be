/** iCalendar (RFC 5545) text of calendar entries: UTC times, escaped text, lines folded at 75 octets. */
import type { CalendarEntry } from '../../src/learning/calendar';

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const text = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

function fold(line: string): string {
  const out: string[] = [];
  let rest = Buffer.from(line, 'utf8');
  let first = true;
  while (rest.length > (first ? 75 : 74)) {
    let cut = first ? 75 : 74;
    while (cut > 0 && (rest[cut]! & 0xc0) === 0x80) cut--; // never split a UTF-8 character
    out.push((first ? '' : ' ') + rest.subarray(0, cut).toString('utf8'));
    rest = rest.subarray(cut);
    first = false;
  }
  out.push((first ? '' : ' ') + rest.toString('utf8'));
  return out.join('\r\n');
}

export function toIcal(entries: CalendarEntry[], opts: { name: string; baseUrl: string; now: Date }): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Bina//Kalender ASN//ID', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${text(opts.name)}`];
  for (const e of entries) {
    lines.push('BEGIN:VEVENT', `UID:${text(e.uid)}`, `DTSTAMP:${stamp(opts.now)}`, `DTSTART:${stamp(e.start)}`, `DTEND:${stamp(e.end)}`, `SUMMARY:${text(e.title)}`);
    if (e.place) lines.push(`LOCATION:${text(e.place)}`);
    lines.push(`URL:${opts.baseUrl}${e.href}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
