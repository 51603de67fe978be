/**
 * Categories as readers see them: the category every bank starts with is stored as `Default` (the
 * name Moodle files use, so exports round-trip) and shown in the reader's language ("Umum"), on
 * every page that lists a bank's categories (the bank, the quiz builder's picker, the exam form).
 */

/** The stored path with its leading `Default` shown as `shown` (the `bank.defaultCategory` string). */
export function shownCategoryPath(path: string, shown: string): string {
  return path === 'Default' || path.startsWith('Default/') ? shown + path.slice('Default'.length) : path;
}

/** The categories with the first one's name and every path shown in the reader's language. */
export function shownCategories<C extends { name: string; path: string }>(cats: readonly C[], shown: string): C[] {
  return cats.map((c) => ({ ...c, name: c.path === 'Default' ? shown : c.name, path: shownCategoryPath(c.path, shown) }));
}
