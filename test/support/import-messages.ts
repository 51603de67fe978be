/**
 * Checks for the import readers' messages (plugins/import-<format>/lang): every problem carries an
 * i18n key; in English its string gives back exactly the `message` the CLI and the API show (so
 * every arg is passed and used); in Indonesian it is another text that still shows every arg.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ParseProblem, ParseResult } from '../../src/learning/interchange/neutral-question';
import { Translator, type Locale } from '../../src/views/i18n';
import { localize, type LocalizableText } from '../../src/views/zod-messages';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** Dotted keys of a lang file (`problems.noText`), for comparing the two languages. */
function leafKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? leafKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** The core's strings and one import plugin's, as the kernel loads them. */
export function importStrings(pluginId: string) {
  const tr = new Translator('id');
  const plugin = { id: readJson(`plugins/${pluginId}/lang/id.json`), en: readJson(`plugins/${pluginId}/lang/en.json`) };
  for (const locale of ['id', 'en'] as Locale[]) {
    tr.addBundle('core', locale, readJson(`src/views/lang/${locale}.json`));
    tr.addBundle(pluginId, locale, plugin[locale]);
  }
  return {
    in: (locale: Locale, text: LocalizableText) => localize(tr, locale, text),
    /** Every key of the plugin's English file, with its namespace (`import-gift:problems.noText`). */
    keys: () => leafKeys(plugin.en).map((k) => `${pluginId}:${k}`),
    /** Keys one language has and the other has not. */
    unmatched: () => {
      const id = new Set(leafKeys(plugin.id));
      const en = new Set(leafKeys(plugin.en));
      return [...id].filter((k) => !en.has(k)).concat([...en].filter((k) => !id.has(k)));
    },
  };
}

const isText = (v: unknown): v is LocalizableText => typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string';

/**
 * Asserts the rules of the file header for each problem and returns the keys they used (nested
 * ones included), so a test can prove that every string of the plugin is reachable.
 */
export function expectTranslatable(strings: ReturnType<typeof importStrings>, problems: readonly ParseProblem[]): Set<string> {
  const used = new Set<string>();
  const check = (text: LocalizableText, what: string): void => {
    expect(text.i18n, `${what}: no i18n key`).to.be.a('string');
    used.add(text.i18n!);
    expect(strings.in('en', text), `${what}: English string`).to.equal(text.message);
    const id = strings.in('id', text);
    expect(id, `${what}: Indonesian string`).to.not.equal(text.message).and.not.match(/\{\{|\}\}/);
    for (const [name, value] of Object.entries(text.args ?? {})) {
      if (isText(value)) {
        check(value, `${what} › ${name}`);
        expect(id, `${what}: shows ${name}`).to.include(strings.in('id', value));
      } else {
        expect(id, `${what}: shows ${name}`).to.include(String(value));
      }
    }
  };
  for (const p of problems) check(p, `line ${p.line}: ${p.message}`);
  return used;
}

/**
 * `expectTranslatable` over the problems of every source (each must give one), then: both
 * languages hold the same keys, and every string of the plugin is reached by some source, except
 * the `unreachable` ones (guards no input gets to).
 */
export function expectAllTranslatable(pluginId: string, parse: (text: string) => ParseResult, sources: readonly string[], unreachable: readonly string[] = []): void {
  const strings = importStrings(pluginId);
  const used = new Set<string>();
  for (const source of sources) {
    const { problems } = parse(source);
    expect(problems, source).to.not.be.empty;
    for (const key of expectTranslatable(strings, problems)) used.add(key);
  }
  expect(strings.unmatched(), 'keys in one language only').to.deep.equal([]);
  // Only the reader's messages count; `plugin.*` (its description on the admin page) is no problem text.
  const messages = strings.keys().filter((k) => !k.startsWith(`${pluginId}:plugin.`));
  expect(messages.filter((k) => !used.has(k) && !unreachable.includes(k)), 'strings no source reaches').to.deep.equal([]);
}
