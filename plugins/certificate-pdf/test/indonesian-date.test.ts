/**
 * Indonesian certificate dates: the calendar day is taken in the issuer's zone (WIB/WITA/WIT),
 * and the fixed month table matches what ICU's id-ID says on this Node.
 */
import { expect } from 'chai';
import { calendarDayIn, formatCertificateDate, monthNames } from '../indonesian-date';

describe('certificate-pdf / indonesian-date', () => {
  it('formats "23 November 2026" in Indonesian and English', () => {
    const d = new Date('2026-11-23T03:00:00Z');
    expect(formatCertificateDate(d, 'Asia/Jakarta', 'id')).to.equal('23 November 2026');
    expect(formatCertificateDate(d, 'Asia/Jakarta', 'en')).to.equal('23 November 2026');
    expect(formatCertificateDate(new Date('2026-08-17T02:00:00Z'), 'Asia/Jakarta', 'id')).to.equal('17 Agustus 2026');
    expect(formatCertificateDate(new Date('2026-08-17T02:00:00Z'), 'Asia/Jakarta', 'en')).to.equal('17 August 2026');
  });

  it('takes the day in the given zone: WIB (+7), WITA (+8), WIT (+9)', () => {
    // 16:30 UTC is 23:30 WIB, 00:30 WITA (next day), 01:30 WIT (next day).
    const d = new Date('2026-12-31T16:30:00Z');
    expect(formatCertificateDate(d, 'Asia/Jakarta')).to.equal('31 Desember 2026');
    expect(formatCertificateDate(d, 'Asia/Makassar')).to.equal('1 Januari 2027');
    expect(formatCertificateDate(d, 'Asia/Jayapura')).to.equal('1 Januari 2027');
    expect(calendarDayIn(d, 'UTC')).to.deep.equal({ year: 2026, month: 12, day: 31 });
  });

  it('agrees with Intl id-ID / en-GB on this Node for every month', () => {
    for (let m = 0; m < 12; m++) {
      const d = new Date(Date.UTC(2026, m, 9, 5));
      const intlId = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' }).format(d);
      const intlEn = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' }).format(d);
      expect(formatCertificateDate(d, 'Asia/Jakarta', 'id')).to.equal(intlId);
      expect(formatCertificateDate(d, 'Asia/Jakarta', 'en')).to.equal(intlEn);
    }
    expect(monthNames('id')).to.have.length(12);
  });

  it('rejects an unknown zone and an invalid date instead of guessing', () => {
    expect(() => formatCertificateDate(new Date(), 'Mars/Olympus')).to.throw(RangeError);
    expect(() => formatCertificateDate(new Date(Number.NaN), 'Asia/Jakarta')).to.throw(RangeError);
  });
});
