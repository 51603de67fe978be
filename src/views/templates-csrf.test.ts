/**
 * Every template writes the CSRF token as `{{csrfToken}}`, the helper that resolves at any depth.
 * The view engine reads a path to it (`{{../../csrfToken}}`) as the helper anyway, so this is about
 * templates saying what they do: a miscounted path once sent empty tokens (issue 9, item 2).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CSRF_TOKEN_BY_PATH } from './view-engine';

const ROOT = join(import.meta.dirname, '..', '..');

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : templates(p);
    return e.name.endsWith('.hbs') ? [p] : [];
  });
}

describe('templates', () => {
  it('write the CSRF token as {{csrfToken}}, never by a path', () => {
    const offenders = [join(ROOT, 'src'), join(ROOT, 'templates'), join(ROOT, 'plugins')]
      .flatMap(templates)
      .flatMap((f) => (readFileSync(f, 'utf8').match(CSRF_TOKEN_BY_PATH) ?? []).map((m) => `${relative(ROOT, f)}: ${m}`));
    expect(offenders).to.deep.equal([]);
  });
});
