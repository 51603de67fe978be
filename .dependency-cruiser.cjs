/**
 * Import boundaries (ADR 0039), checked by dependency-cruiser in `npm test`
 * (test/import-boundaries.test.ts) and by hand with `npx depcruise src plugins workers`.
 *
 * Layers, from the bottom: src/kernel (infrastructure) → the core modules (storage, views, http,
 * identity, learning) → src/host (the composition root) → plugins; src/main.ts, src/cli and
 * workers/ are entry points. The plugin rule is made from each plugin.json's `requires`: a plugin
 * may import the `api.ts` of a plugin it declares, and no other plugin file.
 */
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const PRODUCT = '^(src|plugins|workers)/';
const TEST_FILE = '(\\.test\\.ts$|^plugins/[^/]+/test/)';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const plugins = readdirSync(join(__dirname, 'plugins'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(__dirname, 'plugins', d.name, 'plugin.json')))
  .map((d) => JSON.parse(readFileSync(join(__dirname, 'plugins', d.name, 'plugin.json'), 'utf8')));

const pluginRules = plugins.map((p) => {
  const allowed = [escape(p.id) + '/', ...Object.keys(p.requires.plugins ?? {}).map((dep) => `${escape(dep)}/api\\.ts$`)];
  return {
    name: `plugin-imports-only-declared-apis:${p.id}`,
    comment: `${p.id} may import only the api.ts of the plugins its plugin.json requires (${Object.keys(p.requires.plugins ?? {}).join(', ') || 'none'})`,
    severity: 'error',
    from: { path: `^plugins/${escape(p.id)}/` },
    to: { path: '^plugins/', pathNot: `^plugins/(${allowed.join('|')})` },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-not-to-plugins',
      comment: 'The core (src/) knows plugins only through registries, hooks, events and ctx.provide',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'kernel-not-to-core-modules',
      comment: 'src/kernel is the infrastructure; it imports neither http, views, identity, learning nor the composition root (types included)',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/(http|views|identity|learning|host)/' },
    },
    {
      name: 'core-modules-not-to-host-at-runtime',
      comment: 'Only entry points (src/main.ts, src/cli, workers) and plugins run src/host; core modules may name its types',
      severity: 'error',
      from: { path: '^src/(kernel|storage|views|http|identity|learning)/' },
      to: { path: '^src/host/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workers-not-to-plugins',
      comment: 'Workers run the processors plugins registered through the kernel; they import no plugin',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^plugins/' },
    },
    {
      name: 'product-not-to-dev-code',
      comment: 'Product code never imports bench/, scripts/ or test/ (tests beside the code may use test/support)',
      severity: 'error',
      from: { path: PRODUCT, pathNot: TEST_FILE },
      to: { path: '^(bench|scripts|test)/' },
    },
    ...pluginRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.data)/' },
    // Type-only imports count: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'] },
  },
};
