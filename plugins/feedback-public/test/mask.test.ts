import { expect } from 'chai';
import { maskPersonalData } from '../mask';

describe('feedback-public: maskPersonalData', () => {
  it('masks NIK, NIP, phone numbers and e-mail addresses', () => {
    expect(maskPersonalData('NIK saya 7601012304850002, hubungi 0812-3456-7890 atau budi.s@gmail.com')).to.equal(
      'NIK saya ****************, hubungi ****-****-**** atau b***@***',
    );
    expect(maskPersonalData('NIP 199001152015031001')).to.equal('NIP ******************');
    expect(maskPersonalData('WA +62 812 3456 789')).to.equal('WA +** *** **** ***');
    expect(maskPersonalData('nomor 7601.0123.0485.0002')).to.equal('nomor ****.****.****.****');
  });
  it('keeps dates, short numbers and amounts', () => {
    const s = 'Tanggal 12-05-2026 loket 3 antre 45 menit, bayar Rp 150.000.000 padahal gratis';
    expect(maskPersonalData(s)).to.equal(s);
  });
});
