/**
 * The contract of an exam access rule (Moodle's quizaccess plugins), in the core because several
 * plugins implement it (ADR 0039). Each `access-*` plugin registers one rule into
 * `ctx.accessRules`; an exam lists the rules it uses with their settings. The exam engine asks the rules before a new attempt starts, before an open attempt is resumed
 * (page load, reconnect, another device) and before each save, and applies what they answer.
 *
 * Invariants: rules decide, the engine writes. A rule never does I/O in `checkSave` (it runs on
 * every autosave), never sees an answer, and says "no" with a coded reason the learner's page can
 * act on (`needsCode` asks for the access code). Integrity signals (focus loss, IP change) are
 * logged by the engine and never make a rule refuse on their own.
 */
import type { z } from 'zod';

export interface AccessRequest {
  examId: string;
  userId: string;
  ip: string;
  userAgent: string;
  /**
   * The exam-session id of the calling browser (the attempt-scoped cookie the server issued,
   * exam-session.ts). At start and resume it is never empty: a browser that has none is given a
   * fresh candidate id, which becomes its cookie only if every rule allows.
   */
  sessionId: string;
  /** The exam room's access code the learner typed (access-code), if any. */
  code?: string;
  /** The takeover code the learner typed (access-singlesession), if any: its own field, so both rules can ask at once. */
  takeoverCode?: string;
  now: Date;
  /** Settings of every rule the exam uses, by rule id, so rules may share the exam's code. */
  rules: Readonly<Record<string, unknown>>;
  /** The participant's later window, when an accommodation granted one. */
  accommodation?: { opensAt?: Date; closesAt?: Date };
  /** The open attempt being resumed or saved to. */
  attempt?: { id: string; startedAt: Date; session?: { id: string } | null };
}

export type AccessDecision =
  | { ok: true; /** Make this browser session the one holding the attempt. */ claimSession?: boolean; /** Log a takeover in the integrity log. */ takeover?: boolean }
  | {
      ok: false;
      /** Stable error code, `BINA_ERR_ACCESS_<NAME>`. */
      code: string;
      status: 403 | 409;
      /** i18n key of the message shown to the learner. */
      messageKey: string;
      message: string;
      /** The page should ask for the access code and retry. */
      needsCode?: boolean;
      details?: Record<string, unknown>;
    };

export interface AccessRule<S = unknown> {
  /** The plugin id, e.g. `access-code`. */
  id: string;
  nameKey: string;
  /**
   * A code the learner types for this rule, so the exam page shows the field without knowing the
   * rule: it arrives as `AccessRequest[field]`. `start`: asked before an attempt starts or resumes
   * on a browser not let in yet; `takeover`: asked only to continue an open attempt on another one.
   */
  asksFor?: { field: 'code' | 'takeoverCode'; when: 'start' | 'takeover' };
  /** Settings an exam gives this rule; validated when the exam is saved. */
  settingsSchema: z.ZodType<S>;
  checkStart?(settings: S, req: AccessRequest): AccessDecision | Promise<AccessDecision>;
  /** `sessionChanged`: the request comes from a browser the server has not let into this attempt yet. */
  checkResume?(settings: S, req: AccessRequest & { sessionChanged: boolean }): AccessDecision | Promise<AccessDecision>;
  /** Runs on every save: cheap, synchronous, no I/O. */
  checkSave?(settings: S, req: AccessRequest): AccessDecision;
  /** The fields this rule adds to an exam's settings form, so the form offers it without naming it. */
  form?: AccessRuleForm<S>;
}

/** One text field an access rule adds to the exam form; the form posts it as `<rule id>:<name>`. */
export interface AccessRuleField {
  name: string;
  /** i18n key of its label, in the rule's own language files. */
  labelKey: string;
  maxLength?: number;
}

/**
 * How a rule's settings appear in the exam form (Moodle's quizaccess `add_settings_form_fields`):
 * the fields, the settings as their values, and back. The exam checks what `fromFields` gives with
 * `settingsSchema`; a refusal is shown beside the rule's first field as `invalidKey`.
 */
export interface AccessRuleForm<S> {
  fields: AccessRuleField[];
  /** The fields' values for the settings an exam holds (its edit form). */
  toFields(settings: S): Record<string, string>;
  /** The settings typed (values by field name, trimmed), or `null` when the fields leave the rule off. */
  fromFields(values: Readonly<Record<string, string>>): unknown;
  /** i18n key of the reason shown when the settings are refused. */
  invalidKey: string;
}

export const ALLOW: AccessDecision = { ok: true };

/** Compares secrets in constant time for equal lengths (an exam code typed in a room). */
export function sameCode(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = a.trim().toUpperCase();
  const y = b.trim().toUpperCase();
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x.charCodeAt(i) || 0) ^ (y.charCodeAt(i) || 0);
  return diff === 0;
}
