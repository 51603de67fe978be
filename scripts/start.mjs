#!/usr/bin/env node
// `npm start`: with no MONGODB_URI/REDIS_URL, starts local services (scripts/services), keeps a
// session secret under .data/, seeds the demo once, then runs web + worker and prints the URL and
// the demo logins. With both URIs set (production), nothing is started or seeded.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services-up.mjs';

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
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'seed-demo'], { env, stdio: 'inherit' });
}

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), process.argv[2] ?? 'all'], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
child.on('message', (m) => {
  if (m?.ready && m.url) console.log(`\nBina is running at ${m.url}\nPress Ctrl+C to stop.\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
