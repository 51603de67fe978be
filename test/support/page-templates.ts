/**
 * Which templates are pages (docs/pages.md): every `.hbs` the view engine registers from a
 * `pages/` folder of the core (`src/views/pages/`, `src/identity/pages/`, as `core/<name>`) and from `plugins/<id>/templates/` (as `<id>/<name>`),
 * except those under a `partials/` folder (pieces of pages) and templates that are not pages
 * of their own: `layouts/` (the frame around pages) and `documents/` (certificates, e-mails and
 * other files rendered for something other than the browser).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../src/kernel/core-version';

const NOT_PAGES = /(^|\/)(partials|layouts|documents)\//;

function hbsBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.name.endsWith('.hbs')) out.push(relative(dir, p).replace(/\\/g, '/').replace(/\.hbs$/, ''));
    }
  };
  walkDir(dir);
  return out;
}

/** The core's page folders: every `pages/` folder below src/ (src/views/pages, src/identity/pages, …). */
function corePageDirs(): string[] {
  const out: string[] = [];
  const walkDir = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(d, e.name);
      if (e.name === 'pages') out.push(p);
      else walkDir(p);
    }
  };
  walkDir(join(REPO_ROOT, 'src'));
  return out;
}

/** View names of every page template, sorted. */
export function pageTemplates(): string[] {
  const names = corePageDirs().flatMap((d) => hbsBelow(d).map((n) => `core/${n}`));
  const pluginsDir = join(REPO_ROOT, 'plugins');
  for (const id of readdirSync(pluginsDir)) names.push(...hbsBelow(join(pluginsDir, id, 'templates')).map((n) => `${id}/${n}`));
  // The site's own templates/ holds layouts and partials only; a page put there would be named
  // without a prefix and is listed too.
  names.push(...hbsBelow(join(REPO_ROOT, 'templates')));
  return names.filter((n) => !NOT_PAGES.test(n)).sort();
}
