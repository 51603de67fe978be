/**
 * The plugin contract test (ADR 0039): each shipped plugin boots with only the plugins its
 * plugin.json requires (and theirs), and comes up active with a healthy core. A plugin that
 * relies on another it does not declare (a service through ctx.use, a registry entry, an event
 * it expects) fails here, in a kernel where that other plugin is absent.
 */
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
