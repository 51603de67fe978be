/**
 * What a kill test asserts, read through Bina's public API as the people who would look: the
 * exam's trainer reads each attempt (what the grader sees: every answer with its sequence number)
 * and the attempt list, an admin reads the audit log and the certificates, and BullMQ's delayed
 * auto-submit jobs are read from Redis (the jobs a restart of Redis must not lose).
 */
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import type { Taker } from './learners';

export interface SaveCheck {
  /** Acknowledged answers (attempt, slot) in the ledger. */
  acked: number;
  /** Of those, stored with the acknowledged seq or a later one (and the acknowledged response when equal). */
  found: number;
  lost: string[];
}

export interface GradingCheck {
  submitted: number;
  graded: number;
  /** Attempts graded more than once (audit rows `activity-exam:audit.graded` per attempt). */
  doubleGraded: string[];
  passed: string[];
}

export interface CertificateCheck {
  issued: number;
  /** Learners with more than one certificate of the achievement. */
  duplicates: string[];
  /** Learners who passed and have none. */
  missing: string[];
}

async function getJson(url: string, token: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function inPool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export class Checks {
  constructor(
    readonly url: string,
    readonly examId: string,
    readonly achievementId: string,
    private readonly trainerToken: string,
    private readonly adminToken: string,
  ) {}

  /** Every acknowledged save is stored with its latest sequence number, as the trainer reads the attempt. */
  async saves(takers: Taker[]): Promise<SaveCheck> {
    const out: SaveCheck = { acked: 0, found: 0, lost: [] };
    await inPool(takers, 8, async (t) => {
      // A snapshot of the ledger before the read: saves acknowledged meanwhile are checked next time.
      const ledger = [...t.acked];
      if (ledger.length === 0) return;
      const body = await getJson(`${this.url}/api/v1/activity-exam/attempts/${t.attemptId}`, this.trainerToken);
      const stored = new Map<string, { seq?: number; response: { selected?: string[] } | null }>((body.questions as Array<{ slot: string; seq?: number; response: { selected?: string[] } | null }>).map((q) => [q.slot, q]));
      for (const [slot, a] of ledger) {
        out.acked += 1;
        const s = stored.get(slot);
        // An open attempt shows each answer's seq: a later one may have replaced it. A submitted
        // attempt's review shows the final responses only; the taker's last acknowledged save of
        // a slot is its final answer (it submits only once every save was answered).
        const same = s?.response?.selected?.[0] === a.selected;
        const ok = s && (s.seq === undefined ? same : s.seq > a.seq || (s.seq === a.seq && same));
        if (ok) out.found += 1;
        else out.lost.push(`${t.name} ${slot}: acknowledged seq ${a.seq} (${a.selected}), stored ${s ? `seq ${s.seq ?? '(review)'} (${s.response?.selected?.[0] ?? 'blank'})` : 'nothing'}`);
      }
    });
    return out;
  }

  /** The exam's attempts as its trainer lists them: id → state. */
  async attemptStates(): Promise<Map<string, { state: string }>> {
    const body = await getJson(`${this.url}/api/v1/activity-exam/exams/${this.examId}/attempts`, this.trainerToken);
    return new Map((body.attempts as Array<{ id: string; state: string }>).map((a) => [a.id, a]));
  }

  /** Audit rows of one action, all pages: subject id → count. */
  private async auditCounts(action: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let before: number | null | undefined;
    do {
      const q = new URLSearchParams({ action, limit: '500', ...(before ? { beforeSeq: String(before) } : {}) });
      const body = await getJson(`${this.url}/api/v1/audit?${q}`, this.adminToken);
      for (const r of body.rows as Array<{ subject: { id: string } }>) counts.set(r.subject.id, (counts.get(r.subject.id) ?? 0) + 1);
      before = body.nextBeforeSeq;
    } while (before);
    return counts;
  }

  /** Submitted attempts: graded (or waiting for a person), each exactly once; which passed (the learner's review). */
  async grading(submitted: Taker[]): Promise<GradingCheck> {
    const states = await this.attemptStates();
    const graded = await this.auditCounts('activity-exam:audit.graded');
    const out: GradingCheck = { submitted: submitted.length, graded: 0, doubleGraded: [], passed: [] };
    for (const t of submitted) {
      const s = states.get(t.attemptId)?.state;
      if (s === 'graded' || s === 'needs_grading') out.graded += 1;
      if ((graded.get(t.attemptId) ?? 0) > 1) out.doubleGraded.push(`${t.name}: graded ${graded.get(t.attemptId)} times`);
    }
    return out;
  }

  /** The attempts that passed, as the trainer reads the exam's results. */
  async passed(): Promise<Set<string>> {
    const body = await getJson(`${this.url}/api/v1/activity-exam/exams/${this.examId}/results`, this.trainerToken);
    return new Set((body.results as Array<{ counting: { attemptId: string; passed: boolean | null } | null }>).filter((r) => r.counting?.passed === true).map((r) => r.counting!.attemptId));
  }

  /** Certificates of the exam's achievement, as an admin searches them. */
  async certificates(takers: Taker[], passed: Set<string>): Promise<CertificateCheck> {
    const perUser = new Map<string, number>();
    let issued = 0;
    for (let skip = 0; ; skip += 200) {
      const body = await getJson(`${this.url}/api/v1/certificate-openbadges/certificates?achievementId=${this.achievementId}&limit=200&skip=${skip}`, this.adminToken);
      const rows = body.certificates as Array<{ userId: string; state: string }>;
      for (const c of rows) {
        if (c.state === 'pending') continue;
        issued += 1;
        perUser.set(c.userId, (perUser.get(c.userId) ?? 0) + 1);
      }
      if (rows.length < 200) break;
    }
    const out: CertificateCheck = { issued, duplicates: [], missing: [] };
    for (const t of takers) {
      const n = perUser.get(t.userId) ?? 0;
      if (n > 1) out.duplicates.push(`${t.name}: ${n} certificates`);
      if (passed.has(t.attemptId) && n === 0) out.missing.push(`${t.name}: passed, no certificate`);
    }
    return out;
  }
}

/** BullMQ's delayed jobs of a queue, read from Redis (ids). */
export async function delayedJobIds(redisUrl: string, prefix: string, queue: string): Promise<string[]> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await r.connect();
    return await r.zrange(`${prefix}:${queue}:delayed`, 0, -1);
  } finally {
    r.disconnect();
  }
}

/** Removes a run's database and its Redis keys (the services' data dirs are kept between runs). */
export async function dropRun(mongoUri: string, redisUrl: string, prefix: string): Promise<void> {
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
