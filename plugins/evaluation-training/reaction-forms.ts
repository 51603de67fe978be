/**
 * What a course's or event's reaction survey asks, and how its trainer or organiser changes it
 * (ADR 0066). A form is a list of entries: a default item's key or the id of a statement typed
 * for it. Saving a list keeps the entry of every statement whose text did not change (a default
 * in either language stays the default, so it still reads in the reader's language) and makes a
 * new, never-edited item for each new text; so answers already given keep their statements.
 */
import { Types, type Model } from 'mongoose';
import type { PluginContext } from '../../src/host/plugins/context';
import type { QuestionDoc } from '../../src/learning/learning-models';
import type { Locale } from '../../src/views/i18n';
import { EvaluationErrors } from './evaluation-errors';
import type { ReactionFormDoc, ReactionItemDoc } from './evaluation-models';
import { DEFAULT_ENTRIES, defaultItemOf, entryQuestionId, MAX_ITEMS, reactionQuestion, REACTION_ITEMS } from './reaction-items';

/** A survey's subject: a course, or an event of the events plugin. */
export interface Subject {
  kind: 'course' | 'event';
  id: string;
}

export const formId = (s: Subject) => `${s.kind}-${s.id}`;
export const MIN_TEXT = 5;
export const MAX_TEXT = 300;
const LOCALES: Locale[] = ['id', 'en'];
const norm = (text: string) => text.replace(/\s+/g, ' ').trim();

export interface Statement {
  entry: string;
  text: string;
  /** One of the six defaults (read in the reader's language). */
  standard: boolean;
}

export class ReactionForms {
  constructor(
    private ctx: PluginContext,
    readonly Form: Model<ReactionFormDoc>,
    readonly Item: Model<ReactionItemDoc>,
  ) {}

  private defaultText(key: string, locale: Locale): string {
    return this.ctx.i18n.t(locale, `${this.ctx.id}:reaction.item.${key}`);
  }

  /** The entries the survey asks now (the defaults until changed). */
  async entries(subject: Subject): Promise<string[]> {
    const form = await this.Form.findById(formId(subject), { entries: 1 }).lean();
    return form?.entries.length ? form.entries : DEFAULT_ENTRIES;
  }

  async customised(subject: Subject): Promise<boolean> {
    return Boolean(await this.Form.exists({ _id: formId(subject) }));
  }

  /** The statements of any item ids (current or retired), as question versions in `locale`. */
  async questions(ids: Array<string | Types.ObjectId>, locale: Locale): Promise<Map<string, QuestionDoc>> {
    const scale = (level: string) => this.ctx.i18n.t(locale, `${this.ctx.id}:reaction.scale.${level}`);
    const out = new Map<string, QuestionDoc>();
    const typed: Types.ObjectId[] = [];
    for (const raw of ids) {
      const key = defaultItemOf(raw);
      if (key) out.set(String(raw), reactionQuestion(new Types.ObjectId(String(raw)), this.defaultText(key, locale), scale));
      else if (Types.ObjectId.isValid(String(raw))) typed.push(new Types.ObjectId(String(raw)));
    }
    if (typed.length) {
      for (const item of await this.Item.find({ _id: { $in: typed } }, { text: 1 }).lean()) out.set(String(item._id), reactionQuestion(item._id, item.text, scale));
    }
    return out;
  }

  /** The survey's statements in `locale`, for the edit form and the summary's order. */
  async statements(subject: Subject, locale: Locale): Promise<Statement[]> {
    const entries = await this.entries(subject);
    const qs = await this.questions(entries.map(entryQuestionId), locale);
    return entries.map((entry) => ({ entry, text: qs.get(String(entryQuestionId(entry)))?.stem ?? '', standard: (REACTION_ITEMS as readonly string[]).includes(entry) }));
  }

  /**
   * Replaces the list with `texts` (blank ones skipped). Refused with a reason per field
   * (`item_<n>`, counted from 1 among the inputs) when a text is too short or long, repeats another,
   * or there is none or more than MAX_ITEMS.
   */
  async save(subject: Subject, texts: string[]): Promise<string[]> {
    const details: Array<{ path: string; message: string; i18n: string }> = [];
    const kept: Array<{ text: string; n: number }> = [];
    const seen = new Map<string, number>();
    texts.forEach((raw, i) => {
      const text = norm(raw);
      if (!text) return;
      const path = `item_${i + 1}`;
      if (text.length < MIN_TEXT || text.length > MAX_TEXT) details.push({ path, message: `between ${MIN_TEXT} and ${MAX_TEXT} characters`, i18n: `${this.ctx.id}:items.err.length` });
      else if (seen.has(text.toLowerCase())) details.push({ path, message: 'the same as another statement', i18n: `${this.ctx.id}:items.err.duplicate` });
      seen.set(text.toLowerCase(), i);
      kept.push({ text, n: i + 1 });
    });
    if (!kept.length) details.push({ path: 'item_1', message: 'at least one statement', i18n: `${this.ctx.id}:items.err.none` });
    if (kept.length > MAX_ITEMS) details.push({ path: `item_${kept[MAX_ITEMS]!.n}`, message: `at most ${MAX_ITEMS} statements`, i18n: `${this.ctx.id}:items.err.tooMany` });
    if (details.length) throw EvaluationErrors.items('Some statements cannot be saved', { details });

    const defaults = new Map<string, string>();
    for (const key of REACTION_ITEMS) for (const l of LOCALES) defaults.set(norm(this.defaultText(key, l)), key);
    const mine = new Map((await this.Item.find({ form: formId(subject) }, { text: 1 }).lean()).map((it) => [it.text, String(it._id)]));
    const entries: string[] = [];
    for (const { text } of kept) {
      const existing = defaults.get(text) ?? mine.get(text);
      if (existing) {
        entries.push(existing);
        continue;
      }
      const item = await this.Item.create({ _id: new Types.ObjectId(), form: formId(subject), text, createdAt: this.ctx.clock.now() });
      mine.set(text, String(item._id));
      entries.push(String(item._id));
    }
    await this.Form.updateOne({ _id: formId(subject) }, { $set: { entries, updatedAt: this.ctx.clock.now() } }, { upsert: true });
    return entries;
  }

  /** Back to the six defaults. */
  async reset(subject: Subject): Promise<void> {
    await this.Form.deleteOne({ _id: formId(subject) });
  }
}
