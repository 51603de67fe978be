/**
 * Coded errors (STYLE.md: `BINA_ERR_<AREA>_<NAME>`). Every error a user can cause carries a
 * stable code, an HTTP status and an i18n key, so the API answers `{error:{code,message,details}}`
 * in the caller's language and nothing user-caused ever becomes a 500.
 */

export interface BinaErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Arguments for the i18n message. */
  args?: Record<string, unknown>;
}

/** Shared across module copies (tests load src/ as CommonJS while plugins are imported as ESM). */
const BRAND = Symbol.for('bina.error');

export class BinaError extends Error {
  readonly [BRAND] = true;

  /** `instanceof BinaError` holds for errors from any copy of this module. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    if (this !== BinaError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly code: string;
  readonly status: number;
  readonly messageKey: string;
  readonly details: unknown;
  readonly args: Record<string, unknown>;

  constructor(code: string, status: number, messageKey: string, message: string, opts: BinaErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BinaError';
    this.code = code;
    this.status = status;
    this.messageKey = messageKey;
    this.details = opts.details;
    this.args = opts.args ?? {};
  }
}

/** Declares an error kind once; call sites then read `throw errors.notFound('Course')`. */
export function defineError(code: string, status: number, messageKey: string) {
  const make = (message: string, opts?: BinaErrorOptions) => new BinaError(code, status, messageKey, message, opts);
  make.code = code;
  return make;
}

export const Errors = {
  validation: defineError('BINA_ERR_HTTP_VALIDATION', 400, 'errors.validation'),
  badRequest: defineError('BINA_ERR_HTTP_BAD_REQUEST', 400, 'errors.badRequest'),
  unauthenticated: defineError('BINA_ERR_AUTH_REQUIRED', 401, 'errors.unauthenticated'),
  forbidden: defineError('BINA_ERR_AUTHZ_FORBIDDEN', 403, 'errors.forbidden'),
  notFound: defineError('BINA_ERR_HTTP_NOT_FOUND', 404, 'errors.notFound'),
  conflict: defineError('BINA_ERR_STATE_CONFLICT', 409, 'errors.conflict'),
  tooMany: defineError('BINA_ERR_HTTP_RATE_LIMITED', 429, 'errors.rateLimited'),
  csrf: defineError('BINA_ERR_HTTP_CSRF', 403, 'errors.csrf'),
  passwordChangeRequired: defineError('BINA_ERR_AUTH_PASSWORD_CHANGE', 403, 'errors.passwordChange'),
  payloadTooLarge: defineError('BINA_ERR_HTTP_PAYLOAD_TOO_LARGE', 413, 'errors.payloadTooLarge'),
  config: defineError('BINA_ERR_CONFIG_INVALID', 500, 'errors.config'),
  pluginManifest: defineError('BINA_ERR_PLUGIN_MANIFEST', 500, 'errors.plugin.manifest'),
  pluginMissingDependency: defineError('BINA_ERR_PLUGIN_MISSING_DEPENDENCY', 500, 'errors.plugin.missingDependency'),
  pluginVersion: defineError('BINA_ERR_PLUGIN_VERSION_MISMATCH', 500, 'errors.plugin.version'),
  pluginCycle: defineError('BINA_ERR_PLUGIN_CYCLE', 500, 'errors.plugin.cycle'),
  pluginDuplicate: defineError('BINA_ERR_PLUGIN_DUPLICATE', 500, 'errors.plugin.duplicate'),
  pluginRegister: defineError('BINA_ERR_PLUGIN_REGISTER', 500, 'errors.plugin.register'),
  pluginStart: defineError('BINA_ERR_PLUGIN_START', 500, 'errors.plugin.start'),
  pluginTimeout: defineError('BINA_ERR_PLUGIN_TIMEOUT', 500, 'errors.plugin.timeout'),
  pluginClash: defineError('BINA_ERR_PLUGIN_CLASH', 500, 'errors.plugin.clash'),
  pluginScope: defineError('BINA_ERR_PLUGIN_SCOPE', 500, 'errors.plugin.scope'),
  jobPayload: defineError('BINA_ERR_JOB_PAYLOAD', 400, 'errors.jobPayload'),
} as const;

export function isBinaError(e: unknown): e is BinaError {
  return e instanceof BinaError;
}
