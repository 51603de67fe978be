/**
 * Register numbers (nomor register / nomor surat) in the agency's own format, e.g.
 * `800/{seq}/BKPSDM/{yyyy}` → `800/17/BKPSDM/2026`, with a sequence that starts again each year.
 *
 * Invariant — exactly once, without transactions (ADR 0051): a number is a row keyed by the
 * certificate's id with a unique (year, seq) index. Taking the next number is "read the highest
 * seq of the year, insert seq + 1": two issuers racing for the same seq are arbitrated by the
 * unique index (the loser reads again), and a job that runs twice finds its own row by `_id`. No
 * counter document is incremented (FerretDB 1.x can lose concurrent updates of one document).
 */
import { Schema, Types, type Model } from 'mongoose';
import { SequenceTail } from '../../src/kernel/sequence-tail';

export interface RegisterNumberDoc {
  /** The certificate's id: one number per certificate, ever. */
  _id: Types.ObjectId;
  year: number;
  seq: number;
  /** The formatted number as printed. */
  number: string;
  createdAt: Date;
}

export const registerNumberSchema = new Schema<RegisterNumberDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    number: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
registerNumberSchema.index({ year: 1, seq: -1 }, { unique: true });

/** `{seq}`, `{seq:4}` (zero-padded), `{yyyy}`, `{yy}`, `{mm}` and `{romawi}` (the month in Roman numerals, as in Indonesian letter numbers). */
const TOKEN = /\{(seq(?::([1-9]))?|yyyy|yy|mm|romawi)\}/g;
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** null when `pattern` is a usable register pattern, else the reason (an i18n key suffix). */
export function registerPatternProblem(pattern: string): 'noSeq' | 'unknownToken' | 'tooLong' | null {
  if (pattern.length > 100) return 'tooLong';
  if (/\{[^}]*\}/.test(pattern.replace(TOKEN, ''))) return 'unknownToken';
  if (!/\{seq(?::[1-9])?\}/.test(pattern)) return 'noSeq';
  return null;
}

/** Year and month (1-12) of `at` in the time zone where the certificate is issued. */
export function yearMonthIn(at: Date, timeZone: string): { year: number; month: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'numeric' }).formatToParts(at);
  return { year: Number(parts.find((p) => p.type === 'year')!.value), month: Number(parts.find((p) => p.type === 'month')!.value) };
}

export function formatRegisterNumber(pattern: string, seq: number, at: Date, timeZone: string): string {
  const { year, month } = yearMonthIn(at, timeZone);
  return pattern.replace(TOKEN, (_m, token: string, pad?: string) => {
    if (token.startsWith('seq')) return String(seq).padStart(pad ? Number(pad) : 1, '0');
    if (token === 'yyyy') return String(year);
    if (token === 'yy') return String(year % 100).padStart(2, '0');
    if (token === 'mm') return String(month).padStart(2, '0');
    return ROMAN[month - 1]!;
  });
}

export class RegisterNumbers {
  /** A year's last number without sorting the year's rows (FerretDB 1.x sorts in its own memory). */
  private readonly tail: SequenceTail<RegisterNumberDoc>;

  constructor(private readonly Register: Model<RegisterNumberDoc>) {
    this.tail = new SequenceTail<RegisterNumberDoc>({
      probe: (year, seq) => this.Register.findOne({ year: Number(year), seq }).lean(),
      slowTail: (year) => this.Register.findOne({ year: Number(year) }).sort({ seq: -1 }).lean(),
    });
  }

  /** The certificate's register number: the one it already has, or the next of its year. */
  async assign(certificateId: Types.ObjectId, pattern: string, issuedAt: Date, timeZone: string, now: Date): Promise<string> {
    const mine = await this.Register.findById(certificateId).lean();
    if (mine) return mine.number;
    const { year } = yearMonthIn(issuedAt, timeZone);
    for (let attempt = 0; attempt < 100; attempt++) {
      const last = await this.tail.last(String(year));
      const seq = (last?.seq ?? 0) + 1;
      const number = formatRegisterNumber(pattern, seq, issuedAt, timeZone);
      try {
        await this.Register.create({ _id: certificateId, year, seq, number, createdAt: now });
        this.tail.saw(String(year), seq);
        return number;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        this.tail.saw(String(year), seq); // taken: the next look starts from it
        // Either another certificate took this seq (read again) or a racing run of this job
        // numbered this certificate (use its number).
        const raced = await this.Register.findById(certificateId).lean();
        if (raced) return raced.number;
      }
    }
    throw new Error('register number: too many concurrent issuers for one year');
  }
}
