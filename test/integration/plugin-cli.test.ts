/**
 * Plugin-provided CLI commands (src/cli/plugin-commands.ts): a plugin's `cli.ts` adds commands to
 * `bina`, found by convention; disabled plugins (and their dependants) have none; a bad manifest
 * or a failing `cli.ts` of an optional plugin leaves just that plugin's commands out; a name clash
 * stops the CLI naming both sides; commands that need no services run without MONGODB_URI and
 * REDIS_URL. Every test runs the real CLI in a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { runItemAnalysisCli } from '../../plugins/report-item-analysis/cli';
import { startTestEnv, type TestEnv } from '../support/harness';

const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'plugins');
const scenario = (...names: string[]) => names.map((n) => join(fixtures, n)).join(',');

interface CliResult { code: number; stdout: string; stderr: string }

/** The environment of this process without any Bina setting (no database, no plugin settings). */
function bareEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(MONGODB_URI|REDIS_URL|BINA_|SESSION_SECRET|PUBLIC_URL)/.test(k)) env[k] = v;
  return env;
}

function bina(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: REPO_ROOT, env: { ...bareEnv(), ...env }, timeout: 150_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The command names `bina --help` lists. */
function helpCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

describe('plugin CLI commands (cli.ts)', function () {
  // Each test waits for one or two `bina` processes, which load every plugin through tsx: tens of
  // seconds on a busy 2-core machine. The tests wait for the process to end; they time nothing.
  this.timeout(180_000);
  describe('bina --help', () => {
    it('lists the commands of the shipped plugins and of a plugin in BINA_EXTRA_PLUGIN_DIRS, with no database configured', async () => {
      const r = await bina(['--help'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands') });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(helpCommands(r.stdout)).to.include.members(['config', 'plugins', 'questions', 'item-analysis', 'certificates', 'clihello', 'clidependant']);
    });
    it('leaves out the commands of a disabled plugin and of the plugins depending on it', async () => {
      const r = await bina(['--help'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands'), BINA_DISABLED_PLUGINS: 'report-clihello,report-item-analysis' });
      expect(r.code, r.stderr).to.equal(0);
      const names = helpCommands(r.stdout);
      expect(names).to.include.members(['certificates', 'questions']);
      expect(names).to.not.include('clihello');
      expect(names).to.not.include('clidependant');
      expect(names).to.not.include('item-analysis');
      const run = await bina(['clihello', 'greet'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands'), BINA_DISABLED_PLUGINS: 'report-clihello' });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("unknown command 'clihello'");
    });
  });

  describe('running a plugin command', () => {
    it('runs with its options and keeps the exit code it sets', async () => {
      const env = { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands') };
      const ok = await bina(['clihello', 'greet', '--name', 'Siti'], env);
      expect(ok).to.deep.equal({ code: 0, stdout: 'Hello, Siti! (from report-clihello)\n', stderr: '' });
      const failing = await bina(['clihello', 'greet', '--fail'], env);
      expect(failing.code).to.equal(3);
      expect(failing.stdout).to.equal('Hello, world! (from report-clihello)\n');
    });

    describe('with a kernel (tools.withKernel)', () => {
      let env: TestEnv;
      before(async () => {
        // A test env owns the database and queue prefix the child uses, and drops them afterwards.
        env = await startTestEnv({ only: ['report-clihello'], env: { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands') } });
      });
      after(() => env?.stop());

      it("reaches the plugin's own service and the core's", async () => {
        const r = await bina(['clihello', 'service'], env.childEnv);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.equal('service of report-clihello says hello\ncore learning service: object\n');
      });
    });

    it('reports a missing database setting only for a command that boots the kernel', async () => {
      const r = await bina(['clihello', 'service'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands') });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('BINA_ERR_CONFIG_INVALID: Invalid configuration: MONGODB_URI is required (not set)');
    });
  });

  describe('broken plugins', () => {
    it('skips a plugin whose manifest is invalid, and an optional one whose cli.ts throws, with a warning each', async () => {
      const r = await bina(['--help'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-commands', 'cli-broken') });
      expect(r.code, r.stderr).to.equal(0);
      const names = helpCommands(r.stdout);
      expect(names).to.include.members(['clihello', 'item-analysis', 'certificates']);
      expect(names).to.not.include('clibroken');
      expect(names).to.not.include('clithrows');
      expect(r.stderr).to.contain('report-clibroken').and.to.contain('BINA_ERR_PLUGIN_MANIFEST');
      expect(r.stderr).to.contain('report-clithrows').and.to.contain('fixture failure in registerCli');
    });
    it('stops on a command defined by two plugins, naming both', async () => {
      const r = await bina(['--help'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-clash') });
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim()).to.equal("BINA_ERR_PLUGIN_CLASH: command 'clash' is registered by plugin report-clasha and plugin report-clashb");
    });
    it('stops on a plugin command that the core already has, naming the plugin', async () => {
      const r = await bina(['plugins'], { BINA_EXTRA_PLUGIN_DIRS: scenario('cli-core-clash') });
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal("BINA_ERR_PLUGIN_CLASH: command 'config' is registered by the core and plugin report-clicore");
    });
  });

  describe('the shipped plugin commands, with no database configured', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bina-plugin-cli-'));
      await writeFile(join(dir, 'items.csv'), 'slot,maxmark\n1,1\n2,2\n');
      await writeFile(join(dir, 'marks.csv'), 'attempt_id,user_id,1,2\na1,u1,1,2\na2,u2,0,1\na3,u3,1,0\n');
      await writeFile(join(dir, 'bad.csv'), 'attempt_id,user_id,1,2\na1,u1,1,2\na1,u2,0,5\n');
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('bina item-analysis prints what runItemAnalysisCli prints, exit 0', async () => {
      let expected = '';
      await runItemAnalysisCli({ marks: join(dir, 'marks.csv'), items: join(dir, 'items.csv') }, (s) => (expected += s));
      const r = await bina(['item-analysis', '--marks', join(dir, 'marks.csv'), '--items', join(dir, 'items.csv')]);
      expect(r).to.deep.equal({ code: 0, stdout: expected, stderr: '' });
      expect(JSON.parse(r.stdout).quiz.attempts).to.equal(3);
    });
    it('bina item-analysis exits 2 with line-numbered errors on bad input', async () => {
      const r = await bina(['item-analysis', '--marks', join(dir, 'bad.csv'), '--items', join(dir, 'items.csv')]);
      expect(r.code).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.contain(`${join(dir, 'bad.csv')}:3:1: duplicate attempt_id "a1"`);
    });
    it('bina certificates verify --help works', async () => {
      const r = await bina(['certificates', 'verify', '--help']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('Usage: bina certificates verify [options] <file>');
      expect(r.stdout).to.contain('--did <file>');
    });
  });
});
