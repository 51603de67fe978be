/**
 * The fields an agency keeps about a person (SIASN style) as zod schemas, shared by the JSON API,
 * the user form and the CSV import, so that a value one of them accepts all of them accept.
 * Cross-field rules (a golongan that fits the employment type, a level only for a functional
 * position, a NIP or an e-mail) live in `userRules`, applied to the whole record after a change is
 * merged into it. Custom issues carry i18n keys (`people.err.*`, `people.nip.*`) so a page shows
 * them in its reader's language while the API keeps its English text.
 */
import { z } from 'zod';
import { ROLES } from '../kernel/plugins/manifest';
import { i18nIssue } from '../views/zod-messages';
import { FUNCTIONAL_LEVELS, golonganFor, POSITION_TYPES, TIME_ZONE_IDS, type EmploymentType } from './asn-lists';
import { checkAsnNumber } from './nip';
import { passwordProblem } from './password';
import { objectId } from '../kernel/object-id';

/** Re-exported for this module's importers: the schema itself is src/kernel/object-id.ts. */
export { objectId };

/** Optional text; an empty string clears the field on an update. */
const text = (max: number) => z.string().trim().max(max).optional();

/** Fields anyone who manages a person may set (not the NIP, roles or password). */
export const profileFields = {
  email: z.union([z.email().max(200), z.literal('')]).optional(),
  name: z.string().trim().min(1).max(200),
  frontTitle: text(40),
  backTitle: text(60),
  golongan: text(10),
  positionName: text(200),
  positionType: z.union([z.enum(POSITION_TYPES), z.literal('')]).optional(),
  functionalLevel: z.union([z.enum(FUNCTIONAL_LEVELS), z.literal('')]).optional(),
  unitId: z.union([objectId, z.literal('')]).optional(),
  supervisorId: z.union([objectId, z.literal('')]).optional(),
  phone: z.union([z.string().trim().regex(/^\+?[0-9][0-9 ()-]{5,24}$/, i18nIssue('must be a phone number (digits, spaces, + ( ) -)', 'people.err.phone')), z.literal('')]).optional(),
  locale: z.enum(['id', 'en']).optional(),
  timeZone: z.enum(TIME_ZONE_IDS).optional(),
};

/** What the cross-field rules read: the stored record with a change merged in. */
export interface UserRecordFields {
  nip?: string | undefined;
  email?: string | undefined;
  golongan?: string | undefined;
  positionType?: string | undefined;
  functionalLevel?: string | undefined;
}

/** The employment type a record's number gives: PNS or PPPK from the NIP, staff without one. */
export function employmentOf(nip: string | undefined): EmploymentType {
  if (!nip) return 'staff';
  const c = checkAsnNumber(nip);
  return c.ok ? c.value.kind : 'staff';
}

export function userRules(u: UserRecordFields, ctx: z.RefinementCtx): void {
  if (!u.nip && !u.email) ctx.addIssue({ code: 'custom', path: ['nip'], ...i18nIssue('an ASN needs a NIP; staff need an e-mail', 'people.err.nipOrEmail') });
  if (u.nip) {
    const c = checkAsnNumber(u.nip);
    if (!c.ok) ctx.addIssue({ code: 'custom', path: ['nip'], ...i18nIssue(`NIP ${c.reason}`, c.key, c.args) });
  }
  // A wrong NIP is reported once, not again as a golongan that does not fit "staff".
  if (u.golongan && (!u.nip || checkAsnNumber(u.nip).ok)) {
    const kind = employmentOf(u.nip);
    if (!golonganFor(kind).includes(u.golongan)) {
      const key = kind === 'pns' ? 'people.err.golonganPns' : kind === 'pppk' ? 'people.err.golonganPppk' : 'people.err.golonganStaff';
      ctx.addIssue({ code: 'custom', path: ['golongan'], ...i18nIssue(kind === 'staff' ? 'only PNS and PPPK have a golongan' : `not a ${kind.toUpperCase()} golongan`, key) });
    }
  }
  if (u.functionalLevel && u.positionType !== 'fungsional') ctx.addIssue({ code: 'custom', path: ['functionalLevel'], ...i18nIssue('only a functional position has a level', 'people.err.levelNotFunctional') });
  if (u.positionType === 'fungsional' && !u.functionalLevel) ctx.addIssue({ code: 'custom', path: ['functionalLevel'], ...i18nIssue('a functional position needs its level', 'people.err.levelRequired') });
}

export const passwordField = z.string().min(1).max(256).superRefine((pw, ctx) => {
  const p = passwordProblem(pw);
  if (p) ctx.addIssue({ code: 'custom', ...i18nIssue(`password ${p}`, 'people.err.password') });
});

export const rolesField = z.array(z.enum(ROLES)).min(1).max(4);

export const newUserSchema = z
  .strictObject({
    nip: z.string().trim().max(30).optional(),
    password: passwordField,
    roles: rolesField.default(['learner']),
    ...profileFields,
  })
  .superRefine((u, ctx) => userRules({ ...u, nip: u.nip?.replace(/\s+/g, '') || undefined, email: u.email || undefined }, ctx));
export type NewUser = z.input<typeof newUserSchema>;

/** A change to a person's fields; every field optional, `''` clears an optional one. */
export const userPatchSchema = z.strictObject({ ...profileFields, name: profileFields.name.optional() });
export type UserPatch = z.output<typeof userPatchSchema>;
