#!/usr/bin/env node
// The API fuzz command (`npm run fuzz` -> `node scripts/fuzz.mjs`; ADR 0062). Not part of the tests.
//
// 1. Unless MONGODB_URI and REDIS_URL are both set, starts (or reuses) a Redis and a MongoDB
//    wire-protocol server with `scripts/services up` in <repo>/.data/fuzz-services, apart from the
//    dev, test and bench data.
// 2. Runs `node --import tsx scripts/fuzz-run.ts` (Bina with the demo data, Schemathesis as each
//    role; it installs Schemathesis with scripts/install-fuzz-deps when missing) and exits with its code.
// 3. Stops the services it started (BINA_FUZZ_KEEP_SERVICES=1 keeps them up).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services-up.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => process.stderr.write(`fuzz: ${message}\n`);

const ownServices = !(process.env.MONGODB_URI && process.env.REDIS_URL);
const dir = process.env.BINA_FUZZ_SERVICES_DIR || path.join(repo, '.data', 'fuzz-services');
const found = ownServices ? servicesUp(dir, say, { scratch: true }) : {};
if (found === null) process.exit(1);

const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts', 'fuzz-run.ts')], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, ...found },
});
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (ownServices && process.env.BINA_FUZZ_KEEP_SERVICES !== '1') {
    spawnSync('bash', [path.join(repo, 'scripts', 'services'), 'down'], { env: { ...process.env, BINA_SERVICES_DIR: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (signal) say(`ended by ${signal}`);
  process.exit(code ?? 1);
});
