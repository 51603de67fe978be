/**
 * Missing strings fail here, before a person sees a raw key: every i18n key a template or a code
 * path names literally exists in both id.json and en.json of its namespace (the core's `lang/`
 * folders under `src/`, or `plugins/<id>/lang` for `<id>:key`), and the two files of each folder
 * hold the same keys.
 *
 * Literal uses are `{{t "key"}}` / `(t "key")` in templates and, in code, `t('key')`,
 * `translator.t(locale, 'key')` and `…Key: 'key'` properties (labelKey, messageKey, nameKey).
 * Keys built at run time (`t (concat "state." state)`) are not seen here; the page sweep catches
 * those on the pages it renders (test/browser/page-sweep.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../src/kernel/core-version';
import { flatten, readStrings, stringFiles } from '../support/sweep-language';

const PLURAL = ['zero', 'one', 'two', 'few', 'many', 'other'];

function filesBelow(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e.startsWith('.')) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (exts.some((x) => e.endsWith(x)) && !e.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const TEMPLATE_USES = [/\{\{~?\s*t\s+["']([^"']+)["']/g, /\(t\s+["']([^"']+)["']/g];
const CODE_USES = [
  /(?<![\w$])t\(\s*'([^'\s]+)'/g,
  /(?<![\w$])t\(\s*"([^"\s]+)"/g,
  /\.t\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*'([^'\s]+)'/g,
  /\b\w*Key\s*[:=]\s*'([a-z][\w-]*(?::[\w.-]+|\.[\w.-]+))'/g,
];

interface Use {
  key: string;
  where: string;
}

function uses(): Use[] {
  const found: Use[] = [];
  const scan = (file: string, patterns: RegExp[]) => {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const key = m[1]!;
        if (key.includes('${') || key.includes('{{')) continue;
        const line = text.slice(0, m.index).split('\n').length;
        found.push({ key, where: `${relative(REPO_ROOT, file)}:${line}` });
      }
    }
  };
  const templateDirs = [join(REPO_ROOT, 'templates'), join(REPO_ROOT, 'src')];
  const pluginsDir = join(REPO_ROOT, 'plugins');
  for (const d of readdirSync(pluginsDir)) templateDirs.push(join(pluginsDir, d));
  for (const d of templateDirs) for (const f of filesBelow(d, ['.hbs'])) scan(f, TEMPLATE_USES);
  for (const d of [join(REPO_ROOT, 'src'), pluginsDir, join(REPO_ROOT, 'workers')]) for (const f of filesBelow(d, ['.ts', '.js'])) scan(f, CODE_USES);
  return found;
}

describe('i18n keys: every string a page or a code path asks for exists in both languages', () => {
  // Namespace -> its keys in each language (the core's folders merged, as the kernel loads them).
  const keys = new Map<string, { id: Set<string>; en: Set<string> }>();
  for (const f of stringFiles()) {
    if (!keys.has(f.ns)) keys.set(f.ns, { id: new Set(), en: new Set() });
    for (const loc of ['id', 'en'] as const) for (const k of flatten(readStrings(f.dir, loc)).keys()) keys.get(f.ns)![loc].add(k);
  }

  const has = (set: Set<string>, key: string) => set.has(key) || PLURAL.some((p) => set.has(`${key}_${p}`));

  it('finds the literal uses (the scan itself works)', () => {
    const all = uses();
    expect(all.length).to.be.above(300);
    expect(all.some((u) => u.key === 'nav.logout')).to.equal(true);
  });

  it('every literal key exists in id.json and en.json of its namespace', () => {
    const missing: string[] = [];
    for (const u of uses()) {
      const colon = u.key.indexOf(':');
      const ns = colon > 0 ? u.key.slice(0, colon) : 'core';
      const path = colon > 0 ? u.key.slice(colon + 1) : u.key;
      // A word with a colon that names no namespace is not a key (e.g. a URL scheme).
      const bundle = keys.get(ns);
      if (!bundle) {
        if (colon > 0) continue;
        missing.push(`${u.where}: ${u.key} (no core strings?)`);
        continue;
      }
      // In a plugin, an unqualified key may be the plugin's own (ctx.i18n.t adds the plugin's
      // namespace) or the core's (a route's t): either will do, in both languages.
      const plugin = colon > 0 ? undefined : /^plugins\/([^/]+)\//.exec(u.where)?.[1];
      const own = plugin ? keys.get(plugin) : undefined;
      for (const loc of ['id', 'en'] as const) {
        if (has(bundle[loc], path) || (own && has(own[loc], path))) continue;
        missing.push(`${u.where}: ${u.key} missing in ${ns === 'core' ? 'src/views/lang' : `plugins/${ns}/lang`}/${loc}.json${own ? ` (or plugins/${plugin}/lang)` : ''}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('id.json and en.json of each folder hold the same keys', () => {
    const differ: string[] = [];
    for (const f of stringFiles()) {
      const id = new Set(flatten(readStrings(f.dir, 'id')).keys());
      const en = new Set(flatten(readStrings(f.dir, 'en')).keys());
      const where = relative(REPO_ROOT, f.dir);
      for (const key of id) if (!en.has(key)) differ.push(`${where}: ${key} only in id.json`);
      for (const key of en) if (!id.has(key)) differ.push(`${where}: ${key} only in en.json`);
    }
    expect(differ).to.deep.equal([]);
  });
});
