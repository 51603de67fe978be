/**
 * Versioned asset URLs. Assets are cached by browsers for 7 days in production (a phone on a slow
 * connection should not fetch bootstrap on every page), so after an upgrade a browser would keep
 * running last week's exam-room script against this week's API. Every page therefore links an
 * asset as `/assets/…?v=<digest of the file>`: a changed file is a new URL and is fetched at
 * once; an unchanged one stays cached. Pages write `{{asset "/assets/core/bina.css"}}`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

export class AssetUrls {
  /** URL prefix (`/assets/core`) → the folder served there. */
  private readonly dirs = new Map<string, string>();
  /** Path → digest, and (outside production) the file's mtime and size it was taken at. */
  private readonly digests = new Map<string, { digest: string; stamp: string }>();

  /** `remember`: keep each file's digest for the process's life (production, where files do not change under it). */
  constructor(private readonly remember: boolean) {}

  /** Declares that `prefix` serves the files of `dir` (app.ts mounts the same pairs). */
  add(prefix: string, dir: string): void {
    this.dirs.set(prefix.replace(/\/+$/, ''), dir);
  }

  entries(): Array<[prefix: string, dir: string]> {
    return [...this.dirs];
  }

  /** The URL with its version; a path outside the served folders, or a missing file, comes back unchanged. */
  url(path: string): string {
    const known = this.digests.get(path);
    if (known && this.remember) return `${path}?v=${known.digest}`;
    const file = this.fileOf(path);
    if (!file) return path;
    try {
      // Outside production a file may change under the running server: re-read it only when it did.
      const st = statSync(file);
      const stamp = `${st.mtimeMs}:${st.size}`;
      if (known?.stamp === stamp) return `${path}?v=${known.digest}`;
      const digest = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
      this.digests.set(path, { digest, stamp });
      return `${path}?v=${digest}`;
    } catch {
      return path;
    }
  }

  private fileOf(path: string): string | undefined {
    for (const [prefix, dir] of this.dirs) {
      if (!path.startsWith(`${prefix}/`)) continue;
      const file = normalize(join(dir, path.slice(prefix.length + 1)));
      // Never a file outside the served folder (a template's typo with `..` is no way out).
      return file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : undefined;
    }
    return undefined;
  }
}
