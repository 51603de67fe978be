/**
 * `bina certificates …`: the issuer's signing keys (list, rotate) and offline verification of a
 * certificate from files. Rotation goes through this plugin's service, so it is the same audited,
 * race-safe operation as the admin page; `verify` needs no database or network (nor MONGODB_URI
 * and REDIS_URL). Added to `bina` by the plugin CLI convention (src/cli/plugin-commands.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliTools } from '../../src/cli/plugin-commands';
import type { CertificateOpenBadgesService } from './certificate-services';
import type { DidDocument } from './document-loader';

export function registerCli(program: Command, tools: CliTools): void {
  const withCertificates = <T>(fn: (svc: CertificateOpenBadgesService) => Promise<T>): Promise<T> =>
    tools.withKernel((k) => fn(k.service<CertificateOpenBadgesService>(tools.plugin.id)));

  const certificates = program.command('certificates').description('Verifiable certificates: signing keys and offline verification');

  certificates.command('keys').description('List the issuer DID and its keys (active and retired)').action(async () => {
    await withCertificates(async (svc) => {
      console.log(`DID ${svc.services.keys.did}`);
      for (const k of await svc.services.keys.publicKeys()) console.log(`  ${k.id}  ${k.status.padEnd(7)}  created ${k.createdAt}${k.retiredAt ? `  retired ${k.retiredAt}` : ''}`);
    });
  });

  certificates.command('rotate-key').description('Retire the active signing key and make a new one (retired keys stay published)').action(async () => {
    await withCertificates(async (svc) => {
      const r = await svc.rotateKey();
      console.log(`Rotated: ${r.retired ?? '(none)'} -> ${r.active}`);
      console.log('Restart or wait: workers pick up the new key on their next signature.');
    });
  });

  certificates.command('verify').description('Verify a certificate offline from files (no database, no network)')
    .argument('<file>', 'the certificate PDF or its credential.json')
    .requiredOption('--did <file>', "the issuer's did.json (saved from /.well-known/did.json)")
    .option('--status <file...>', 'the status list credential(s) (saved from /verify/status/<n>)', [])
    .action(async (file: string, o: { did: string; status: string[] }) => {
      // Loaded here, not at the top: the JSON-LD and crypto stack is only needed by this command.
      const { readCredentialFile, verifyOffline } = await import('./offline-verify');
      const result = await verifyOffline({
        credential: await readCredentialFile(file),
        didDocument: JSON.parse(readFileSync(o.did, 'utf8')) as DidDocument,
        statusLists: o.status.map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown),
      });
      for (const c of result.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(14)} ${c.message}`);
      console.log(result.verified ? 'VERIFIED' : 'NOT VERIFIED');
      process.exitCode = result.verified ? 0 : 1;
    });
}
