/**
 * The BSrE client against a local test server: it signs, sends the service account's basic auth
 * and the official's NIK, maps refusals/outages/timeouts to coded 4xx/5xx errors, rejects a
 * non-PDF answer, and never lets the passphrase into an error.
 */
import { expect } from 'chai';
import { signWithBsre } from '../bsre-client';
import { bsreCredentials } from '../index';
import { startFakeBsre, type FakeBsre } from './fake-bsre-server';

const NIK = '7371010101900001';
const PASSPHRASE = 'rahasia-pejabat-#1';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

async function errorOf(p: Promise<unknown>): Promise<{ code: string; status: number; message: string; details: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; status: number; message: string; details: unknown };
  }
  throw new Error('expected an error');
}

describe('certificate-signer-bsre / signWithBsre', () => {
  let bsre: FakeBsre;
  const opts = () => ({ url: bsre.url, username: 'bina', password: 'akun-layanan', timeoutMs: 2000 });

  before(async () => {
    bsre = await startFakeBsre({ nik: NIK, passphrase: PASSPHRASE, username: 'bina', password: 'akun-layanan' });
  });
  after(() => bsre.close());
  beforeEach(() => Object.assign(bsre.behaviour, { delayMs: 0, failStatus: null, notPdf: false }));

  describe('signing', () => {
    it('returns the signed PDF and sends the service account and the NIK, invisible by default', async () => {
      const signed = await signWithBsre(opts(), { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' });
      expect(signed.subarray(0, PDF.length).equals(PDF)).to.equal(true);
      expect(signed.toString('latin1')).to.contain('%BSrE-test-PAdES-signature');
      const last = bsre.requests.at(-1)!;
      expect(last).to.deep.include({ nik: NIK, tampilan: 'invisible', reason: 'Uji', fileSize: PDF.length });
      expect(last.auth).to.equal(`Basic ${Buffer.from('bina:akun-layanan').toString('base64')}`);
    });
  });

  describe('errors', () => {
    it('reports a wrong passphrase as a 422 without echoing the passphrase', async () => {
      const e = await errorOf(signWithBsre(opts(), { pdf: PDF, nik: NIK, passphrase: 'salah-sekali', reason: 'Uji' }));
      expect(e.code).to.equal('BINA_ERR_BSRE_REJECTED');
      expect(e.status).to.equal(422);
      expect(JSON.stringify(e.details)).to.contain('2031');
      expect(JSON.stringify({ m: e.message, d: e.details })).not.to.contain('salah-sekali');
    });

    it('reports a wrong service account as a refusal too', async () => {
      const e = await errorOf(signWithBsre({ ...opts(), password: 'keliru' }, { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }));
      expect(e.code).to.equal('BINA_ERR_BSRE_REJECTED');
    });

    it('reports a failing service as 502 and a slow one as 504', async () => {
      bsre.behaviour.failStatus = 500;
      expect((await errorOf(signWithBsre(opts(), { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }))).code).to.equal('BINA_ERR_BSRE_UNAVAILABLE');
      bsre.behaviour.failStatus = null;
      bsre.behaviour.delayMs = 1500;
      const e = await errorOf(signWithBsre({ ...opts(), timeoutMs: 1000 }, { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }));
      expect(e.code).to.equal('BINA_ERR_BSRE_TIMEOUT');
      expect(e.status).to.equal(504);
    });

    it('reports an unreachable service as 502', async () => {
      const e = await errorOf(signWithBsre({ url: 'http://127.0.0.1:9', timeoutMs: 2000 }, { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }));
      expect(e.code).to.equal('BINA_ERR_BSRE_UNAVAILABLE');
    });

    it('refuses a 200 answer that is not a PDF', async () => {
      bsre.behaviour.notPdf = true;
      expect((await errorOf(signWithBsre(opts(), { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }))).code).to.equal('BINA_ERR_BSRE_UNAVAILABLE');
    });

    it('refuses to run without a configured URL', async () => {
      expect((await errorOf(signWithBsre({ url: '' }, { pdf: PDF, nik: NIK, passphrase: PASSPHRASE, reason: 'Uji' }))).code).to.equal('BINA_ERR_BSRE_NOT_CONFIGURED');
    });
  });

  describe('credentials schema', () => {
    it('accepts a 16-digit NIK and a passphrase, nothing else', () => {
      expect(bsreCredentials.safeParse({ nik: NIK, passphrase: 'x' }).success).to.equal(true);
      expect(bsreCredentials.safeParse({ nik: '123', passphrase: 'x' }).success).to.equal(false);
      expect(bsreCredentials.safeParse({ nik: NIK, passphrase: '' }).success).to.equal(false);
      expect(bsreCredentials.safeParse({ nik: NIK, passphrase: 'x', simpan: true }).success).to.equal(false);
    });
  });
});
