#!/usr/bin/env node
// `npm start`: with no MONGODB_URI/REDIS_URL, starts local services (scripts/services), keeps a
// session secret under .data/, seeds the demo once. Then it runs Bina's web and worker processes
// under a supervisor that restarts a crashed one (scripts/supervisor.mjs), and prints the URL and
// the demo logins. With both URIs set (production), nothing is started or seeded.
// `npm start -- web` (or `worker`, `all`) supervises that one role only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services-up.mjs';
import { supervise } from './supervisor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const local = !env.MONGODB_URI || !env.REDIS_URL;

if (local) {
  const found = servicesUp(undefined, (m) => process.stderr.write(`start: ${m}\n`));
  if (!found) process.exit(1);
  Object.assign(env, found);
  const secretFile = join(root, '.data', 'session-secret');
  if (!env.SESSION_SECRET) {
    if (!existsSync(secretFile)) {
      mkdirSync(dirname(secretFile), { recursive: true });
      writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    }
    env.SESSION_SECRET = readFileSync(secretFile, 'utf8').trim();
  }
  // The demo agency is in Mamuju (WITA): its people and its public pages show times there.
  env.BINA_DEFAULT_TIMEZONE ??= 'Asia/Makassar';
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'seed-demo'], { env, stdio: 'inherit' });
}

const requested = process.argv[2];
if (requested && !['web', 'worker', 'all'].includes(requested)) {
  process.stderr.write(`start: unknown role '${requested}': use web, worker or all\n`);
  process.exit(2);
}
const roles = requested ? [requested] : ['web', 'worker'];
let announced = false;
const children = roles.map((role) =>
  supervise({
    name: role,
    command: process.execPath,
    args: ['--import', 'tsx', join(root, 'src', 'main.ts'), role],
    env,
    onMessage: (m) => {
      if (m?.ready && m.url && !announced) {
        announced = true;
        console.log(`\nBina is running at ${m.url}\nPress Ctrl+C to stop.\n`);
      }
    },
  }),
);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    Promise.all(children.map((c) => c.stop(sig))).then(() => process.exit(0));
  });
}
