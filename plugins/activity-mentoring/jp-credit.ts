/**
 * The one place this plugin credits JP: through the core's ledger (never by writing a core
 * collection). The ledger keys a credit by its source, so crediting the same session twice
 * leaves one entry.
 */
import type { LearningService } from '../../src/learning/learning-service';

export interface MentoringCredit {
  userId: string;
  jp: number;
  sourceId: string;
  title: string;
  at: Date;
}

export async function creditMentoringJp(learning: LearningService, c: MentoringCredit): Promise<void> {
  const ledger = learning as unknown as { creditJp?: (entry: Record<string, unknown>) => Promise<unknown> };
  if (!ledger.creditJp) throw new Error('the JP ledger has no credit method yet');
  await ledger.creditJp({ userId: c.userId, jp: c.jp, source: 'mentoring', sourceId: c.sourceId, title: c.title, mode: 'nonklasikal', activityKind: 'mentoring', provider: 'Bina', at: c.at });
}
