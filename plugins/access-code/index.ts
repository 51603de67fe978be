/**
 * Access rule `access-code`: the exam room's code (read out by the proctor) is needed to start an
 * attempt, and to resume it from another browser session. A reload on the same device needs no
 * code. Codes compare case-insensitively and in constant time.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { ALLOW, sameCode, type AccessDecision, type AccessRule } from '../../src/learning/access-rule';

export const codeSettings = z.strictObject({ code: z.string().trim().min(4).max(40).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and -') });
type Settings = z.infer<typeof codeSettings>;

const refuse = (given: string | undefined): AccessDecision => ({
  ok: false, status: 403, code: 'BINA_ERR_ACCESS_CODE', messageKey: 'access-code:errors.code', needsCode: true,
  message: given ? 'The access code is wrong' : 'This exam needs the access code of the exam room', details: { field: 'code' },
});

export const accessCodeRule: AccessRule<Settings> = {
  id: 'access-code',
  nameKey: 'access-code:name',
  asksFor: { field: 'code', when: 'start' },
  settingsSchema: codeSettings,
  checkStart: (s, req) => (sameCode(req.code, s.code) ? ALLOW : refuse(req.code)),
  checkResume: (s, req) => (!req.sessionChanged || sameCode(req.code, s.code) ? ALLOW : refuse(req.code)),
  // The exam form's "access code" field: an empty one leaves the rule off.
  form: {
    fields: [{ name: 'code', labelKey: 'access-code:form.code', maxLength: 40 }],
    toFields: (s) => ({ code: s.code }),
    fromFields: (v) => (v.code ? { code: v.code } : null),
    invalidKey: 'access-code:form.invalid',
  },
};

export default definePlugin({
  register(ctx) {
    ctx.accessRules.register(accessCodeRule);
  },
});
