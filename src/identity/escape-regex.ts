/** A user's text as a literal inside a MongoDB `$regex` (search boxes must not run patterns). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
