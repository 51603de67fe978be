/**
 * The normative comparison of `shared/conformance/question-import/README.md` ("How to compare"):
 * decides whether an importer's neutral items match the expected ones, and lists every difference.
 *
 * Invariant: this module applies the README's rules and nothing else. Texts are compared under the
 * normalisation N (null = missing = "", whitespace runs folded to one space and trimmed, one space
 * next to `_____` dropped) and are otherwise case-, HTML- and entity-exact; fractions within 1e-6;
 * numerical intervals by min/max within 1e-9·max(1,|a|,|b|); a null expected title is not
 * compared; formats, `embedded_blank`, `idnumber` and `tags` only when the expectation states them
 * and the importer exposes them. A looser comparison would let a regression pass as conformance.
 */
import type { NeutralItem, TextFormat } from './neutral-question';

export interface NeutralDifference {
  /** Where, e.g. `items[3].options[1].fraction`. */
  path: string;
  message: string;
  expected: unknown;
  actual: unknown;
}

/** Optional fields an importer exposes (README rule 5, last row). All default to true. */
export interface NeutralExposure {
  stem_format?: boolean;
  /** Every `*_format` other than `stem_format`. */
  formats?: boolean;
  embedded_blank?: boolean;
  idnumber?: boolean;
  tags?: boolean;
}

export interface CompareOptions {
  exposes?: NeutralExposure;
  /** README rule 6 (Aiken): the importer stores text HTML-escaped, so unescape it before N. */
  actualIsHtmlEscaped?: boolean;
}

/** The expectation of one case in `expected.json`. */
export interface ExpectedParse {
  question_count: number;
  items: readonly NeutralItem[];
}

type Rec = Record<string, unknown>;

const FRACTION_TOLERANCE = 1e-6;
const INTERVAL_RELATIVE_TOLERANCE = 1e-9;

/** README rule 4: the text normalisation N. */
export function normalizeText(s: unknown): string {
  if (s === null || s === undefined) return '';
  return String(s)
    .replace(/[ \t\r\n\f\v]+/g, ' ')
    .replace(/^ | $/g, '')
    .replace(/ ?_____ ?/g, '_____');
}

function htmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|quot|#39|apos|amp);/g, (_m, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : name === 'amp' ? '&' : "'",
  );
}

class Comparison {
  readonly diffs: NeutralDifference[] = [];
  private readonly exposes: Required<NeutralExposure>;

  constructor(private readonly options: CompareOptions) {
    this.exposes = { stem_format: true, formats: true, embedded_blank: true, idnumber: true, tags: true, ...options.exposes };
  }

  private add(path: string, message: string, expected: unknown, actual: unknown): void {
    this.diffs.push({ path, message, expected, actual });
  }

  text(path: string, expected: unknown, actual: unknown): void {
    const raw = typeof actual === 'string' && this.options.actualIsHtmlEscaped ? htmlUnescape(actual) : actual;
    const e = normalizeText(expected);
    const a = normalizeText(raw);
    if (e !== a) this.add(path, 'text differs after normalisation', e, a);
  }

  fraction(path: string, expected: unknown, actual: unknown): void {
    if (typeof expected !== 'number' || typeof actual !== 'number' || Math.abs(actual - expected) > FRACTION_TOLERANCE) {
      this.add(path, 'fraction differs by more than 1e-6', expected, actual);
    }
  }

  exact(path: string, expected: unknown, actual: unknown): void {
    if (expected !== actual) this.add(path, 'value differs', expected, actual);
  }

  /**
   * A `*_format` field: a missing one means "same as the stem", so both sides are resolved to an
   * effective format first. Skipped when the expectation states no stem format (Aiken).
   */
  format(path: string, expected: Rec, actual: Rec, field: string, expStem: unknown, actStem: unknown): void {
    if (!this.exposes.formats || typeof expStem !== 'string') return;
    const e = (expected[field] as TextFormat | undefined) ?? expStem;
    const a = (actual[field] as TextFormat | undefined) ?? actStem ?? 'moodle';
    if (e !== a) this.add(`${path}.${field}`, 'format differs', e, a);
  }

  list(path: string, expected: unknown, actual: unknown, each: (p: string, e: Rec, a: Rec) => void): void {
    const e = Array.isArray(expected) ? (expected as Rec[]) : [];
    const a = Array.isArray(actual) ? (actual as Rec[]) : [];
    if (e.length !== a.length) this.add(path, `expected ${e.length} entries, got ${a.length}`, e.length, a.length);
    for (let i = 0; i < Math.min(e.length, a.length); i++) each(`${path}[${i}]`, e[i] as Rec, a[i] as Rec);
  }

  item(path: string, e: Rec, a: Rec): void {
    if (e.type !== a.type) {
      this.add(`${path}.type`, 'type differs', e.type, a.type);
      return;
    }
    if (e.type === 'category') {
      this.text(`${path}.path`, e.path, a.path);
      return;
    }
    if (normalizeText(e.title) !== '') this.text(`${path}.title`, e.title, a.title);
    this.text(`${path}.stem`, e.stem, a.stem);
    const eStem = e.stem_format;
    const aStem = a.stem_format;
    if (this.exposes.stem_format && eStem !== undefined) this.exact(`${path}.stem_format`, eStem, aStem);
    if (this.exposes.embedded_blank && e.embedded_blank !== undefined) {
      this.exact(`${path}.embedded_blank`, e.embedded_blank, a.embedded_blank ?? false);
    }
    this.text(`${path}.general_feedback`, e.general_feedback, a.general_feedback);
    if (normalizeText(e.general_feedback) !== '') this.format(path, e, a, 'general_feedback_format', eStem, aStem);
    if (this.exposes.idnumber && e.idnumber !== undefined) this.text(`${path}.idnumber`, e.idnumber, a.idnumber);
    if (this.exposes.tags && e.tags !== undefined) {
      const et = JSON.stringify(e.tags);
      const at = JSON.stringify(a.tags ?? []);
      if (et !== at) this.add(`${path}.tags`, 'tags differ (exact list, in order)', e.tags, a.tags);
    }

    switch (e.type) {
      case 'multiple_choice':
      case 'multiple_response':
      case 'short_answer':
        this.list(`${path}.options`, e.options, a.options, (p, eo, ao) => {
          this.text(`${p}.text`, eo.text, ao.text);
          this.fraction(`${p}.fraction`, eo.fraction, ao.fraction);
          this.text(`${p}.feedback`, eo.feedback, ao.feedback);
          this.format(p, eo, ao, 'format', eStem, aStem);
          if (normalizeText(eo.feedback) !== '') this.format(p, eo, ao, 'feedback_format', eStem, aStem);
        });
        break;
      case 'true_false':
        this.exact(`${path}.answer`, e.answer, a.answer);
        this.text(`${path}.feedback_true`, e.feedback_true, a.feedback_true);
        this.text(`${path}.feedback_false`, e.feedback_false, a.feedback_false);
        if (normalizeText(e.feedback_true) !== '') this.format(path, e, a, 'feedback_true_format', eStem, aStem);
        if (normalizeText(e.feedback_false) !== '') this.format(path, e, a, 'feedback_false_format', eStem, aStem);
        break;
      case 'numerical':
        this.list(`${path}.answers`, e.answers, a.answers, (p, ea, aa) => {
          if (ea.any === true) {
            if (aa.any !== true) this.add(p, 'expected a catch-all answer', ea, aa);
          } else if (aa.any === true) {
            this.add(p, 'expected an interval, got a catch-all answer', ea, aa);
          } else {
            this.interval(p, ea, aa);
          }
          this.fraction(`${p}.fraction`, ea.fraction, aa.fraction);
          this.text(`${p}.feedback`, ea.feedback, aa.feedback);
          if (normalizeText(ea.feedback) !== '') this.format(p, ea, aa, 'feedback_format', eStem, aStem);
        });
        break;
      case 'matching':
        this.list(`${path}.pairs`, e.pairs, a.pairs, (p, ep, ap) => {
          this.text(`${p}.question`, ep.question, ap.question);
          this.text(`${p}.answer`, ep.answer, ap.answer);
          if (normalizeText(ep.question) !== '') this.format(p, ep, ap, 'question_format', eStem, aStem);
        });
        break;
      case 'ordering':
        this.list(`${path}.items`, e.items, a.items, (p, ei, ai) => {
          this.text(`${p}.text`, ei.text, ai.text);
          this.format(p, ei, ai, 'format', eStem, aStem);
        });
        break;
      default:
        // essay and description have no fields of their own.
        break;
    }
  }

  /** min/max of a numerical answer, derived from value ± tolerance when a side lacks them. */
  private interval(path: string, e: Rec, a: Rec): void {
    const bounds = (r: Rec): [unknown, unknown] => {
      if (typeof r.min === 'number' && typeof r.max === 'number') return [r.min, r.max];
      if (typeof r.value === 'number') {
        const t = typeof r.tolerance === 'number' ? r.tolerance : 0;
        return [r.value - t, r.value + t];
      }
      return [undefined, undefined];
    };
    const [eMin, eMax] = bounds(e);
    const [aMin, aMax] = bounds(a);
    const close = (x: unknown, y: unknown): boolean =>
      typeof x === 'number' &&
      typeof y === 'number' &&
      Math.abs(x - y) <= INTERVAL_RELATIVE_TOLERANCE * Math.max(1, Math.abs(x), Math.abs(y));
    if (!close(eMin, aMin)) this.add(`${path}.min`, 'interval lower bound differs', eMin, aMin);
    if (!close(eMax, aMax)) this.add(`${path}.max`, 'interval upper bound differs', eMax, aMax);
  }
}

/** Compares two item lists pairwise, in order (README rules 3–6). Empty result = equal. */
export function compareNeutralItems(
  expected: readonly NeutralItem[],
  actual: readonly NeutralItem[],
  options: CompareOptions = {},
): NeutralDifference[] {
  const c = new Comparison(options);
  c.list('items', expected, actual, (p, e, a) => c.item(p, e, a));
  return c.diffs;
}

/** Compares a whole case: `question_count` exactly, then the items. */
export function compareExpectedParse(
  expected: ExpectedParse,
  actual: readonly NeutralItem[],
  options: CompareOptions = {},
): NeutralDifference[] {
  const diffs: NeutralDifference[] = [];
  const count = actual.filter((i) => i.type !== 'category').length;
  if (count !== expected.question_count) {
    diffs.push({ path: 'question_count', message: 'question count differs', expected: expected.question_count, actual: count });
  }
  return diffs.concat(compareNeutralItems(expected.items, actual, options));
}

/** One line per difference, for assertion messages. */
export function formatDifferences(diffs: readonly NeutralDifference[]): string {
  return diffs.map((d) => `${d.path}: ${d.message}: expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.actual)}`).join('\n');
}
