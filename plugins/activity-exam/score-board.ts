/**
 * The live score board (CAT-style transparency): a snapshot from the database plus a stream of
 * server-sent events fed by `ctx.realtime` (Redis pub/sub), so a save handled by one web process
 * and a grade computed by a worker process both reach every open board.
 *
 * Invariants: the board carries scores, never answers; participants appear by name or masked NIP
 * as the exam's privacy setting says. Messages are fire-and-forget; each answer message carries
 * the answer's sequence number, so a board that loads its snapshot after subscribing ignores what
 * it already has. Streams (src/http/event-stream.ts) live at most `boardStreamSeconds`.
 */
import type { Request, Response } from 'express';
import { EventStreams } from '../../src/http/event-stream';
import type { IdentityService } from '../../src/identity/identity-service';
import type { ExamDoc } from './exam-models';
import { maskNip } from './exam-scoring';
import { provisionalMarks } from '../../src/learning/review-policy';
import type { ExamService } from './exam-service';

export interface BoardRow {
  attemptId: string;
  label: string;
  number: number;
  state: string;
  answered: number;
  /** Live (auto-graded) total, the final score once graded; null while an essay waits and the learner may not see marks yet (review-policy provisionalMarks). */
  score: number | null;
  sections: Record<string, number>;
  passed: boolean | null;
  /** slot → [provisional score, seq, section]. */
  slots: Record<string, [number, number, string]>;
}

export class ScoreBoard {
  private streams: EventStreams;

  constructor(private svc: ExamService) {
    this.streams = new EventStreams(() => Number(svc.ctx.settings.boardStreamSeconds ?? 300) * 1000);
  }

  async snapshot(exam: ExamDoc) {
    const attempts = await this.svc.withAnswersOfExam(exam._id, await this.svc.models.Attempt.find({ examId: exam._id }, { userId: 1, number: 1, state: 1, answers: 1, slots: 1, score: 1, passed: 1, sections: 1 }).sort({ number: 1 }).lean());
    // One row per participant: their latest attempt.
    const latest = new Map<string, (typeof attempts)[number]>();
    for (const a of attempts) latest.set(String(a.userId), a);
    const identity = this.svc.ctx.use<IdentityService>('identity');
    const users = await identity.models.User.find({ _id: { $in: [...latest.keys()] } }, { name: 1, nip: 1, username: 1 }).lean();
    const byId = new Map(users.map((u) => [String(u._id), u]));
    const now = this.svc.ctx.clock.now();
    // Saves store a provisional score only while a board watches (ExamService.boardWatched): one that
    // opens now grades the answers stored without one, once, here.
    const qs = await this.svc.questions.get([...new Set([...latest.values()].flatMap((a) => a.slots.map((s) => String(s.questionId))))]);
    const rows: BoardRow[] = [...latest.values()].map((a) => {
      const u = byId.get(String(a.userId));
      const bySlot = new Map(a.slots.map((s) => [s.slot, s]));
      const provisional = (slot: string, ans: { r: unknown; p?: number }) => {
        if (ans.p !== undefined) return ans.p;
        const s = bySlot.get(slot);
        const q = s ? qs.get(String(s.questionId)) : undefined;
        return s && q ? this.svc.engine.provisional(this.svc.engine.type(q.type), q, ans.r, s.mark) : 0;
      };
      const slots: BoardRow['slots'] = {};
      const live: Record<string, number> = Object.fromEntries(exam.sections.map((s) => [s.key, 0]));
      for (const [slot, ans] of Object.entries(a.answers ?? {})) {
        const sec = bySlot.get(slot)?.section ?? '';
        const p = provisional(slot, ans);
        slots[slot] = [p, ans.seq, sec];
        live[sec] = (live[sec] ?? 0) + p;
      }
      const graded = a.state === 'graded';
      // A waiting attempt shows what its learner sees: the worker's provisional scores, or none.
      const waiting = a.state === 'needs_grading';
      const shown = !waiting || provisionalMarks(exam, a, now);
      const fromGrade = graded || (waiting && a.sections?.length);
      const sections = !shown ? {} : fromGrade ? Object.fromEntries(a.sections.map((s) => [s.key, s.score])) : live;
      return {
        attemptId: String(a._id),
        label: exam.board.identity === 'names' ? (u?.name ?? '—') : maskNip(u?.nip ?? u?.username),
        number: a.number,
        state: a.state,
        answered: Object.values(a.answers ?? {}).filter((x) => x.r !== null && x.r !== undefined).length,
        score: !shown ? null : fromGrade ? (a.score ?? 0) : Object.values(live).reduce((s, x) => s + x, 0),
        sections,
        passed: graded ? (a.passed ?? null) : null,
        slots,
      };
    });
    rows.sort((x, y) => (y.score ?? -1) - (x.score ?? -1) || x.label.localeCompare(y.label));
    return {
      exam: { id: String(exam._id), title: exam.title, sections: exam.sections.map((s) => ({ key: s.key, title: s.title, pass: s.pass ?? null })), pass: exam.pass ?? null },
      serverTime: this.svc.ctx.clock.now(),
      rows,
    };
  }

  /** Streams the exam's board messages as server-sent events until the client leaves. */
  stream(exam: ExamDoc, req: Request, res: Response): Promise<void> {
    return this.streams.open(req, res, (send) => this.svc.ctx.realtime.subscribe(`board-${exam._id}`, (m) => send(m)), { serverTime: this.svc.ctx.clock.now() });
  }

  /** Ends every open stream (plugin stop). */
  closeAll(): void {
    this.streams.closeAll();
  }
}
