/**
 * Access rule `access-window`: attempts may start only within a start-time window (e.g. the first
 * 15 minutes of a session), apart from the exam's open/close times, which bound the attempt.
 * A participant's later window (an accommodation) moves the window's end to at least that time.
 */
import { z } from 'zod';
import { definePlugin } from '../../src/host/plugins/define-plugin';
import { ALLOW, type AccessRule } from '../../src/learning/access-rule';

export const windowSettings = z
  .strictObject({ startFrom: z.iso.datetime({ offset: true }).optional(), startUntil: z.iso.datetime({ offset: true }).optional() })
  .refine((s) => s.startFrom || s.startUntil, 'give startFrom, startUntil or both')
  .refine((s) => !s.startFrom || !s.startUntil || new Date(s.startFrom) < new Date(s.startUntil), 'startFrom must be before startUntil');
type Settings = z.infer<typeof windowSettings>;

export const windowRule: AccessRule<Settings> = {
  id: 'access-window',
  nameKey: 'access-window:name',
  settingsSchema: windowSettings,
  checkStart: (s, req) => {
    // A participant's later window replaces the start of the window and never shortens its end.
    const start = req.accommodation?.opensAt ?? (s.startFrom ? new Date(s.startFrom) : undefined);
    let until = s.startUntil ? new Date(s.startUntil) : undefined;
    const later = req.accommodation?.closesAt;
    if (until && later && later > until) until = later;
    if (start && req.now < start) return { ok: false, status: 403, code: 'BINA_ERR_ACCESS_WINDOW', messageKey: 'access-window:errors.early', message: 'Starting is not open yet', details: { startFrom: start } };
    if (until && req.now > until) return { ok: false, status: 403, code: 'BINA_ERR_ACCESS_WINDOW', messageKey: 'access-window:errors.late', message: 'The time to start has passed', details: { startUntil: until } };
    return ALLOW;
  },
};

export default definePlugin({
  register(ctx) {
    ctx.accessRules.register(windowRule);
  },
});
