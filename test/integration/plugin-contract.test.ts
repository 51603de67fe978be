/**
 * The plugin contract test (ADR 0039): each shipped plugin boots with only the plugins its
 * plugin.json requires (and theirs), and comes up active with a healthy core. A plugin that
 * relies on another it does not declare (a service through ctx.use, a registry entry, an event
 * it expects) fails here, in a kernel where that other plugin is absent. A service looked up only
 * when a request or job needs it would not fail at boot, so every `ctx.use('<plugin>')` in a
 * plugin's code is also checked against its `requires` (ctx.use refuses it at run time too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { discoverPlugins } from '../../src/host/plugins/plugin-registry';
import { CORE_VERSION, REPO_ROOT } from '../../src/kernel/core-version';
import { ApiClient, startTestEnv } from '../support/harness';

const shipped = discoverPlugins({ dirs: [join(REPO_ROOT, 'plugins')], disabled: [], coreVersion: CORE_VERSION });
const byId = new Map(shipped.map((r) => [r.id, r]));

/** The plugin and everything it requires, directly or through its dependencies. */
function withDependencies(id: string, into = new Set<string>()): Set<string> {
  if (into.has(id)) return into;
  into.add(id);
  for (const dep of Object.keys(byId.get(id)!.manifest.requires.plugins)) withDependencies(dep, into);
  return into;
}

/** The product files of a plugin (its tests may boot whatever they like). */
function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'node_modules' ? [] : productFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('plugin contract: each plugin uses only the services of plugins it declares', () => {
  for (const { id, manifest } of shipped) {
    it(`does name in ctx.use only ${id} itself or what ${id} requires`, () => {
      const allowed = new Set([id, ...Object.keys(manifest.requires.plugins)]);
      const used = productFiles(join(REPO_ROOT, 'plugins', id)).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\buse(?:<[^>()]*>)?\(\s*'([a-z][a-z0-9-]*)'/g)].map((m) => ({ file, service: m[1]! })),
      );
      // Plugin services are provided under the plugin's id; the core's (learning, identity…) are everyone's.
      const undeclared = used.filter((u) => byId.has(u.service) && !allowed.has(u.service));
      expect(undeclared, JSON.stringify(undeclared)).to.deep.equal([]);
    });
  }
});

describe('plugin contract: each plugin boots with only its declared dependencies', function () {
  this.timeout(60_000);

  for (const { id } of shipped) {
    const only = [...withDependencies(id)];
    it(`does boot ${id} with ${only.length > 1 ? only.filter((p) => p !== id).join(', ') : 'no other plugin'}`, async () => {
      const env = await startTestEnv({ only, role: 'web' });
      try {
        const failed = env.kernel.plugins.report().filter((p) => p.status !== 'active');
        expect(failed, JSON.stringify(failed)).to.deep.equal([]);
        const health = await new ApiClient(env.url).get('/health');
        expect(health.status).to.equal(200);
        expect(health.body.status).to.equal('ok');
      } finally {
        await env.stop();
      }
    });
  }
});
