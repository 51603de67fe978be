/**
 * The one place this plugin credits JP: the core's ledger through `ctx.jp.credit` (never a write
 * to a core collection). The ledger keys the entry by the person and `mentoring:<sessionId>`, so a
 * second credit of the same session changes nothing.
 */
import type { PluginContext } from '../../src/host/plugins/context';

export interface MentoringCredit {
  userId: string;
  jp: number;
  sessionId: string;
  pairId: string;
  title: string;
  heldAt: Date;
  minutes: number;
}

export async function creditMentoringJp(ctx: PluginContext, c: MentoringCredit): Promise<boolean> {
  const r = await ctx.jp.credit({
    userId: c.userId, source: 'mentoring', sourceId: c.sessionId, title: c.title, kind: 'mentoring', provider: 'Mentoring',
    startDate: c.heldAt, endDate: new Date(c.heldAt.getTime() + c.minutes * 60_000), jp: c.jp,
    evidence: { kind: 'record', ref: `/${ctx.id}/pairs/${c.pairId}#session-${c.sessionId}` },
  });
  return r.credited;
}
