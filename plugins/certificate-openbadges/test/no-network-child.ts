/**
 * Child process for the "verifies with no network" test: disables every way Node can reach the
 * network (sockets, TLS, HTTP(S), DNS, fetch) BEFORE loading the verification code, verifies the
 * saved files with offline-verify.ts, and prints `{ result, attempts, guardWorks }` as JSON.
 * `attempts` lists any network use during verification (must be empty); `guardWorks` proves the
 * guard would have caught one.
 *
 * Args: <credential.json|certificate.pdf> <did.json> [status-list.json …]
 * Does nothing when merely imported (mocha loads every file of a test folder given on its command line).
 */
import { pathToFileURL } from 'node:url';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [{ default: dns }, { default: http }, { default: https }, { default: net }, { default: tls }, { syncBuiltinESMExports }] = await Promise.all([
    import('node:dns'), import('node:http'), import('node:https'), import('node:net'), import('node:tls'), import('node:module'),
  ]);
  const attempts: string[] = [];
  const block = (what: string) => (..._args: unknown[]): never => {
    attempts.push(what);
    throw new Error(`network disabled in this process (${what})`);
  };
  const writable = (o: object) => o as Record<string, unknown>;
  writable(net).connect = block('net.connect');
  writable(net).createConnection = block('net.createConnection');
  writable(net.Socket.prototype).connect = block('net.Socket.connect');
  writable(tls).connect = block('tls.connect');
  writable(http).request = block('http.request');
  writable(http).get = block('http.get');
  writable(https).request = block('https.request');
  writable(https).get = block('https.get');
  writable(dns).lookup = block('dns.lookup');
  writable(dns).resolve = block('dns.resolve');
  writable(dns.promises).lookup = block('dns.promises.lookup');
  writable(globalThis).fetch = block('fetch');
  // ESM named imports of the built-ins (`import { request } from 'node:http'`) follow the patches too.
  syncBuiltinESMExports();

  const { readFileSync } = await import('node:fs');
  const { verifyOffline, readCredentialFile } = await import('../offline-verify');
  const [credentialPath, didPath, ...listPaths] = process.argv.slice(2);
  const result = await verifyOffline({
    credential: await readCredentialFile(credentialPath!),
    didDocument: JSON.parse(readFileSync(didPath!, 'utf8')),
    statusLists: listPaths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown),
  });
  const during = [...attempts];
  let guardWorks = false;
  try {
    http.get('http://127.0.0.1:9/');
  } catch {
    guardWorks = attempts.length > during.length;
  }
  process.stdout.write(JSON.stringify({ result, attempts: during, guardWorks }));
}
