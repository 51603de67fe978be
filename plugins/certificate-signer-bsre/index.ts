/**
 * certificate-signer-bsre: registers a `certificate-signer-*` with certificate-pdf that adds an
 * official PAdES signature through a BSrE signing service (PP 71/2019). Without a configured URL
 * it registers nothing and Bina works as before; the Ed25519 credential is what makes a
 * certificate verifiable, and this signature is an additional, official layer.
 *
 * Invariant: the official's NIK and passphrase are asked for each signing, passed through to the
 * service and dropped: never stored, logged, queued (a job payload would sit in Redis) or audited.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import type { CertificatePdfService } from '../certificate-pdf/api';
import { signWithBsre, type BsreClientOptions } from './bsre-client';

/** What the official types in for one signing. */
export const bsreCredentials = z.strictObject({
  /** NIK (16 digits) of the official whose BSrE certificate signs. */
  nik: z.string().regex(/^\d{16}$/, 'NIK: 16 digits'),
  passphrase: z.string().min(1).max(200),
});

export default definePlugin({
  register() {
    // Nothing to declare: the signer is registered with certificate-pdf at start.
  },
  start(ctx) {
    const settings = ctx.settings as Required<Pick<BsreClientOptions, 'url' | 'path' | 'username' | 'password' | 'appearance' | 'location' | 'timeoutMs'>>;
    if (!settings.url) {
      ctx.log.info('no BSrE signing service configured (setting url); official signatures are off');
      return;
    }
    ctx.use<CertificatePdfService>('certificate-pdf').signers.register({
      id: ctx.id,
      label: 'BSrE (BSSN)',
      credentialsSchema: bsreCredentials,
      async sign({ pdf, credentials, reason, code }) {
        const c = credentials as z.infer<typeof bsreCredentials>;
        return signWithBsre(settings, { pdf, nik: c.nik, passphrase: c.passphrase, reason, fileName: `sertifikat-${code.slice(0, 8)}.pdf` });
      },
    });
  },
});
