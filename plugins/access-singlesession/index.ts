/**
 * Access rule `access-singlesession`: one browser session holds an attempt at a time. Starting
 * (or resuming with no holder) claims it; saves from any other session are refused; another
 * device takes over only with the takeover code (this rule's own, else the exam's access code),
 * typed in its own field (`takeoverCode`) so that with `access-code` on as well the learner gives
 * both codes, each to the rule that asks for it. The takeover is logged in the integrity log.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { ALLOW, sameCode, type AccessDecision, type AccessRule } from '../../src/learning/access-rule';

export const singleSessionSettings = z.strictObject({ takeoverCode: z.string().trim().min(4).max(40).regex(/^[A-Za-z0-9-]+$/).optional() });
type Settings = z.infer<typeof singleSessionSettings>;

const held: AccessDecision = {
  ok: false, status: 409, code: 'BINA_ERR_ACCESS_SESSION_ACTIVE', messageKey: 'access-singlesession:errors.active', needsCode: true,
  message: 'This attempt is open on another device; enter the takeover code to continue here',
  details: { field: 'takeoverCode' },
};

function codeOf(s: Settings, rules: Readonly<Record<string, unknown>>): string | undefined {
  return s.takeoverCode ?? (rules['access-code'] as { code?: string } | undefined)?.code;
}

export const singleSessionRule: AccessRule<Settings> = {
  id: 'access-singlesession',
  nameKey: 'access-singlesession:name',
  asksFor: { field: 'takeoverCode', when: 'takeover' },
  settingsSchema: singleSessionSettings,
  checkStart: () => ({ ok: true, claimSession: true }),
  checkResume: (s, req) => {
    const holder = req.attempt?.session?.id;
    if (!holder || holder === req.sessionId) return { ok: true, claimSession: true };
    const code = codeOf(s, req.rules);
    if (code && req.sessionId && sameCode(req.takeoverCode, code)) return { ok: true, claimSession: true, takeover: true };
    return held;
  },
  checkSave: (_s, req) => {
    const holder = req.attempt?.session?.id;
    return !holder || holder === req.sessionId ? ALLOW : held;
  },
};

export default definePlugin({
  register(ctx) {
    ctx.accessRules.register(singleSessionRule);
  },
});
