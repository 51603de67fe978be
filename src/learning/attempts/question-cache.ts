/**
 * An in-process cache of question versions by `_id`. A version is immutable (an edit makes a new
 * one; only the `latest`/`hidden` flags of old versions change, and those are never read from
 * here), so a cached copy never goes stale, and the per-answer autosave path needs no question
 * read. Bounded: the oldest entries go first when it is full.
 *
 * Concurrent misses of the same ids share one query (at an exam start hundreds of requests ask
 * for the same questions within a second), and the blueprint drawer primes the cache with the
 * candidate pools it loads anyway, so a start reads no question at all.
 */
import type { Types } from 'mongoose';
import type { QuestionDoc } from '../learning-models';
import type { LearningService } from '../learning-service';

export class QuestionCache {
  private map = new Map<string, QuestionDoc>();
  /** Loads in flight, by id: a second caller waits for the first query instead of sending its own. */
  private pending = new Map<string, Promise<QuestionDoc | undefined>>();

  constructor(private learning: () => LearningService, private max = 20_000) {}

  /** Adds versions read elsewhere (the drawer's pool query). */
  prime(docs: Iterable<QuestionDoc>): void {
    for (const q of docs) this.map.set(String(q._id), q);
    this.trim();
  }

  async get(ids: ReadonlyArray<string | Types.ObjectId>): Promise<Map<string, QuestionDoc>> {
    const out = new Map<string, QuestionDoc>();
    const waits: Array<Promise<void>> = [];
    const missing = new Set<string>();
    for (const id of ids) {
      const k = String(id);
      if (out.has(k)) continue;
      const q = this.map.get(k);
      if (q) out.set(k, q);
      else if (this.pending.has(k)) waits.push(this.pending.get(k)!.then((d) => void (d && out.set(k, d))));
      else missing.add(k);
    }
    if (missing.size > 0) {
      const batch = this.learning()
        .questionsByIds([...missing])
        .then((found) => {
          for (const [k, q] of found) this.map.set(k, q);
          this.trim();
          return found;
        })
        .finally(() => {
          for (const k of missing) this.pending.delete(k);
        });
      for (const k of missing) {
        const one = batch.then((found) => found.get(k));
        this.pending.set(k, one);
        waits.push(one.then((d) => void (d && out.set(k, d))));
      }
    }
    await Promise.all(waits);
    return out;
  }

  async one(id: string | Types.ObjectId): Promise<QuestionDoc | undefined> {
    return (await this.get([id])).get(String(id));
  }

  private trim(): void {
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
