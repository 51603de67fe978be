/**
 * Where Bina is installed and which core version it is. A leaf module (node built-ins only), so
 * anything may import it without pulling in the composition root (src/host): plugins' manifests
 * are checked against CORE_VERSION, and the CLI and the HTTP layer report it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository (install) root: package.json, plugins/, templates/, node_modules/. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The core's semver, from package.json; plugin.json `requires.core` ranges are checked against it. */
export const CORE_VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
