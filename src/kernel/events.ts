/**
 * Domain events (after the fact) and filter hooks (before, may veto), as Directus splits them.
 * Names: events `<plugin-id>.<object>.<past-tense verb>`; hooks `<plugin-id>.<object>.<verb>`.
 * Listeners run in registration order; a failing listener is logged and never breaks the emitter,
 * because the fact has already happened. A hook that throws vetoes the action.
 */
import type { Logger } from './logger';

export type EventHandler<T = unknown> = (payload: T) => unknown | Promise<unknown>;
export type HookFn<T = unknown> = (value: T) => T | Promise<T>;

export class EventBus {
  private handlers = new Map<string, Array<{ owner: string; fn: EventHandler }>>();
  constructor(private log: Logger) {}

  on<T>(owner: string, name: string, fn: EventHandler<T>): () => void {
    const list = this.handlers.get(name) ?? [];
    const entry = { owner, fn: fn as EventHandler };
    list.push(entry);
    this.handlers.set(name, list);
    return () => {
      const l = this.handlers.get(name);
      if (l) this.handlers.set(name, l.filter((h) => h !== entry));
    };
  }

  removeOwner(owner: string): void {
    for (const [name, list] of this.handlers) this.handlers.set(name, list.filter((h) => h.owner !== owner));
  }

  /**
   * Runs every listener; resolves when all have finished. Errors are logged, not thrown, unless
   * `strict`: then, after every listener has run, one error names the listeners that failed. A
   * job emits strictly so that it fails and runs again (its listeners idempotent, ADR 0061):
   * a certificate must not be lost because the database was away while its listener ran.
   */
  async emit<T>(name: string, payload: T, opts: { strict?: boolean } = {}): Promise<void> {
    const failed: string[] = [];
    for (const h of this.handlers.get(name) ?? []) {
      try {
        await h.fn(payload);
      } catch (err) {
        this.log.error({ err, event: name, listener: h.owner }, 'event listener failed');
        failed.push(h.owner);
      }
    }
    if (opts.strict && failed.length) throw new Error(`listeners of ${name} failed: ${failed.join(', ')}`);
  }
}

export class HookRegistry {
  private hooks = new Map<string, Array<{ owner: string; priority: number; fn: HookFn }>>();

  /** Lower priority runs first; equal priorities run in registration order. */
  filter<T>(owner: string, name: string, fn: HookFn<T>, priority = 100): () => void {
    const list = this.hooks.get(name) ?? [];
    const entry = { owner, priority, fn: fn as HookFn };
    list.push(entry);
    list.sort((a, b) => a.priority - b.priority);
    this.hooks.set(name, list);
    return () => {
      const l = this.hooks.get(name);
      if (l) this.hooks.set(name, l.filter((h) => h !== entry));
    };
  }

  removeOwner(owner: string): void {
    for (const [name, list] of this.hooks) this.hooks.set(name, list.filter((h) => h.owner !== owner));
  }

  async run<T>(name: string, value: T): Promise<T> {
    let v = value;
    for (const h of this.hooks.get(name) ?? []) v = (await h.fn(v)) as T;
    return v;
  }
}
