/**
 * Plugin-provided CLI commands. A plugin may ship a `cli.ts` next to its `index.ts` exporting
 * `registerCli(program, tools)`; the CLI finds it by that convention, the way `bina questions
 * parse` finds `import-<format>/importer.ts`, so the core never names a plugin by path.
 *
 * - Discovery reads the manifests only (no plugin code, no database): `BINA_EXTRA_PLUGIN_DIRS` and
 *   `BINA_DISABLED_PLUGINS` are honoured as the kernel honours them (a plugin depending on a
 *   disabled one is off too), but MONGODB_URI and REDIS_URL are not needed, so commands that use
 *   no services run without them. A plugin whose manifest is invalid (or whose dependencies are)
 *   is skipped, with a warning on stderr when it has a `cli.ts`.
 * - Each plugin registers on a scratch program, which is then moved onto the real one (staged,
 *   like `register(ctx)`): a `registerCli` that throws leaves nothing behind. An optional plugin
 *   that fails is left out with a warning; a required one stops the CLI.
 * - A command name (or alias) taken by the core or another plugin fails loudly, naming both.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { Errors, isBinaError } from '../kernel/errors';
import { Kernel } from '../host/kernel';
import { createLogger } from '../kernel/logger';
import { discoverPlugins, type PluginRecord } from '../host/plugins/plugin-registry';
import { CORE_VERSION, REPO_ROOT } from '../kernel/core-version';

/** What a command sees of a booted kernel. */
export interface CliKernel {
  /**
   * A service by name: one a plugin offers with `ctx.provide` (by convention its id), or the core's
   * `learning`, `identity` and `question-bank`. Throws when no active plugin provides it.
   */
  service<T>(id: string): T;
}

/** What the CLI hands a plugin's `registerCli`, so commands need none of the core's internals. */
export interface CliTools {
  /** The plugin's id and folder (for messages and for files the plugin ships). */
  readonly plugin: { readonly id: string; readonly dir: string };
  /**
   * Boots a kernel with role `cli` (full configuration: MONGODB_URI, REDIS_URL, … and every
   * plugin, as the web and worker processes boot it), runs `fn`, and stops the kernel afterwards,
   * also when `fn` throws. Call it inside an action, never in `registerCli`.
   */
  withKernel<T>(fn: (kernel: CliKernel) => Promise<T>): Promise<T>;
}

/** The export of a plugin's `cli.ts`. Adds commands to `program`; only declares (no I/O). */
export type RegisterCli = (program: Command, tools: CliTools) => void;

/** Boots a `cli` kernel for one command and stops it afterwards (the core's commands use it too). */
export async function withKernel<T>(fn: (k: Kernel) => Promise<T>): Promise<T> {
  const kernel = await Kernel.create({ config: loadConfig(), role: 'cli', logger: createLogger('warn') });
  try {
    return await fn(kernel);
  } finally {
    await kernel.stop();
  }
}

function cliKernel(kernel: Kernel): CliKernel {
  return {
    service<T>(id: string): T {
      const svc = kernel.services.providers.get(id);
      if (!svc) throw new Error(`The ${id} plugin is not active (see \`bina plugins\`)`);
      return svc.impl as T;
    },
  };
}

/**
 * The plugin settings of the configuration, parsed by the configuration's own rules, without
 * requiring the database settings (placeholders: nothing connects with them).
 */
export function pluginDiscoverySettings(env: Record<string, string | undefined>): { dirs: string[]; disabled: string[] } {
  const c = loadConfig({
    MONGODB_URI: 'mongodb://discovery.invalid',
    REDIS_URL: 'redis://discovery.invalid',
    BINA_EXTRA_PLUGIN_DIRS: env.BINA_EXTRA_PLUGIN_DIRS,
    BINA_DISABLED_PLUGINS: env.BINA_DISABLED_PLUGINS,
  });
  return { dirs: [join(REPO_ROOT, 'plugins'), ...c.BINA_EXTRA_PLUGIN_DIRS], disabled: c.BINA_DISABLED_PLUGINS };
}

export interface SkippedPlugin {
  folder: string;
  dir: string;
  error: { code: string; message: string };
}

/** Plugin folder names (those with a plugin.json) under `dirs`, with their paths. */
function pluginFolders(dirs: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const root of dirs) {
    if (!existsSync(root)) continue;
    for (const ent of readdirSync(root, { withFileTypes: true })) {
      if (ent.isDirectory() && existsSync(join(root, ent.name, 'plugin.json'))) out.set(ent.name, [...(out.get(ent.name) ?? []), join(root, ent.name)]);
    }
  }
  return out;
}

/** The plugins an error of `discoverPlugins` names (its details carry `plugin` or `plugins`). */
function namedPlugins(err: unknown): string[] {
  if (!isBinaError(err)) return [];
  const d = (err.details ?? {}) as { plugin?: unknown; plugins?: unknown };
  return [d.plugin, ...(Array.isArray(d.plugins) ? d.plugins : [])].filter((p): p is string => typeof p === 'string');
}

/**
 * `discoverPlugins`, but a plugin whose manifest or dependencies are wrong is left out (and
 * reported) instead of failing the whole discovery, as the kernel would.
 */
export function discoverForCli(opts: { dirs: string[]; disabled: string[] }): { records: PluginRecord[]; skipped: SkippedPlugin[] } {
  const folders = pluginFolders(opts.dirs);
  let only = [...folders.keys()];
  const skipped: SkippedPlugin[] = [];
  for (;;) {
    try {
      return { records: discoverPlugins({ dirs: opts.dirs, disabled: opts.disabled, coreVersion: CORE_VERSION, only }), skipped };
    } catch (e) {
      const bad = namedPlugins(e).filter((p) => only.includes(p));
      if (!bad.length) throw e;
      const error = { code: (e as { code: string }).code, message: (e as Error).message };
      for (const folder of bad) for (const dir of folders.get(folder)!) skipped.push({ folder, dir, error });
      only = only.filter((p) => !bad.includes(p));
    }
  }
}

function isRegisterCli(v: unknown): v is RegisterCli {
  return typeof v === 'function';
}

/**
 * Finds every active plugin's `cli.ts` and lets it add its commands to `program` (call before
 * `program.parseAsync`). Returns the plugin that owns each top-level command it added.
 */
export async function registerPluginCommands(
  program: Command,
  opts: { env?: Record<string, string | undefined>; warn?: (line: string) => void } = {},
): Promise<Map<string, string>> {
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const { records, skipped } = discoverForCli(pluginDiscoverySettings(opts.env ?? process.env));
  for (const s of skipped) {
    if (existsSync(join(s.dir, 'cli.ts'))) warn(`bina: the commands of plugin ${s.folder} are left out: ${s.error.code}: ${s.error.message}`);
  }

  const owners = new Map<string, string>();
  for (const cmd of program.commands) for (const name of [cmd.name(), ...cmd.aliases()]) owners.set(name, 'the core');

  for (const rec of records) {
    const file = join(rec.dir, 'cli.ts');
    if (rec.status !== 'active' || !existsSync(file)) continue;
    const staged = new Command(program.name());
    try {
      const mod = (await import(pathToFileURL(file).href)) as { registerCli?: unknown };
      if (!isRegisterCli(mod.registerCli)) throw new Error('cli.ts does not export a function registerCli(program, tools)');
      const tools: CliTools = {
        plugin: { id: rec.id, dir: rec.dir },
        withKernel: (fn) => withKernel((k) => fn(cliKernel(k))),
      };
      mod.registerCli(staged, tools);
    } catch (e) {
      const reason = `its cli.ts failed: ${(e as Error).message}`;
      if (!rec.manifest.optional) throw Errors.pluginRegister(`Plugin ${rec.id}: ${reason}`, { details: { plugin: rec.id } });
      warn(`bina: the commands of plugin ${rec.id} are left out: ${reason}`);
      continue;
    }
    for (const cmd of staged.commands) {
      for (const name of [cmd.name(), ...cmd.aliases()]) {
        const owner = owners.get(name);
        if (owner) {
          throw Errors.pluginClash(`command '${name}' is registered by ${owner === 'the core' ? 'the core' : `plugin ${owner}`} and plugin ${rec.id}`, {
            details: { command: name, plugins: owner === 'the core' ? [rec.id] : [owner, rec.id] },
          });
        }
      }
    }
    for (const cmd of staged.commands) {
      for (const name of [cmd.name(), ...cmd.aliases()]) owners.set(name, rec.id);
      program.addCommand(cmd);
    }
  }
  return owners;
}
