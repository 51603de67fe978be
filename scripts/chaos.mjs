#!/usr/bin/env node
// `npm run chaos`: the kill test (chaos/run.ts, ADR 0061). It starts its own Redis, FerretDB and
// PostgreSQL with scripts/services in <repo>/.data/chaos-services (apart from the dev, test and
// bench data; stopped at the end unless CHAOS_KEEP_SERVICES=1), runs Bina's web and worker under
// npm start's supervisor, and kills one component at a time under a 200-taker exam load. Prints a
// table; exits non-zero on any lost save, double grade or certificate, lost job or unrecovered kill.
//
// Environment: CHAOS_TAKERS (200), CHAOS_KILLS (web,worker,redis,ferretdb,postgresql),
// CHAOS_PACE_S (15-45: seconds between one taker's saves), CHAOS_SERVICES_DIR.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'chaos', 'run.ts')], { cwd: repo, stdio: 'inherit', env: process.env });
process.on('SIGINT', () => undefined); // the run stops its processes and services itself
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
