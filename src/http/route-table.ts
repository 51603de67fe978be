/**
 * Routes as data (Strapi's lesson): every route declares its method, path, input schemas and the
 * capability it needs (or that it is public). The express router and the OpenAPI document are
 * both built from this one table, so the document cannot drift from the routes.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { SessionUser } from '../identity/session-user';
import type { UploadedFile } from './multipart-body';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec {
  method: HttpMethod;
  /** Express path relative to the owner's mount point, e.g. `/attempts/:attemptId`. */
  path: string;
  summary: string;
  /** Capability required; omit only with `public: true`. */
  capability?: string;
  /** Open to anonymous users. Must be said explicitly. */
  public?: boolean;
  /**
   * The capability may be held in a scope (a unit head's units): anyone holding it somewhere gets
   * past the route check, and the handler must call `authz.requireIn` for the object it touches.
   */
  scoped?: boolean;
  /** Answers while the user must still change an admin-set password (the change page, logout). */
  passwordChangeExempt?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Success status. @default 200 */
  status?: number;
  /**
   * Other statuses the handler itself answers (ADR 0062): a 409 for a state conflict, a 201 beside
   * the 200 of an idempotent create, a 404 for an object named in the body. The route layer's own
   * errors (400, 401/403, CSRF's 403, 404 of a plugin or a path id, 413, 429) need not be listed:
   * the OpenAPI document adds them by construction.
   */
  answers?: number[];
  /** Media types of the success body when the handler sends something other than JSON (CSV, PDF…). */
  produces?: string[];
  /**
   * Stateful links for the OpenAPI document (ADR 0062): path parameter name → JSON pointer into this
   * route's success body that holds a value for it, e.g. `{ courseId: '/course/id' }`. Every
   * operation with that path parameter becomes a link target, so a fuzzer can chain a create with
   * the reads and writes of what it created.
   */
  links?: Record<string, string>;
  /** `api` answers JSON and 401s; `page` renders HTML and redirects to the login page. @default 'api' */
  kind?: 'api' | 'page';
  /**
   * Accepts a `multipart/form-data` body of at most `limit` bytes: its text fields are the body
   * (checked by `body`, CSRF's `_csrf` among them), its files are `files` (src/http/multipart-body.ts).
   */
  multipart?: { limit: number };
  /** Accepts a raw upload body of these content types (no JSON parsing). */
  rawBody?: { types: string[]; limit: string };
  /** Extra OpenAPI tags. */
  tags?: string[];
  /** Largest accepted body (JSON or form). @default '1mb' */
  bodyLimit?: string;
  /** Skip CSRF (only for routes that never rely on the session cookie). */
  csrfExempt?: boolean;
  /**
   * Public routes only: requests per minute and client IP (src/http/public-rate-limit.ts).
   * @default BINA_PUBLIC_RATE_LIMIT; `false` for none (health checks)
   */
  rateLimit?: number | false;
}

export interface RouteInput<B = any, Q = any, P = any> {
  body: B;
  query: Q;
  params: P;
  /** The files of a `multipart` route's form, by field name. */
  files: Record<string, UploadedFile>;
  /** Undefined only on public routes. */
  user: SessionUser | undefined;
  req: Request;
  res: Response;
  /** Translate in the request's language. */
  t: (key: string, args?: Record<string, unknown>) => string;
  locale: 'id' | 'en';
}

/** What a page handler returns: a view to render inside the layout, or nothing if it responded itself. */
export interface PageResult {
  view: string;
  title: string;
  data?: Record<string, unknown>;
  status?: number;
}

export type RouteHandler = (input: RouteInput) => Promise<unknown> | unknown;

export interface RouteEntry {
  owner: string;
  fullPath: string;
  spec: RouteSpec;
  handler: RouteHandler;
}

export class RouteTable {
  readonly entries: RouteEntry[] = [];

  add(owner: string, fullPath: string, spec: RouteSpec, handler: RouteHandler): void {
    if (!spec.public && !spec.capability) {
      throw new Error(`Route ${spec.method.toUpperCase()} ${fullPath} of ${owner} declares neither a capability nor public: true`);
    }
    const clash = this.entries.find((e) => e.fullPath === fullPath && e.spec.method === spec.method);
    if (clash) throw new Error(`Route ${spec.method.toUpperCase()} ${fullPath} is declared by ${clash.owner} and ${owner}`);
    this.entries.push({ owner, fullPath, spec, handler });
  }

  removeOwner(owner: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.owner === owner) this.entries.splice(i, 1);
  }
}
