#!/usr/bin/env node
// The bench command (`npm run bench` -> `node scripts/bench.mjs`). Not part of the tests.
//
// 1. Unless MONGODB_URI and REDIS_URL are both set, starts (or reuses) a Redis and a MongoDB
//    wire-protocol server with `scripts/services up` in <repo>/.data/bench-services, apart from
//    the dev and test data, exactly as scripts/test.mjs does for the tests.
// 2. Runs `node --import tsx bench/run-all.ts` with MONGODB_URI/REDIS_URL (and the servers' pids,
//    so the bench can attribute CPU time to them) and exits with its exit code.
// 3. Stops the services it started (BINA_BENCH_KEEP_SERVICES=1 keeps them up for the next run).
//
// Environment: BENCH_LEARNERS (e.g. "50,200"), BENCH_GRADE_ATTEMPTS, BENCH_DURATION_S,
// BENCH_RAW_DURATION_S are read by bench/run-all.ts. BINA_BENCH_SERVICES_DIR overrides the dir.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services-up.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const servicesScript = path.join(repo, 'scripts', 'services');

function say(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/** Start or reuse the bench services; returns { env, dir } (dir null when we started nothing). */
function ensureServices() {
  if (process.env.MONGODB_URI && process.env.REDIS_URL) return { env: {}, dir: null };
  const dir = process.env.BINA_BENCH_SERVICES_DIR || path.join(repo, '.data', 'bench-services');
  const found = servicesUp(dir, say, { scratch: true });
  if (!found) return null;
  // The pids let the bench read the servers' CPU time from /proc (evidence for bottlenecks).
  const pids = {};
  try {
    for (const line of fs.readFileSync(path.join(dir, 'state'), 'utf8').split('\n')) {
      const m = /^(redis_pid|mongo_pid|mongo_kind|pg_pid)=([\w-]+)$/.exec(line.trim());
      if (m) pids[m[1]] = m[2];
    }
  } catch {
    /* no state file: CPU attribution is skipped */
  }
  return {
    env: {
      ...found,
      ...(pids.mongo_pid ? { BENCH_MONGO_PID: pids.mongo_pid, BENCH_MONGO_KIND: pids.mongo_kind ?? '' } : {}),
      ...(pids.redis_pid ? { BENCH_REDIS_PID: pids.redis_pid } : {}),
      ...(pids.pg_pid ? { BENCH_PG_PID: pids.pg_pid } : {}),
    },
    dir,
  };
}

function stopServices(dir) {
  spawnSync('bash', [servicesScript, 'down'], {
    env: { ...process.env, BINA_SERVICES_DIR: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function main() {
  const services = ensureServices();
  if (services === null) process.exit(1);
  const stop = () => {
    if (services.dir && process.env.BINA_BENCH_KEEP_SERVICES !== '1') stopServices(services.dir);
  };

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'bench', 'run-all.ts')], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, ...services.env },
  });
  // Ctrl-C reaches the bench through the terminal; stay alive to stop the services afterwards.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const [code, signal] = await new Promise((resolve) => {
    child.on('error', (err) => {
      say(`could not start the bench: ${err.message}`);
      resolve([1, null]);
    });
    child.on('exit', (c, s) => resolve([c, s]));
  });
  stop();
  if (signal) say(`bench ended by ${signal}`);
  process.exit(code ?? 1);
}

main().catch((err) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
