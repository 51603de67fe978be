/**
 * Tests for the unsigned OpenBadgeCredential builder: OB3 shape, hashed NIP
 * (never in clear), JP mapping, input validation, and that every emitted term
 * is defined by a bundled context.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  buildOpenBadgeCredential,
  CredentialInputError,
  ERR_INVALID_INPUT,
  generateSalt,
  hashIdentity,
  identityMatchesNip,
} from '../build-credential';
import { BASE, DID, LIST_URL, makeIssuer, sampleInput } from './fixtures';

const NIP = '198001012005011001';

function inputError(fn: () => unknown): CredentialInputError {
  try {
    fn();
  } catch (e) {
    return e as CredentialInputError;
  }
  throw new Error('expected CredentialInputError');
}

describe('certificate-openbadges/build-credential', () => {
  it('builds an OB 3.0 OpenBadgeCredential on the VC 2.0 data model', () => {
    const c = buildOpenBadgeCredential(sampleInput());
    expect(c['@context']).to.deep.equal([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(c.type).to.deep.equal(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(c.issuer).to.deep.equal({ id: DID, type: ['Profile'], name: 'BPSDM Provinsi Contoh', url: BASE });
    expect(c.validFrom).to.equal('2025-01-15T08:00:00Z');
    expect(c.validUntil).to.equal('2028-01-15T08:00:00Z');
    expect(c.credentialSubject.type).to.deep.equal(['AchievementSubject']);
    expect(c.credentialSubject.name).to.equal('Budi Santoso');
    const a = c.credentialSubject.achievement;
    expect(a.criteria).to.deep.equal({ narrative: sampleInput().achievement.criteriaNarrative });
    expect(a.creditsAvailable).to.equal(20);
    expect(c.credentialSubject.creditsEarned).to.equal(20);
    expect(a.alignment).to.deep.equal([
      {
        type: ['Alignment'],
        targetName: 'Analisis Kebijakan',
        targetUrl: `${BASE}/competencies/T-AK-03`,
        targetCode: 'T-AK-03',
        targetType: 'ceasn:Competency',
        targetFramework: 'Kamus Kompetensi ASN',
        targetDescription: 'group: Teknis; level: 3',
      },
    ]);
    expect(c.evidence).to.deep.equal([
      { id: `${BASE}/exams/results/8d2e`, type: ['Evidence'], name: 'Hasil ujian kompetensi', narrative: 'Nilai 86/100 pada ujian 2025-01-14.' },
    ]);
    expect(c.credentialStatus).to.deep.equal({
      id: `${LIST_URL}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: LIST_URL,
    });
  });

  it('stores only a salted sha256 of the NIP, as OB3 IdentityHash', () => {
    const c = buildOpenBadgeCredential(sampleInput());
    const json = JSON.stringify(c);
    expect(json).to.not.include(NIP);
    expect(json).to.not.include('19800101 200501 1 001');
    const salt = sampleInput().subject.salt;
    const expected = `sha256$${createHash('sha256').update(NIP + salt).digest('hex')}`;
    expect(c.credentialSubject.identifier).to.deep.equal([
      { type: 'IdentityObject', identityHash: expected, identityType: 'identifier', hashed: true, salt },
    ]);
    expect(hashIdentity(NIP, salt)).to.equal(expected);
    expect(identityMatchesNip(c, '19800101 200501 1 001')).to.equal(true);
    expect(identityMatchesNip(c, '198001012005011002')).to.equal(false);
  });

  it('omits the identifier when no NIP is given', () => {
    const input = sampleInput();
    const c = buildOpenBadgeCredential({ ...input, subject: { name: 'X', salt: generateSalt() } });
    expect(c.credentialSubject).to.not.have.property('identifier');
  });

  it('rejects invalid input with a coded error that does not echo the NIP', () => {
    const input = sampleInput();
    const badNip = inputError(() => buildOpenBadgeCredential({ ...input, subject: { ...input.subject, nip: '12345678901234567X' } }));
    expect(badNip).to.be.instanceOf(CredentialInputError);
    expect(badNip.code).to.equal(ERR_INVALID_INPUT);
    expect(badNip.message).to.not.include('12345678901234567X');
    expect(badNip.issues.map((i) => i.path)).to.include('subject.nip');

    const dates = inputError(() => buildOpenBadgeCredential({ ...input, validUntil: '2024-01-01T00:00:00Z' }));
    expect(dates.issues.map((i) => i.path)).to.include('validUntil');

    const badId = inputError(() => buildOpenBadgeCredential({ ...input, id: 'not-a-uri' }));
    expect(badId.issues.map((i) => i.path)).to.include('id');

    const shortSalt = inputError(() => buildOpenBadgeCredential({ ...input, subject: { ...input.subject, salt: 'abc' } }));
    expect(shortSalt.issues.map((i) => i.path)).to.include('subject.salt');

    const unanchored = inputError(() => buildOpenBadgeCredential({ ...input, validFrom: 'x2025-01-15T08:00:00Zjunk' }));
    expect(unanchored.issues.map((i) => i.path)).to.include('validFrom');
  });

  it('emits only terms defined by the bundled contexts (no @vocab fallback)', async () => {
    const issuer = await makeIssuer();
    const nquads = await (cryptosuite.canonize as (d: unknown, o: unknown) => Promise<string>)(
      buildOpenBadgeCredential(sampleInput()),
      { documentLoader: issuer.loader },
    );
    expect(nquads).to.not.include('issuer-dependent');
    expect(nquads).to.include('<https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable> "20"');
    expect(nquads).to.include('<https://purl.imsglobal.org/spec/vc/ob/vocab.html#hashed> "true"');
  });
});
