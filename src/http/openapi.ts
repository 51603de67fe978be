/**
 * The OpenAPI 3.1 document, generated from the route table (so it matches the routes by
 * construction; a test also walks the express stack to prove it). Zod schemas become JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is.
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
    const op: Record<string, unknown> = {
      operationId: `${e.spec.method}${p.replace(/[^A-Za-z0-9]+/g, '_')}`,
      summary: e.spec.summary,
      tags: [e.owner, ...(e.spec.tags ?? [])],
      parameters: params,
      security: e.spec.public ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
      'x-bina-capability': e.spec.capability ?? null,
      responses: {
        [String(e.spec.status ?? 200)]: { description: 'Success' },
        '400': { description: 'Invalid input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ...(e.spec.public ? {} : { '401': { description: 'Not signed in' }, '403': { description: 'Missing capability' } }),
      },
    };
    if (e.spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(e.spec.body) } } };
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
