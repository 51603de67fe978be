/**
 * `definePlugin({ register, start, stop })`: the one export of a plugin's index.ts (Strapi's
 * lifecycle). `register` only declares (no I/O); `start` runs once the database and Redis are up;
 * `stop` runs in reverse dependency order at shutdown.
 */
import type { PluginContext } from './context';

export interface PluginDefinition {
  register(ctx: PluginContext): void | Promise<void>;
  start?(ctx: PluginContext): void | Promise<void>;
  stop?(ctx: PluginContext): void | Promise<void>;
}

export function definePlugin(def: PluginDefinition): PluginDefinition {
  return def;
}
