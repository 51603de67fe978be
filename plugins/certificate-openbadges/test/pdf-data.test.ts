/**
 * What the PDF prints comes from the signed credential: name, achievement, competency and level,
 * JP, dates, verify URL and the code printed in groups.
 */
import { expect } from 'chai';
import { buildOpenBadgeCredential } from '../build-credential';
import { certificateDataFromCredential } from '../pdf-data';
import { sampleInput, BASE } from './fixtures';

describe('certificate-openbadges/pdf-data', () => {
  it('does read every printed field from the credential', () => {
    const code = 'abcdefghijklmnopqrstuvwxyz';
    const credential = buildOpenBadgeCredential(sampleInput({ id: `${BASE}/verify/${code}` })) as unknown as Record<string, unknown>;
    const d = certificateDataFromCredential(credential, { place: 'Mamuju' });
    expect(d).to.deep.include({
      name: 'Budi Santoso', achievement: 'Analisis Kebijakan (Level 3)', competency: 'Analisis Kebijakan', level: '3', jp: 20,
      verifyUrl: `${BASE}/verify/${code}`, code: 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ', issuerName: 'BPSDM Provinsi Contoh', place: 'Mamuju',
    });
    expect(d.issuedOn.toISOString()).to.equal('2025-01-15T08:00:00.000Z');
    expect(d.validUntil!.toISOString()).to.equal('2028-01-15T08:00:00.000Z');
  });

  it('does leave out what the credential does not carry', () => {
    const credential = buildOpenBadgeCredential(sampleInput({ validUntil: undefined })) as unknown as Record<string, unknown>;
    const d = certificateDataFromCredential(credential, {});
    expect(d.validUntil).to.equal(undefined);
    expect(d).not.to.have.property('place');
  });
});
