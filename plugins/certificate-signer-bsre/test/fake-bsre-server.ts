/**
 * A local stand-in for a BSrE signing service, started by the tests on a free port: it checks
 * basic auth, the NIK and the passphrase like the real service and "signs" by appending an
 * incremental-update comment to the PDF (enough to change the bytes, keep the PDF readable and
 * keep the attachment intact, which is what Bina must cope with). It records each request
 * WITHOUT the passphrase, so tests can assert what reached it.
 */
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';

export interface FakeBsre {
  url: string;
  requests: Array<{ nik: string; tampilan: string; reason: string; auth: string | undefined; fileSize: number }>;
  /** Makes the next answers slow (ms) or failing (HTTP status), for error-path tests. */
  behaviour: { delayMs: number; failStatus: number | null; notPdf: boolean };
  close(): Promise<void>;
}

export async function startFakeBsre(opts: { nik: string; passphrase: string; username: string; password: string }): Promise<FakeBsre> {
  const requests: FakeBsre['requests'] = [];
  const behaviour: FakeBsre['behaviour'] = { delayMs: 0, failStatus: null, notPdf: false };
  const expectedAuth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status: number, body: Buffer | string, type: string) => {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        }, behaviour.delayMs);
      };
      if (req.method !== 'POST' || req.url !== '/api/sign/pdf') return reply(404, JSON.stringify({ error: 'not found', status_code: 404 }), 'application/json');
      if (req.headers.authorization !== expectedAuth) return reply(401, JSON.stringify({ error: 'Unauthorized', status_code: 401 }), 'application/json');
      const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const file = form.get('file');
      const pdf = file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
      const nik = String(form.get('nik') ?? '');
      requests.push({ nik, tampilan: String(form.get('tampilan') ?? ''), reason: String(form.get('reason') ?? ''), auth: req.headers.authorization, fileSize: pdf.length });
      if (behaviour.failStatus) return reply(behaviour.failStatus, JSON.stringify({ error: 'Internal error', status_code: behaviour.failStatus }), 'application/json');
      if (nik !== opts.nik || String(form.get('passphrase') ?? '') !== opts.passphrase) {
        // The real service answers 400 with a JSON error for a wrong passphrase (status_code 2031).
        return reply(400, JSON.stringify({ error: 'Passphrase anda salah', status_code: 2031 }), 'application/json');
      }
      if (behaviour.notPdf) return reply(200, '<html>maintenance</html>', 'text/html');
      const signature = createHash('sha256').update(pdf).digest('hex');
      reply(200, Buffer.concat([pdf, Buffer.from(`\n%BSrE-test-PAdES-signature ${signature}\n%%EOF\n`, 'latin1')]), 'application/pdf');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behaviour,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
