/**
 * Register numbers (ADR 0051): the agency's pattern, a sequence that starts again each year in the
 * site's time zone, and exactly one number per certificate when issuers race, on the real
 * database with no transactions.
 */
import { expect } from 'chai';
import mongoose, { Types, type Connection, type Model } from 'mongoose';
import { testEnvVars } from '../../../test/support/harness';
import { formatRegisterNumber, registerNumberSchema, registerPatternProblem, RegisterNumbers, type RegisterNumberDoc } from '../register-number';

describe('certificate-openbadges / register numbers', () => {
  it('formats the agency pattern: sequence (padded), year, month and Roman month', () => {
    const at = new Date('2026-12-07T03:00:00Z');
    expect(formatRegisterNumber('800/{seq}/BKPSDM/{yyyy}', 17, at, 'Asia/Makassar')).to.equal('800/17/BKPSDM/2026');
    expect(formatRegisterNumber('{seq:4}/SERT/{romawi}/{yy}', 7, at, 'Asia/Makassar')).to.equal('0007/SERT/XII/26');
    expect(formatRegisterNumber('{seq}-{mm}', 3, at, 'Asia/Jakarta')).to.equal('3-12');
  });

  it('takes the year in the site\'s time zone (New Year\'s Eve in UTC is already January in WIT)', () => {
    const at = new Date('2026-12-31T16:30:00Z');
    expect(formatRegisterNumber('{seq}/{yyyy}', 1, at, 'Asia/Jayapura')).to.equal('1/2027');
    expect(formatRegisterNumber('{seq}/{yyyy}', 1, at, 'UTC')).to.equal('1/2026');
  });

  it('refuses a pattern without {seq} or with an unknown code', () => {
    expect(registerPatternProblem('800/{seq}/BKPSDM/{yyyy}')).to.equal(null);
    expect(registerPatternProblem('800/BKPSDM/{yyyy}')).to.equal('noSeq');
    expect(registerPatternProblem('800/{seq}/{tahun}')).to.equal('unknownToken');
    expect(registerPatternProblem(`{seq}${'x'.repeat(100)}`)).to.equal('tooLong');
  });

  describe('on the database', () => {
    let conn: Connection;
    let Register: Model<RegisterNumberDoc>;
    let numbers: RegisterNumbers;
    before(async () => {
      conn = await mongoose.createConnection(testEnvVars().MONGODB_URI!).asPromise();
      Register = conn.model<RegisterNumberDoc>('register_numbers', registerNumberSchema);
      await Register.init();
      numbers = new RegisterNumbers(Register);
    });
    after(async () => {
      await conn.dropDatabase();
      await conn.close();
    });

    it('gives 30 certificates issued at once 30 different numbers, 1 to 30, with no gap', async () => {
      const at = new Date('2026-06-01T03:00:00Z');
      const ids = Array.from({ length: 30 }, () => new Types.ObjectId());
      const got = await Promise.all(ids.map((id) => numbers.assign(id, '800/{seq}/BKPSDM/{yyyy}', at, 'Asia/Makassar', at)));
      expect(new Set(got).size).to.equal(30);
      const seqs = got.map((n) => Number(n.split('/')[1])).sort((a, b) => a - b);
      expect(seqs).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
    });

    it('gives a certificate whose job runs twice, even at once, one number', async () => {
      const at = new Date('2026-06-02T03:00:00Z');
      const id = new Types.ObjectId();
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => numbers.assign(id, '800/{seq}/BKPSDM/{yyyy}', at, 'Asia/Makassar', at)));
      expect(a).to.equal(b).and.to.equal(c);
      expect(await Register.countDocuments({ _id: id })).to.equal(1);
      expect(await numbers.assign(id, '800/{seq}/BKPSDM/{yyyy}', at, 'Asia/Makassar', at)).to.equal(a);
    });

    it('starts again at 1 in a new year', async () => {
      const at = new Date('2027-01-05T03:00:00Z');
      expect(await numbers.assign(new Types.ObjectId(), '800/{seq}/BKPSDM/{yyyy}', at, 'Asia/Makassar', at)).to.equal('800/1/BKPSDM/2027');
    });
  });
});
