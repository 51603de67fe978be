/**
 * The plugin registry: every manifest error is a coded error naming the plugin, found before any
 * plugin code runs; an optional plugin that throws is reported and the core keeps serving; a
 * disabled plugin's routes are gone.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { discoverPlugins } from '../../src/host/plugins/plugin-registry';
import { CORE_VERSION, REPO_ROOT } from '../../src/kernel/core-version';
import { BinaError } from '../../src/kernel/errors';
import { ApiClient, createUser, startTestEnv } from '../support/harness';

const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'plugins');
const discover = (...scenarios: string[]) => discoverPlugins({ dirs: scenarios.map((s) => join(fixtures, s)), disabled: [], coreVersion: CORE_VERSION });

function expectCoded(fn: () => unknown, code: string, mention: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').to.be.instanceOf(BinaError);
  expect((err as BinaError).code).to.equal(code);
  expect((err as BinaError).message).to.contain(mention);
}

describe('plugin registry', () => {
  describe('manifest checks (before any plugin code runs)', () => {
    it('rejects an unknown manifest key, naming the plugin', () => {
      expectCoded(() => discover('bad-manifest'), 'BINA_ERR_PLUGIN_MANIFEST', 'report-badkey');
    });
    it('rejects a plugin.json that is not JSON', () => {
      expectCoded(() => discover('bad-json'), 'BINA_ERR_PLUGIN_MANIFEST', 'report-badjson');
    });
    it('rejects an id that differs from the folder name', () => {
      expectCoded(() => discover('wrong-id'), 'BINA_ERR_PLUGIN_MANIFEST', 'report-folder');
    });
    it('rejects a capability outside the plugin\'s own prefix', () => {
      expectCoded(() => discover('bad-capability'), 'BINA_ERR_PLUGIN_MANIFEST', 'other-plugin:read');
    });
    it('rejects a missing dependency', () => {
      expectCoded(() => discover('missing-dep'), 'BINA_ERR_PLUGIN_MISSING_DEPENDENCY', 'question-nothere');
    });
    it('rejects a dependency cycle and names every plugin in it', () => {
      expectCoded(() => discover('cycle'), 'BINA_ERR_PLUGIN_CYCLE', 'report-aaa');
      expectCoded(() => discover('cycle'), 'BINA_ERR_PLUGIN_CYCLE', 'report-ccc');
    });
    it('rejects a duplicate id found in two folders', () => {
      expectCoded(() => discover('duplicate-1', 'duplicate-2'), 'BINA_ERR_PLUGIN_DUPLICATE', 'report-twin');
    });
    it('rejects an unmet core version range', () => {
      expectCoded(() => discover('core-version'), 'BINA_ERR_PLUGIN_VERSION_MISMATCH', 'report-future');
    });
    it('rejects an unmet dependency version range', () => {
      expectCoded(() => discover('dep-version'), 'BINA_ERR_PLUGIN_VERSION_MISMATCH', 'report-base');
    });
    it('orders plugins after their dependencies', () => {
      expect(discover('ordered').map((r) => r.id)).to.deep.equal(['report-zeta', 'report-alpha', 'report-mid']);
    });
    it('validates every shipped plugin manifest', () => {
      const recs = discoverPlugins({ dirs: [join(REPO_ROOT, 'plugins')], disabled: [], coreVersion: CORE_VERSION });
      expect(recs.map((r) => r.id)).to.include.members(['activity-lesson', 'activity-quiz', 'question-multichoice', 'question-truefalse']);
    });
  });

  describe('a throwing optional plugin', () => {
    let env: Awaited<ReturnType<typeof startTestEnv>>;
    before(async () => {
      env = await startTestEnv({ only: ['activity-lesson', 'report-throws', 'report-dependant'], env: { BINA_EXTRA_PLUGIN_DIRS: join(fixtures, 'throwing') } });
    });
    after(() => env?.stop());

    it('leaves the core up and healthy', async () => {
      const health = await new ApiClient(env.url).get('/health');
      expect(health.status).to.equal(200);
      expect(health.body.plugins).to.deep.include({ id: 'report-throws', status: 'failed' });
    });
    it('is listed as failed with its error on the admin plugin list, and its dependant is disabled', async () => {
      const admin = await createUser(env, 'admin');
      const r = await admin.api.get('/api/v1/plugins');
      expect(r.status).to.equal(200);
      const byId = Object.fromEntries(r.body.plugins.map((p: { id: string }) => [p.id, p]));
      expect(byId['report-throws'].status).to.equal('failed');
      expect(byId['report-throws'].error.message).to.contain('fixture failure in register');
      expect(byId['report-dependant'].status).to.equal('failed');
      expect(byId['activity-lesson'].status).to.equal('active');
    });
    it('undoes what it declared before throwing', async () => {
      const r = await new ApiClient(env.url).get('/api/v1/report-throws/ping');
      expect(r.status).to.equal(404);
    });
  });

  describe('services between plugins (ctx.use)', () => {
    let env: Awaited<ReturnType<typeof startTestEnv>>;
    before(async () => {
      env = await startTestEnv({ only: ['report-giver', 'report-taker', 'report-sneaker'], env: { BINA_EXTRA_PLUGIN_DIRS: join(fixtures, 'services') } });
    });
    after(() => env?.stop());

    it('gives a plugin the service of a plugin it requires, and the core\'s', () => {
      expect(env.kernel.plugins.isActive('report-taker')).to.equal(true);
    });
    it('refuses the service of a plugin not listed in requires, with a coded error naming both', () => {
      const rec = env.kernel.plugins.records.find((r) => r.id === 'report-sneaker')!;
      expect(rec.status).to.equal('failed');
      expect(rec.error?.code).to.equal('BINA_ERR_PLUGIN_MISSING_DEPENDENCY');
      expect(rec.error?.message).to.contain('report-sneaker').and.contain('report-giver');
    });
  });

  describe('a throwing required plugin', () => {
    it('aborts the boot with a coded error', async () => {
      let err: unknown;
      try {
        const env = await startTestEnv({ only: ['report-mustwork'], env: { BINA_EXTRA_PLUGIN_DIRS: join(fixtures, 'throwing-required') } });
        await env.stop();
      } catch (e) {
        err = e;
      }
      expect((err as BinaError)?.code).to.equal('BINA_ERR_PLUGIN_REGISTER');
      expect((err as BinaError).message).to.contain('report-mustwork');
    });
  });

  describe('disabling by config', () => {
    it('serves a plugin\'s routes when enabled and removes them when disabled', async () => {
      const dirs = { BINA_EXTRA_PLUGIN_DIRS: join(fixtures, 'pingable') };
      const on = await startTestEnv({ only: ['report-ping'], env: dirs });
      try {
        expect((await new ApiClient(on.url).get('/api/v1/report-ping/ping')).body).to.deep.equal({ pong: true });
      } finally {
        await on.stop();
      }
      const off = await startTestEnv({ only: ['report-ping'], env: { ...dirs, BINA_DISABLED_PLUGINS: 'report-ping' } });
      try {
        expect((await new ApiClient(off.url).get('/api/v1/report-ping/ping')).status).to.equal(404);
        expect((await new ApiClient(off.url).get('/health')).body.plugins).to.deep.include({ id: 'report-ping', status: 'disabled' });
      } finally {
        await off.stop();
      }
    });
    it('stops start-up on invalid plugin settings, naming the plugin', async () => {
      let err: unknown;
      try {
        const env = await startTestEnv({ only: ['activity-quiz'], env: { BINA_PLUGIN_SETTINGS: JSON.stringify({ 'activity-quiz': { graceSeconds: 'soon' } }) } });
        await env.stop();
      } catch (e) {
        err = e;
      }
      expect((err as BinaError)?.code).to.equal('BINA_ERR_CONFIG_INVALID');
      expect((err as BinaError).message).to.contain('activity-quiz');
    });
  });
});
