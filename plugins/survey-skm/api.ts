/**
 * What other plugins (the public feedback, the unit dashboard) may use of the SKM plugin: service
 * units, who moderates and answers for them, the public-form guard and the IKM maths. Get the
 * service with `ctx.use<SkmApi>('survey-skm')` after listing `survey-skm` in `requires.plugins`.
 */
import type { Request, Response } from 'express';
import type { SessionUser } from '../../src/identity/session-user';

export { ikmFromTotals, ikmJson, IKM_GRADE_LABELS, IKM_WEIGHT_TEXT, SKM_ELEMENTS, type IkmResult, type IkmWeight, type SkmElement } from './ikm';

export interface ServiceUnitView {
  id: string;
  slug: string;
  name: string;
  /** The organisation unit (unit kerja) whose ASN serve here; its heads moderate. */
  coreUnitId?: string;
  /** Working days within which the unit answers feedback (its service standard). */
  serviceStandardDays: number;
  moderatorIds: string[];
}

/** Why a public form was refused; `honeypot` is answered as if accepted and stores nothing. */
export type GuardVerdict = 'ok' | 'honeypot' | 'too-fast' | 'expired' | 'invalid' | 'no-device';

/** One line of a public form's error summary (partial `survey-skm/error-summary`): `href` is the field's anchor. */
export interface ErrorSummaryItem {
  href?: string;
  label?: string;
  message: string;
}

export interface PublicFormGuardApi {
  /** The device id from its cookie, set on this response when missing (call on the form's GET). */
  device(req: Request, res: Response): string;
  /** The device id of a submission, if the browser kept the cookie. */
  deviceOf(req: Request): string | undefined;
  /** A signed stamp of when the form was served, for the minimum fill time. */
  ticket(): Promise<string>;
  /** The stamp for a form shown again after a mistake: the submitted one while genuine (the fill time keeps running). */
  keep(previous: string | undefined): Promise<string>;
  /** Checks the honeypot, the stamp and the device of a submission. */
  check(input: { ticket?: string; honeypot?: string; device?: string }): Promise<GuardVerdict>;
  /** A keyed hash of the device for `scope` (a unit and period): stored instead of the id. */
  deviceHash(device: string, scope: string): Promise<string>;
}

export interface HubLink {
  href: string;
  label: string;
  icon?: string;
}

/** The value of the `survey-skm.hub.render` filter hook: a filter appends links to a unit's `links`. */
export interface HubRender {
  user?: SessionUser;
  locale: 'id' | 'en';
  units: Array<{ unit: ServiceUnitView; links: HubLink[] }>;
  /** Links above the list (e.g. a moderation queue). */
  top: HubLink[];
}

export interface SkmApi {
  unitBySlug(slug: string): Promise<ServiceUnitView | undefined>;
  unitById(id: string): Promise<ServiceUnitView | undefined>;
  units(): Promise<ServiceUnitView[]>;
  /** Moderates: an admin, a listed moderator, or a head of the unit's organisation unit (or above it). */
  isModerator(user: SessionUser | undefined, unit: ServiceUnitView): Promise<boolean>;
  /** Answers for the unit: a moderator, or an ASN of its organisation unit or a unit below it. */
  isStaff(user: SessionUser | undefined, unit: ServiceUnitView): Promise<boolean>;
  /** The service units this user moderates. */
  moderatedBy(user: SessionUser): Promise<ServiceUnitView[]>;
  guard: PublicFormGuardApi;
}
