/** The authenticated user as request handlers see it: no password hash, no secrets. */
import type { Role } from '../kernel/plugins/manifest';

export interface SessionUser {
  id: string;
  username: string;
  name: string;
  roles: Role[];
  unitId?: string;
  locale: 'id' | 'en';
  timeZone: string;
  /** Units this person heads (a scoped role, ADR 0034); absent when none. */
  unitHeadOf?: string[];
  /** An admin reset the password: only the change-password page and logout answer until it is changed. */
  mustChangePassword?: boolean;
  /** How the request was authenticated: a session cookie needs CSRF, a token does not. */
  via: 'session' | 'token';
}
