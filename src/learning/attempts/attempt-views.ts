/**
 * The engine's strings and partials (the manual grading form), loaded into the core namespace so
 * every activity's pages use one form and one wording.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Translator } from '../../views/i18n';
import type { ViewEngine } from '../../views/view-engine';

export function loadAttemptViews(translator: Translator, views: ViewEngine): void {
  for (const locale of ['id', 'en'] as const) {
    translator.addBundle('core', locale, JSON.parse(readFileSync(join(import.meta.dirname, 'lang', `${locale}.json`), 'utf8')));
  }
  views.loadDir('core', join(import.meta.dirname, 'pages'), 'core/');
}
