/**
 * A real S3-compatible server for tests of the S3 file store (ADR 0064): moto's server mode, from
 * the venv that scripts/install-system-deps made (scripts/s3-server install). Nothing is
 * downloaded here. Each call starts its own server on a free loopback port; `stop()` ends it.
 *
 * When moto is not installed the tests that need it are skipped with the reason, except in CI
 * (CI=true), where the install step must have made it, so its absence fails the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { uniqueName, waitFor } from './harness';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface S3TestServer {
  endpoint: string;
  /** A new empty bucket on this server; returns its name. */
  createBucket(): Promise<string>;
  /** The BINA_* settings that point a kernel's file store at `bucket`. */
  envFor(bucket: string): Record<string, string>;
  stop(): Promise<void>;
}

/** The venv's python, or why there is none. */
export function motoPython(): { python?: string; reason?: string } {
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 's3-server'), 'python'], { encoding: 'utf8' });
  return r.status === 0 ? { python: r.stdout.trim() } : { reason: (r.stderr || 'scripts/s3-server python failed').trim() };
}


const ACCESS = { accessKeyId: 'bina-test', secretAccessKey: 'bina-test-secret' };

/**
 * Starts moto on a free port, or returns undefined (with `ctx.skip()` called) when it is not
 * installed outside CI. Call from a mocha `before` hook with its `this`.
 */
export async function startS3Server(ctx: Mocha.Context): Promise<S3TestServer | undefined> {
  const { python, reason } = motoPython();
  if (!python) {
    if (process.env.CI === 'true') throw new Error(`The S3 test server is missing in CI: ${reason}`);
    console.warn(`skipping S3 tests: ${reason}`);
    ctx.skip();
    return undefined;
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const proc: ChildProcess = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  proc.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  let exited = false;
  proc.once('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await gone;
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`moto exited while starting:\n${output}`);
        return fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false);
      },
      `moto S3 server on ${endpoint}`,
      60_000,
      100,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: ACCESS });
  return {
    endpoint,
    async createBucket() {
      const bucket = uniqueName('bina').toLowerCase().replace(/_/g, '-');
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    envFor(bucket) {
      return {
        BINA_STORAGE: 's3',
        BINA_S3_ENDPOINT: endpoint,
        BINA_S3_REGION: 'us-east-1',
        BINA_S3_BUCKET: bucket,
        BINA_S3_ACCESS_KEY_ID: ACCESS.accessKeyId,
        BINA_S3_SECRET_ACCESS_KEY: ACCESS.secretAccessKey,
        BINA_S3_FORCE_PATH_STYLE: 'true',
      };
    },
    async stop() {
      client.destroy();
      await stop();
    },
  };
}
