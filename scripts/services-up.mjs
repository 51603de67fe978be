// Shared by scripts/test.mjs, scripts/bench.mjs and scripts/start.mjs: run `scripts/services up`
// for a data dir and read the two lines it prints. Returns { MONGODB_URI, REDIS_URL } or null
// (after saying why through `say`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const servicesScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'services');

// `scratch`: the data dir holds nothing worth keeping (tests, bench), so old SQLite data there does
// not keep FerretDB off its PostgreSQL default (BINA_SERVICES_SCRATCH in scripts/services).
export function servicesUp(dir, say, { scratch = false } = {}) {
  const started = Date.now();
  const result = spawnSync('bash', [servicesScript, 'up'], {
    env: { ...process.env, ...(dir ? { BINA_SERVICES_DIR: dir } : {}), ...(scratch ? { BINA_SERVICES_SCRATCH: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    say(`'scripts/services up' failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    return null;
  }
  const found = {};
  for (const line of result.stdout.split('\n')) {
    const m = /^(MONGODB_URI|REDIS_URL)=(.+)$/.exec(line.trim());
    if (m) found[m[1]] = m[2];
  }
  if (!found.MONGODB_URI || !found.REDIS_URL) {
    say(`'scripts/services up' printed no MONGODB_URI/REDIS_URL lines:\n${result.stdout}`);
    return null;
  }
  say(`services ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${found.MONGODB_URI} ${found.REDIS_URL}`);
  return found;
}
