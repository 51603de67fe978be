/**
 * The OpenAPI 3.1 document, generated from the route table (so it matches the routes by
 * construction; a test also walks the express stack to prove it). Zod schemas become JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is.
 *
 * Every operation declares every status it can answer (ADR 0062): the route layer's own errors are
 * derived from the route's spec here (`routeLayerErrors`), the handler's own ones come from
 * `answers`, and each error carries the one error envelope. Schemathesis checks the API against
 * this document (`npm run fuzz`), so a status that is missing here is a failure there.
 */
import { z } from 'zod';
import type { RouteEntry } from './route-table';

function jsonSchema(schema: z.ZodType | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function operationId(e: RouteEntry): string {
  return `${e.spec.method}${toOpenApiPath(e.fullPath).replace(/[^A-Za-z0-9]+/g, '_')}`;
}

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in, or an unknown, revoked or expired API token',
  403: 'Forbidden: a missing capability, a missing CSRF token, or a password that must be changed first',
  404: 'Not found',
  409: 'Conflict with the current state',
  410: 'Gone',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Understood but refused',
  423: 'Locked',
  429: 'Too many requests',
  503: 'Not available now',
};

/**
 * The error statuses the route layer (src/http/app.ts) can answer for this route, whatever its
 * handler does: 400 for input that fails its schema or a body that is not JSON; 401 and 403 when
 * it needs a capability (403 also for a session whose password must be changed); CSRF's 403 for a
 * write by cookie; 404 when its plugin is off or an id in its path (or a write's body) names
 * nothing; 409 for a write that meets a unique key; 413 for a body over its limit; 429 for a public
 * route's rate limit.
 */
export function routeLayerErrors(e: RouteEntry): number[] {
  const s = e.spec;
  const out = new Set<number>([400]);
  if (!s.public) out.add(401).add(403);
  if (UNSAFE.has(s.method) && !s.csrfExempt) out.add(403);
  if (e.owner !== 'core' || e.fullPath.includes(':')) out.add(404);
  // A write names objects in its body (404), and any write may meet a unique key, which the error
  // handler answers as 409 (src/http/error-handler.ts).
  if (UNSAFE.has(s.method)) out.add(404).add(409).add(413);
  if (s.public && s.rateLimit !== false) out.add(429);
  return [...out];
}

const errorResponse = (status: number) => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function successResponse(e: RouteEntry) {
  const types = e.spec.produces ?? ['application/json'];
  return {
    description: 'Success',
    content: Object.fromEntries(types.map((t) => [t, { schema: t === 'application/json' ? { type: 'object' } : {} }])),
  };
}

/** OpenAPI links from `spec.links`: each to every operation that has a path parameter of that name. */
function linksOf(e: RouteEntry, all: RouteEntry[]): Record<string, unknown> | undefined {
  if (!e.spec.links) return undefined;
  const out: Record<string, unknown> = {};
  for (const target of all) {
    if (target === e || target.spec.kind === 'page') continue;
    const names = (target.fullPath.match(/:([A-Za-z0-9_]+)/g) ?? []).map((x) => x.slice(1));
    const parameters = Object.fromEntries(names.filter((n) => e.spec.links![n]).map((n) => [`path.${n}`, `$response.body#${e.spec.links![n]}`]));
    if (Object.keys(parameters).length) out[operationId(target)] = { operationId: operationId(target), parameters };
  }
  return Object.keys(out).length ? out : undefined;
}

export function buildOpenApi(entries: RouteEntry[], version: string, publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of entries) {
    if (e.spec.kind === 'page') continue;
    const p = toOpenApiPath(e.fullPath);
    const params: unknown[] = [];
    const pSchema = jsonSchema(e.spec.params) as { properties?: Record<string, unknown> } | undefined;
    for (const name of (e.fullPath.match(/:([A-Za-z0-9_]+)/g) ?? []).map((s) => s.slice(1))) {
      params.push({ name, in: 'path', required: true, schema: pSchema?.properties?.[name] ?? { type: 'string' } });
    }
    const qSchema = jsonSchema(e.spec.query) as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const [name, s] of Object.entries(qSchema?.properties ?? {})) {
      params.push({ name, in: 'query', required: qSchema?.required?.includes(name) ?? false, schema: s });
    }
    const successStatus = e.spec.status ?? 200;
    const responses: Record<string, unknown> = { [String(successStatus)]: { ...successResponse(e), ...(linksOf(e, entries) ? { links: linksOf(e, entries) } : {}) } };
    for (const status of [...routeLayerErrors(e), ...(e.spec.answers ?? [])].sort((a, b) => a - b)) {
      if (responses[String(status)]) continue;
      responses[String(status)] = status < 400 ? successResponse(e) : errorResponse(status);
    }
    const op: Record<string, unknown> = {
      operationId: operationId(e),
      summary: e.spec.summary,
      tags: [e.owner, ...(e.spec.tags ?? [])],
      parameters: params,
      security: e.spec.public ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
      'x-bina-capability': e.spec.capability ?? null,
      responses,
    };
    // A multipart route reads a JSON or urlencoded body too (its text fields are the body).
    if (e.spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(e.spec.body) }, ...(e.spec.multipart ? { 'multipart/form-data': { schema: jsonSchema(e.spec.body) } } : {}) } };
    if (e.spec.rawBody) op.requestBody = { required: true, content: Object.fromEntries(e.spec.rawBody.types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
    (paths[p] ??= {})[e.spec.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Bina API', version, description: 'Learning and competency certification for ASN.' },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Personal API token (bina_…)' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'bina.sid' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
  };
}
