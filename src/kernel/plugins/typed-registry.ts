/**
 * A domain registry (question types, activity types, importers, …): items keyed by id, each
 * provided once. A clash fails loudly, never first-wins (STYLE.md, Ghost's lesson).
 */
import { Errors } from '../errors';

export class TypedRegistry<T extends { id: string }> {
  private items = new Map<string, { owner: string; item: T }>();
  constructor(readonly kind: string) {}

  add(owner: string, item: T): void {
    const prev = this.items.get(item.id);
    if (prev) throw Errors.pluginClash(`${this.kind} '${item.id}' is registered by ${prev.owner} and ${owner}`);
    this.items.set(item.id, { owner, item });
  }

  removeOwner(owner: string): void {
    for (const [k, v] of this.items) if (v.owner === owner) this.items.delete(k);
  }

  get(id: string): T | undefined {
    return this.items.get(id)?.item;
  }

  require(id: string): T {
    const v = this.get(id);
    if (!v) throw Errors.badRequest(`Unknown ${this.kind} '${id}'`, { details: { [this.kind]: id } });
    return v;
  }

  /** Who provided the item: a plugin id, or `core`. */
  ownerOf(id: string): string | undefined {
    return this.items.get(id)?.owner;
  }

  list(): T[] {
    return [...this.items.values()].map((v) => v.item);
  }

  /** Items with the plugin that provided each (to hide those of a plugin switched off). */
  entries(): Array<{ owner: string; item: T }> {
    return [...this.items.values()];
  }

  ids(): string[] {
    return [...this.items.keys()];
  }
}
