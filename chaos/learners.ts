/**
 * Exam takers over HTTP, behaving as the exam page does (plugins/activity-exam/public/attempt.js):
 * one save out at a time, each with a new sequence number; a save that gets no answer, a 5xx, 408
 * or 429 is sent again with the same seq after 1 s, doubling to a cap; an answer counts as saved
 * only when the server said `saved: true`. The ledger keeps, per attempt and slot, the highest
 * acknowledged seq and its response: what the learner's page shows as saved, and so what the
 * database must hold.
 */

export interface LedgerEntry {
  seq: number;
  selected: string;
}

export interface Taker {
  name: string;
  token: string;
  userId: string;
  attemptId: string;
  cookie: string;
  slots: string[];
  next: number;
  seq: number;
  /** slot → the highest acknowledged save. */
  acked: Map<string, LedgerEntry>;
  state: 'saving' | 'submitting' | 'submitted';
  /** The taker's save loop, idle once it stops saving. */
  loop?: Promise<void>;
}

export interface LoadStats {
  sent: number;
  acked: number;
  retries: number;
  /** Saves on the wire now (a request sent, no answer yet). */
  inFlight: number;
  /** Time of the last acknowledgement of a request sent at or after `since` (see ackedSince). */
  refused: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REQUEST_TIMEOUT_MS = 60_000;

export class Learners {
  readonly takers: Taker[] = [];
  readonly stats: LoadStats = { sent: 0, acked: 0, retries: 0, inFlight: 0, refused: [] };
  /** Send times of acknowledged requests (ms since epoch), for "a save sent after the kill was acknowledged". */
  private ackSendTimes: number[] = [];
  private stopped = false;

  constructor(
    readonly url: string,
    readonly examId: string,
    private readonly opts: { intervalMs: [number, number]; retryCapMs: number },
  ) {}

  /** Node's fetch (its default agent opens a connection per request in flight, as browsers of many takers would); no answer in 60 s counts as none. */
  private http(url: string, init: RequestInit): Promise<Response> {
    return fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init });
  }

  private headers(t: Pick<Taker, 'token' | 'cookie'>) {
    return { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', accept: 'application/json', ...(t.cookie ? { cookie: t.cookie } : {}) };
  }

  /** Sends until the server gives a final answer (anything but no answer, 5xx, 408, 429), as the page's retry does. */
  private async untilAnswered(send: () => Promise<Response>, onRetry: () => void = () => undefined): Promise<{ status: number; body: any; sentAt: number; res: Response }> {
    let wait = 1000;
    for (;;) {
      const sentAt = Date.now();
      this.stats.inFlight += 1;
      try {
        const res = await send();
        const text = await res.text();
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          let body: any = null;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          return { status: res.status, body, sentAt, res };
        }
      } catch {
        /* no answer: the connection died with the process, or timed out */
      } finally {
        this.stats.inFlight -= 1;
      }
      if (this.stopped) throw new Error('stopped');
      onRetry();
      await sleep(wait);
      wait = Math.min(wait * 2, this.opts.retryCapMs);
    }
  }

  /** Starts (or resumes) each participant's attempt over HTTP; keeps the exam-session cookie the start issues. */
  async start(participants: Array<{ name: string; token: string }>): Promise<void> {
    const started = await Promise.all(participants.map(async (p) => {
      const r = await this.untilAnswered(() => this.http(`${this.url}/api/v1/activity-exam/exams/${this.examId}/attempts`, { method: 'POST', headers: this.headers({ token: p.token, cookie: '' }), body: '{}' }));
      if (r.status !== 201 && r.status !== 200) throw new Error(`start for ${p.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      const cookie = r.res.headers.getSetCookie().map((c) => /^(bina_exam_[a-f0-9]{24}=[^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
      const slots = (r.body.questions as Array<{ slot: string }>).map((q) => q.slot);
      const t: Taker = { name: p.name, token: p.token, userId: r.body.attempt.userId, attemptId: r.body.attempt.id, cookie, slots, next: 0, seq: 0, acked: new Map(), state: 'saving' };
      return t;
    }));
    this.takers.push(...started);
  }

  /** One save with the page's retries; returns when the server answered it for good. */
  private async save(t: Taker): Promise<void> {
    const slot = t.slots[t.next++ % t.slots.length]!;
    const seq = ++t.seq;
    // Mostly the right option (`a`), so that most takers pass and earn a certificate.
    const selected = seq % 4 === 0 ? 'b' : 'a';
    this.stats.sent += 1;
    const r = await this.untilAnswered(
      () => this.http(`${this.url}/api/v1/activity-exam/attempts/${t.attemptId}/answers/${slot}`, { method: 'PUT', headers: this.headers(t), body: JSON.stringify({ seq, response: { selected: [selected] } }) }),
      () => (this.stats.retries += 1),
    );
    if (r.status === 200 && r.body?.saved === true) {
      const prev = t.acked.get(slot);
      if (!prev || prev.seq < seq) t.acked.set(slot, { seq, selected });
      this.stats.acked += 1;
      this.ackSendTimes.push(r.sentAt);
    } else if (r.status !== 200) {
      this.stats.refused.push(`${t.name} ${slot} seq ${seq}: ${r.status} ${JSON.stringify(r.body?.error ?? r.body).slice(0, 200)}`);
    }
  }

  /** Every taker saves at its pace until it submits or the load stops. */
  run(): void {
    const [lo, hi] = this.opts.intervalMs;
    for (const t of this.takers) {
      t.loop = (async () => {
        await sleep(Math.random() * hi);
        while (!this.stopped && t.state === 'saving') {
          await this.save(t).catch(() => undefined);
          if (t.state !== 'saving') break;
          await sleep(lo + Math.random() * (hi - lo));
        }
      })();
    }
  }

  /** The page's submit: after the last save is answered, POST submit (retried like a save). */
  async submit(t: Taker): Promise<void> {
    t.state = 'submitting';
    await t.loop;
    const r = await this.untilAnswered(() => this.http(`${this.url}/api/v1/activity-exam/attempts/${t.attemptId}/submit`, { method: 'POST', headers: this.headers(t) }));
    if (r.status !== 202 && r.status !== 200) throw new Error(`submit ${t.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    t.state = 'submitted';
  }

  /** Acknowledged saves whose request was sent at or after `at`. */
  ackedSince(at: number): number {
    let n = 0;
    for (const s of this.ackSendTimes) if (s >= at) n += 1;
    return n;
  }

  get ackedTotal(): number {
    let n = 0;
    for (const t of this.takers) n += t.acked.size;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.takers.map((t) => t.loop));
  }
}
