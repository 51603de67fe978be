/**
 * Level 4 (results): SKP ratings per period imported from CSV (skp-csv.ts: a preview lists every
 * problem with its line, in the reader's language; nothing is written while any remains), and a
 * course's trained learners' ratings before and after, beside a comparison group: people of the
 * same units who never enrolled in the course. An association, not proof (results-comparison.ts).
 */
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { IdentityService } from '../../src/identity/identity-service';
import type { LearningService } from '../../src/learning/learning-service';
import type { Locale } from '../../src/views/i18n';
import { EvaluationErrors } from './evaluation-errors';
import type { OfferDoc, SkpRatingDoc } from './evaluation-models';
import { compareResults, type BeforeAfter, type ResultsComparison } from './results-comparison';
import { readSkpCsv, type SkpProblem, type SkpRow } from './skp-csv';
import { SKP_ORDINAL, type SkpRating } from './skp-rating';

export interface LocalizedProblem {
  line: number;
  message: string;
}

export interface SkpPreview {
  rows: Array<SkpRow & { known: boolean }>;
  problems: LocalizedProblem[];
  periods: string[];
  unknownNips: number;
}

export interface ResultsView extends ResultsComparison {
  before?: string;
  after?: string;
  periods: string[];
  /** Ratings per group and period, for the table: counts per rating. */
  distribution: Array<{ group: 'trained' | 'comparison'; period: string; counts: Record<SkpRating, number> }>;
}

export class SkpService {
  constructor(private ctx: PluginContext, readonly Rating: Model<SkpRatingDoc>, private Offer: Model<OfferDoc>) {}

  private identity = () => this.ctx.use<IdentityService>('identity');
  private learning = () => this.ctx.use<LearningService>('learning');

  localize(p: SkpProblem, locale: Locale): LocalizedProblem {
    const args = { ...(p.args ?? {}) } as Record<string, unknown>;
    if (typeof args.reasonKey === 'string') args.reason = this.ctx.i18n.t(locale, args.reasonKey, args);
    return { line: p.line, message: this.ctx.i18n.t(locale, p.i18n, args) };
  }

  /** Reads the file and says what an import would do; writes nothing. */
  async preview(csv: string, locale: Locale): Promise<SkpPreview> {
    const read = readSkpCsv(csv);
    if (!read.rows) return { rows: [], problems: read.problems.map((p) => this.localize(p, locale)), periods: [], unknownNips: 0 };
    const users = await this.usersByNip(read.rows.map((r) => r.nip));
    const rows = read.rows.map((r) => ({ ...r, known: users.has(r.nip) }));
    return { rows, problems: [], periods: [...new Set(rows.map((r) => r.period))].sort(), unknownNips: rows.filter((r) => !r.known).length };
  }

  /** Imports the file when it has no problem (a rating of the same NIP and period is replaced); else a 400 with every line. */
  async import(csv: string, locale: Locale, actorId: string): Promise<{ imported: number; periods: string[]; unknownNips: number }> {
    const p = await this.preview(csv, locale);
    if (p.problems.length) throw EvaluationErrors.skpFile('The file has problems; nothing was imported', { details: p.problems.map((x) => ({ path: `line ${x.line}`, line: x.line, message: x.message })) });
    const users = await this.usersByNip(p.rows.map((r) => r.nip));
    const now = this.ctx.clock.now();
    await this.Rating.bulkWrite(p.rows.map((r) => ({
      replaceOne: {
        filter: { _id: `${r.nip}-${r.period}` },
        replacement: { _id: `${r.nip}-${r.period}`, nip: r.nip, ...(users.get(r.nip) ? { userId: users.get(r.nip) } : {}), period: r.period, results: r.results, behaviour: r.behaviour, rating: r.rating, importedAt: now },
        upsert: true,
      },
    })));
    await this.ctx.audit.record({ action: `${this.ctx.id}:audit.skpImported`, actorId, subject: { type: 'skp-ratings', id: p.periods.join(',') }, after: { rows: p.rows.length, periods: p.periods } });
    return { imported: p.rows.length, periods: p.periods, unknownNips: p.unknownNips };
  }

  private async usersByNip(nips: string[]): Promise<Map<string, Types.ObjectId>> {
    const users = await this.identity().models.User.find({ nip: { $in: [...new Set(nips)] } }, { nip: 1 }).lean();
    return new Map(users.map((u) => [u.nip!, u._id]));
  }

  async periods(): Promise<string[]> {
    const rows = await this.Rating.find({}, { period: 1 }).lean();
    return [...new Set(rows.map((r) => r.period))].sort();
  }

  /**
   * The course's completers against the people of their units who never enrolled in it, between
   * `before` and `after` (default: the last two periods imported).
   */
  async results(courseId: string, want: { before?: string; after?: string } = {}): Promise<ResultsView> {
    const periods = await this.periods();
    const before = want.before && periods.includes(want.before) ? want.before : periods[periods.length - 2];
    const after = want.after && periods.includes(want.after) ? want.after : periods[periods.length - 1];
    const empty = { ...compareResults([], []), before, after, periods, distribution: [] };
    if (!before || !after || before === after) return empty;
    const enrolments = await this.learning().models.Enrolment.find({ courseId: new Types.ObjectId(courseId) }, { userId: 1, status: 1 }).lean();
    // Completed: the core's enrolment says so, or the survey was offered (it is offered on completion).
    const offered = (await this.Offer.find({ courseId: new Types.ObjectId(courseId) }, { userId: 1 }).lean()).map((o) => String(o.userId));
    const trainedIds = [...new Set([...enrolments.filter((e) => e.status === 'completed').map((e) => String(e.userId)), ...offered])].map((u) => new Types.ObjectId(u));
    if (!trainedIds.length) return empty;
    const User = this.identity().models.User;
    const trained = await User.find({ _id: { $in: trainedIds } }, { unitId: 1 }).lean();
    const units = [...new Set(trained.filter((u) => u.unitId).map((u) => String(u.unitId)))].map((u) => new Types.ObjectId(u));
    const enrolled = new Set([...enrolments.map((e) => String(e.userId)), ...offered]);
    const peers = units.length ? (await User.find({ unitId: { $in: units } }, { _id: 1 }).lean()).filter((u) => !enrolled.has(String(u._id))) : [];
    const everyone = [...trained.map((u) => u._id), ...peers.map((u) => u._id)];
    const ratings = await this.Rating.find({ userId: { $in: everyone }, period: { $in: [before, after] } }, { userId: 1, period: 1, rating: 1 }).lean();
    const byUser = new Map<string, BeforeAfter>();
    for (const r of ratings) {
      const ba = byUser.get(String(r.userId)) ?? byUser.set(String(r.userId), {}).get(String(r.userId))!;
      if (r.period === before) ba.before = r.rating;
      else ba.after = r.rating;
    }
    const group = (ids: Types.ObjectId[]) => ids.map((id) => byUser.get(String(id)) ?? {});
    const t = group(trained.map((u) => u._id));
    const c = group(peers.map((u) => u._id));
    const counts = (g: BeforeAfter[], which: 'before' | 'after') => {
      const out = Object.fromEntries(Object.keys(SKP_ORDINAL).map((k) => [k, 0])) as Record<SkpRating, number>;
      for (const x of g) if (x.before && x.after) out[x[which]!] += 1;
      return out;
    };
    return {
      ...compareResults(t, c), before, after, periods,
      distribution: [
        { group: 'trained', period: before, counts: counts(t, 'before') }, { group: 'trained', period: after, counts: counts(t, 'after') },
        { group: 'comparison', period: before, counts: counts(c, 'before') }, { group: 'comparison', period: after, counts: counts(c, 'after') },
      ],
    };
  }
}
