#!/usr/bin/env node
// The test command (`npm test` -> `node scripts/test.mjs [extra mocha args]`).
//
// 1. Unless MONGODB_URI and REDIS_URL are both set, starts (or reuses) the test services with
//    `scripts/services up` in <repo>/.data/test-services, apart from the dev data.
// 2. Runs mocha with `.mocharc.json`. Spec files given on the command line narrow the run
//    (mocha itself would add them to the rc's spec globs instead).
// 3. Prints a last line `N passed, N failed` (`, N skipped` when tests are pending) and exits
//    with mocha's exit code. A run that ends without counts prints `0 passed, 1 failed`.
//
// The counts come from a tiny wrapper reporter (written to a temp dir) that delegates to the
// chosen reporter (`spec` by default, or `--reporter X`) and saves runner.stats when the run
// ends, so mocha keeps its terminal (colours) and nothing has to parse its output.
//
// 0. Installs the system packages the tests use when one is missing (chromium, poppler-utils,
//    zbar-tools, fonts; scripts/install-system-deps --packages-only, as root or with sudo).
//
// Environment: BINA_TEST=1 is set for the tests. BINA_TEST_SKIP_SYSTEM_DEPS=1 skips step 0. BINA_TEST_STOP_SERVICES=1 stops the test
// services afterwards (by default they stay up: the next run reuses them in well under a second).
// BINA_TEST_SERVICES_DIR overrides the test services' data dir.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services-up.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRepo = createRequire(path.join(repo, 'package.json'));
const servicesScript = path.join(repo, 'scripts', 'services');
const mochaBin = path.join(repo, 'node_modules', 'mocha', 'bin', 'mocha.js');
const userArgs = process.argv.slice(2);

const ONE_AND_DONE = new Set(['-h', '--help', '-V', '--version', '--list-interfaces', '--list-reporters']);

function say(message) {
  process.stderr.write(`test: ${message}\n`);
}

/** Print the closing line and exit; nothing may be printed after it. */
function finish(passed, failed, pending, code) {
  // Leading newline: a reporter such as json may end its output without one.
  process.stdout.write(`\n${passed} passed, ${failed} failed${pending > 0 ? `, ${pending} skipped` : ''}\n`);
  process.exit(code);
}

/**
 * The system packages the tests use (chromium for the browser tests, poppler-utils and zbar-tools
 * for certificates, fonts): `scripts/install-system-deps --packages-only` installs whichever are
 * missing (as root or through sudo) and returns at once when all are there. When it cannot, the
 * run goes on and the tests that need the missing program fail with its name.
 */
function ensureSystemPackages() {
  if (process.env.BINA_TEST_SKIP_SYSTEM_DEPS === '1') return;
  const r = spawnSync('bash', [path.join(repo, 'scripts', 'install-system-deps'), '--packages-only'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const lines = (r.stderr ?? '').trim().split('\n').filter((l) => l && !l.includes('packages already installed') && !/done in \d+s$/.test(l));
  for (const l of lines) say(l.replace(/^install-system-deps: /, 'system packages: '));
  if (r.status !== 0) say(`could not install the missing system packages (exit ${r.status ?? r.signal}); tests that need them will fail`);
}

/** Start or reuse the test services; returns the env additions, or null when that failed. */
function ensureServices() {
  if (process.env.MONGODB_URI && process.env.REDIS_URL) return {};
  const dir = process.env.BINA_TEST_SERVICES_DIR || path.join(repo, '.data', 'test-services');
  const found = servicesUp(dir, say, { scratch: true });
  if (!found) return null;
  // Tests that call scripts/services themselves reach the same (test) services.
  return { ...found, BINA_SERVICES_DIR: dir };
}

function stopServices(dir) {
  spawnSync('bash', [servicesScript, 'down'], {
    env: { ...process.env, BINA_SERVICES_DIR: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Work out, with mocha's own option parser, which reporter the run would use and whether the
 * command line names spec files (so the rc's spec globs must be dropped).
 */
function inspectArgs(args) {
  const { loadOptions } = requireFromRepo('mocha/lib/cli/options.js');
  const effective = loadOptions([...args]);
  const cliOnly = loadOptions([...args, '--no-config', '--no-package']);
  const cliSpecs = (cliOnly._ ?? []).filter((s) => String(s).length > 0);
  const explicitConfig = args.some((a) => a === '--config' || a.startsWith('--config=') || a === '--no-config');
  return { reporter: effective.reporter || 'spec', narrow: cliSpecs.length > 0 && !explicitConfig };
}

/** A copy of the rc file without `spec`, so specs given on the command line replace it. */
function writeRcWithoutSpec(tmp) {
  const { findConfig, loadConfig } = requireFromRepo('mocha/lib/cli/config.js');
  const rcPath = findConfig();
  if (!rcPath) return null;
  const rc = { ...loadConfig(rcPath) };
  delete rc.spec;
  delete rc._;
  const file = path.join(tmp, 'mocharc.json');
  fs.writeFileSync(file, JSON.stringify(rc, null, 2));
  return file;
}

function writeCountingReporter(tmp, innerReporter, statsFile) {
  const mochaDir = path.dirname(requireFromRepo.resolve('mocha/package.json'));
  const file = path.join(tmp, 'counting-reporter.cjs');
  fs.writeFileSync(
    file,
    `'use strict';
// Generated by scripts/test.mjs: delegates to the real reporter and records the counts.
const fs = require('fs');
const path = require('path');
const Mocha = require(${JSON.stringify(mochaDir)});
const innerName = ${JSON.stringify(innerReporter)};
function load(name) {
  if (Mocha.reporters[name]) return Mocha.reporters[name];
  try { return require(require.resolve(name, { paths: [process.cwd()] })); } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
  }
  return require(path.resolve(name));
}
class BinaCountingReporter {
  constructor(runner, options) {
    const Inner = load(innerName);
    this.inner = new Inner(runner, options);
    runner.once('end', () => {
      const s = runner.stats || {};
      fs.writeFileSync(${JSON.stringify(statsFile)}, JSON.stringify({
        passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0, tests: s.tests || 0,
      }));
    });
    if (typeof this.inner.done === 'function') this.done = (failures, fn) => this.inner.done(failures, fn);
  }
}
module.exports = BinaCountingReporter;
`,
  );
  return file;
}

async function main() {
  if (!fs.existsSync(mochaBin)) {
    say(`mocha is not installed (${mochaBin}); run npm ci first`);
    finish(0, 1, 0, 1);
  }
  if (userArgs.some((a) => ONE_AND_DONE.has(a))) {
    const r = spawnSync(process.execPath, [mochaBin, ...userArgs], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }

  ensureSystemPackages();
  const servicesEnv = ensureServices();
  if (servicesEnv === null) finish(0, 1, 0, 1);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bina-test-'));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  const statsFile = path.join(tmp, 'stats.json');

  let mochaArgs;
  try {
    const { reporter, narrow } = inspectArgs(userArgs);
    const extra = [];
    if (narrow) {
      const rc = writeRcWithoutSpec(tmp);
      if (rc) extra.push('--config', rc);
    }
    const reporterFile = writeCountingReporter(tmp, reporter, statsFile);
    // Our --reporter comes last: mocha keeps the last value of a string option.
    mochaArgs = [mochaBin, ...extra, ...userArgs, '--reporter', reporterFile];
  } catch (err) {
    say(`could not prepare the mocha run: ${err instanceof Error ? err.message : String(err)}`);
    cleanup();
    finish(0, 1, 0, 1);
  }

  const child = spawn(process.execPath, mochaArgs, {
    stdio: 'inherit',
    env: { ...process.env, ...servicesEnv, BINA_TEST: '1' },
  });
  // Ctrl-C reaches mocha through the terminal; stay alive to print the counts.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));

  const [code, signal] = await new Promise((resolve) => {
    child.on('error', (err) => {
      say(`could not start mocha: ${err.message}`);
      resolve([1, null]);
    });
    child.on('exit', (c, s) => resolve([c, s]));
  });

  let stats = null;
  try {
    stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  } catch {
    stats = null;
  }
  cleanup();

  if (process.env.BINA_TEST_STOP_SERVICES === '1' && servicesEnv?.BINA_SERVICES_DIR) {
    stopServices(servicesEnv.BINA_SERVICES_DIR);
  }

  const exitCode = code ?? (signal ? 1 : 0);
  if (!stats) {
    say(`mocha ended (${signal ?? `exit ${code}`}) without reporting counts`);
    finish(0, 1, 0, exitCode === 0 ? 1 : exitCode);
  }
  let failed = stats.failures;
  if (exitCode !== 0 && failed === 0) {
    say(`mocha exited with ${signal ?? code} although no test failed; counting the run as one failure`);
    failed = 1;
  }
  finish(stats.passes, failed, stats.pending, exitCode);
}

main().catch((err) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  finish(0, 1, 0, 1);
});
