/**
 * An in-process cache of question versions by `_id`. A version is immutable (an edit makes a new
 * one; only the `latest`/`hidden` flags of old versions change, and those are never read from
 * here), so a cached copy never goes stale, and the per-answer autosave path needs no question
 * read. Bounded: the oldest entries go first when it is full.
 */
import type { Types } from 'mongoose';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { LearningService } from '../../src/learning/learning-service';

export class QuestionCache {
  private map = new Map<string, QuestionDoc>();
  constructor(private learning: () => LearningService, private max = 20_000) {}

  async get(ids: ReadonlyArray<string | Types.ObjectId>): Promise<Map<string, QuestionDoc>> {
    const out = new Map<string, QuestionDoc>();
    const missing: string[] = [];
    for (const id of ids) {
      const k = String(id);
      const q = this.map.get(k);
      if (q) out.set(k, q);
      else missing.push(k);
    }
    if (missing.length > 0) {
      const found = await this.learning().questionsByIds([...new Set(missing)]);
      for (const [k, q] of found) {
        out.set(k, q);
        this.map.set(k, q);
      }
      while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    }
    return out;
  }

  async one(id: string | Types.ObjectId): Promise<QuestionDoc | undefined> {
    return (await this.get([id])).get(String(id));
  }
}
