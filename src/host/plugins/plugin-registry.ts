/**
 * Finds, checks, orders and runs plugins (Fastify's loader): every manifest is validated, versions
 * and dependencies checked and the order computed before any plugin code runs. Errors are coded
 * and name the plugin. A required plugin that fails aborts the boot; an optional one is disabled,
 * logged and listed as failed on `/api/v1/plugins` and `/health`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import semver from 'semver';
import { BinaError, Errors } from '../../kernel/errors';
import { manifestSchema, type PluginManifest } from '../../kernel/plugins/manifest';
import { createPluginContext, type StagedContext } from './context';
import type { PluginDefinition } from './define-plugin';
import type { KernelServices } from '../kernel-services';
import type { Locale } from '../../views/i18n';

export type PluginStatus = 'active' | 'failed' | 'disabled';

export interface PluginRecord {
  id: string;
  dir: string;
  manifest: PluginManifest;
  status: PluginStatus;
  error?: { code: string; message: string };
  timings: { registerMs?: number; startMs?: number };
  definition?: PluginDefinition;
  staged?: StagedContext;
}

export interface DiscoverOptions {
  dirs: string[];
  disabled: string[];
  coreVersion: string;
  /** When set, only these plugins (and nothing else) are loaded: tests build small kernels. */
  only?: string[];
}

function readManifest(dir: string, folder: string): PluginManifest {
  const file = join(dir, 'plugin.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw Errors.pluginManifest(`Plugin ${folder}: plugin.json is not valid JSON (${(e as Error).message})`, { details: { plugin: folder } });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw Errors.pluginManifest(`Plugin ${folder}: plugin.json ${i.path.join('.') || '(root)'} ${i.message}`, {
      details: { plugin: folder, issues: parsed.error.issues },
    });
  }
  if (parsed.data.id !== folder) {
    throw Errors.pluginManifest(`Plugin ${folder}: plugin.json id '${parsed.data.id}' must equal the folder name`, { details: { plugin: folder } });
  }
  return parsed.data;
}

/** Reads and checks every manifest; returns the plugins in dependency order. No plugin code runs. */
export function discoverPlugins(opts: DiscoverOptions): PluginRecord[] {
  const found = new Map<string, PluginRecord>();
  for (const root of opts.dirs) {
    if (!existsSync(root)) continue;
    for (const ent of readdirSync(root, { withFileTypes: true })) {
      if (!ent.isDirectory()) continue;
      const dir = join(root, ent.name);
      if (!existsSync(join(dir, 'plugin.json'))) continue;
      if (opts.only && !opts.only.includes(ent.name)) continue;
      const manifest = readManifest(dir, ent.name);
      const prev = found.get(manifest.id);
      if (prev) throw Errors.pluginDuplicate(`Plugin ${manifest.id} is found twice: ${prev.dir} and ${dir}`, { details: { plugin: manifest.id } });
      found.set(manifest.id, { id: manifest.id, dir, manifest, status: 'active', timings: {} });
    }
  }
  if (opts.only) {
    const missing = opts.only.filter((id) => !found.has(id));
    if (missing.length) throw Errors.pluginMissingDependency(`Plugins not found: ${missing.join(', ')}`, { details: { plugins: missing } });
  }

  for (const rec of found.values()) {
    if (opts.disabled.includes(rec.id)) rec.status = 'disabled';
    if (!semver.satisfies(opts.coreVersion, rec.manifest.requires.core, { includePrerelease: true })) {
      throw Errors.pluginVersion(
        `Plugin ${rec.id} requires core ${rec.manifest.requires.core}, this is ${opts.coreVersion}`,
        { details: { plugin: rec.id } },
      );
    }
  }

  // Dependencies: a missing or version-mismatched one is fatal; a disabled one disables (optional)
  // or aborts (required) the dependant.
  for (const rec of found.values()) {
    for (const [dep, range] of Object.entries(rec.manifest.requires.plugins)) {
      const d = found.get(dep);
      if (!d) throw Errors.pluginMissingDependency(`Plugin ${rec.id} requires ${dep}, which is not installed`, { details: { plugin: rec.id, dependency: dep } });
      if (!semver.satisfies(d.manifest.version, range)) {
        throw Errors.pluginVersion(`Plugin ${rec.id} requires ${dep} ${range}, installed is ${d.manifest.version}`, { details: { plugin: rec.id, dependency: dep } });
      }
    }
  }

  const ordered = topoSort([...found.values()]);
  // Propagate disabled status along dependencies, in order.
  for (const rec of ordered) {
    const off = Object.keys(rec.manifest.requires.plugins).find((dep) => found.get(dep)!.status !== 'active');
    if (off && rec.status === 'active') {
      if (!rec.manifest.optional) {
        throw Errors.pluginMissingDependency(`Required plugin ${rec.id} depends on ${off}, which is disabled`, { details: { plugin: rec.id, dependency: off } });
      }
      rec.status = 'disabled';
      rec.error = { code: Errors.pluginMissingDependency.code, message: `depends on disabled plugin ${off}` };
    }
  }
  return ordered;
}

function topoSort(recs: PluginRecord[]): PluginRecord[] {
  const byId = new Map(recs.map((r) => [r.id, r]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: PluginRecord[] = [];
  const visit = (r: PluginRecord, path: string[]) => {
    const s = state.get(r.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(r.id)), r.id];
      throw Errors.pluginCycle(`Plugin dependency cycle: ${cycle.join(' -> ')}`, { details: { plugins: cycle } });
    }
    state.set(r.id, 'visiting');
    for (const dep of Object.keys(r.manifest.requires.plugins).sort()) visit(byId.get(dep)!, [...path, r.id]);
    state.set(r.id, 'done');
    out.push(r);
  };
  for (const r of [...recs].sort((a, b) => a.id.localeCompare(b.id))) visit(r, []);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(Errors.pluginTimeout(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}

export class PluginRegistry {
  constructor(
    readonly records: PluginRecord[],
    private services: KernelServices,
  ) {}

  get active(): PluginRecord[] {
    return this.records.filter((r) => r.status === 'active');
  }

  isActive(id: string): boolean {
    return this.records.some((r) => r.id === id && r.status === 'active');
  }

  private fail(rec: PluginRecord, err: unknown, phase: 'register' | 'start'): void {
    const e = err instanceof BinaError ? err : (phase === 'register' ? Errors.pluginRegister : Errors.pluginStart)(`Plugin ${rec.id} failed in ${phase}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    // A bad setting is the operator's mistake: stop and say so, even for an optional plugin.
    if (!rec.manifest.optional || e.code === Errors.config.code) throw e;
    rec.status = 'failed';
    rec.error = { code: e.code, message: e.message };
    rec.staged?.undo();
    this.services.log.error({ plugin: rec.id, err: e.message, code: e.code }, `optional plugin disabled after failing in ${phase}`);
    // Dependants cannot run without it.
    for (const other of this.records) {
      if (other.status === 'active' && rec.id in other.manifest.requires.plugins) this.fail(other, Errors.pluginMissingDependency(`Plugin ${other.id} depends on failed plugin ${rec.id}`), phase);
    }
  }

  /** Imports each active plugin and runs `register` (declarations only). */
  async register(): Promise<void> {
    const ajv = new Ajv({ useDefaults: true, allErrors: false, strict: false });
    for (const rec of this.records) {
      if (rec.status !== 'active') continue;
      const t0 = performance.now();
      try {
        for (const cap of rec.manifest.capabilities) this.services.authz.declare(rec.id, cap);
        const settings: Record<string, unknown> = structuredClone(this.services.config.BINA_PLUGIN_SETTINGS[rec.id] ?? {});
        const validate = ajv.compile(rec.manifest.settings);
        if (!validate(settings)) {
          throw Errors.config(`Plugin ${rec.id}: settings ${ajv.errorsText(validate.errors)}`, { details: { plugin: rec.id, errors: validate.errors } });
        }
        this.loadAssets(rec);
        const mod = await import(pathToFileURL(join(rec.dir, 'index.ts')).href);
        const def = mod.default as PluginDefinition | undefined;
        if (!def || typeof def.register !== 'function') throw Errors.pluginManifest(`Plugin ${rec.id}: index.ts must export default definePlugin({...})`);
        rec.definition = def;
        rec.staged = createPluginContext(rec.manifest, settings, this.services);
        await withTimeout(Promise.resolve(def.register(rec.staged.ctx)), this.services.config.BINA_PLUGIN_BOOT_TIMEOUT_MS, `Plugin ${rec.id} register`);
        rec.staged.commit();
      } catch (err) {
        this.services.authz.removeOwner(rec.id);
        this.fail(rec, err, 'register');
      }
      rec.timings.registerMs = Math.round(performance.now() - t0);
    }
  }

  private loadAssets(rec: PluginRecord): void {
    this.services.views.loadDir(rec.id, join(rec.dir, 'templates'), `${rec.id}/`);
    for (const locale of ['id', 'en'] as Locale[]) {
      const f = join(rec.dir, 'lang', `${locale}.json`);
      if (existsSync(f)) this.services.translator.addBundle(rec.id, locale, JSON.parse(readFileSync(f, 'utf8')));
    }
  }

  async start(): Promise<void> {
    for (const rec of this.records) {
      if (rec.status !== 'active' || !rec.definition?.start) continue;
      const t0 = performance.now();
      try {
        await withTimeout(Promise.resolve(rec.definition.start(rec.staged!.ctx)), this.services.config.BINA_PLUGIN_BOOT_TIMEOUT_MS, `Plugin ${rec.id} start`);
      } catch (err) {
        this.fail(rec, err, 'start');
      }
      rec.timings.startMs = Math.round(performance.now() - t0);
    }
  }

  async stop(): Promise<void> {
    for (const rec of [...this.records].reverse()) {
      if (rec.status !== 'active' || !rec.definition?.stop) continue;
      try {
        await rec.definition.stop(rec.staged!.ctx);
      } catch (err) {
        this.services.log.warn({ plugin: rec.id, err: (err as Error).message }, 'plugin stop failed');
      }
    }
  }

  report() {
    return this.records.map((r) => ({
      id: r.id,
      version: r.manifest.version,
      description: r.manifest.description,
      optional: r.manifest.optional,
      status: r.status,
      error: r.error,
      timings: r.timings,
    }));
  }
}
