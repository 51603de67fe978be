/**
 * The OpenAPI document against the real app: it is OpenAPI 3.1.0, every `/api/v1` route of the
 * express router is documented with the same method (walking the router, so a route added outside
 * the route table is caught), every documented operation exists, and every non-public operation
 * says how to authenticate and which capability it needs.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { ApiClient, startTestEnv, type TestEnv } from '../support/harness';

const require = createRequire(import.meta.url);
// JSON Schema 2020-12, the dialect OpenAPI 3.1 uses.
const Ajv2020 = require('ajv/dist/2020').default as new (opts: object) => { compile(schema: object): unknown };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters: Array<{ name: string; in: string; required: boolean; schema: object }>;
  security: Array<Record<string, string[]>>;
  'x-bina-capability': string | null;
  requestBody?: { required: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, { description: string }>;
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** `METHOD /openapi/path` for every route in the express router's own stack. */
function routerOperations(app: unknown): Set<string> {
  const stack = (app as { router: { stack: RouterLayer[] } }).router.stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const p of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.add(`${method.toUpperCase()} ${p.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    }
  }
  return out;
}

describe('openapi', function () {
  // Booting a kernel (every plugin, every index) can take tens of seconds on a loaded machine.
  this.timeout(120_000);

  let env: TestEnv;
  let doc: { openapi: string; info: { title: string; version: string }; servers: Array<{ url: string }>; paths: Record<string, Record<string, Operation>>; components: any };
  let router: Set<string>;

  before(async () => {
    env = await startTestEnv();
    const res = await new ApiClient(env.url).get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/application\/json/);
    doc = res.body;
    router = routerOperations(env.kernel.createHttpApp());
  });

  after(async () => {
    await env?.stop();
  });

  /** `METHOD /path` for every documented operation. */
  function documented(): Map<string, Operation> {
    const out = new Map<string, Operation>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) if (item[method]) out.set(`${method.toUpperCase()} ${path}`, item[method]);
    }
    return out;
  }

  describe('the document', () => {
    it('does declare OpenAPI 3.1.0 with info, servers and both security schemes', () => {
      expect(doc.openapi).to.equal('3.1.0');
      expect(doc.info.title).to.be.a('string').that.is.not.empty;
      expect(doc.info.version).to.match(/^\d+\.\d+\.\d+/);
      expect(doc.servers[0]!.url).to.equal(env.config.PUBLIC_URL);
      expect(doc.components.securitySchemes.bearerAuth).to.deep.include({ type: 'http', scheme: 'bearer' });
      expect(doc.components.securitySchemes.cookieAuth).to.deep.include({ type: 'apiKey', in: 'cookie', name: 'bina.sid' });
      expect(doc.components.schemas.Error.required).to.deep.equal(['error']);
    });

    it('does give every operation a unique operationId, a summary and a success response', () => {
      const ids = new Set<string>();
      for (const [key, op] of documented()) {
        expect(op.operationId, key).to.be.a('string').that.is.not.empty;
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).to.equal(false);
        ids.add(op.operationId);
        expect(op.summary, key).to.be.a('string').that.is.not.empty;
        expect(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), key).to.equal(true);
        expect(op.responses['400'], key).to.not.equal(undefined);
      }
    });

    it('does document every path parameter as a required path parameter', () => {
      for (const [key, op] of documented()) {
        const names = [...key.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const inPath = op.parameters.filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name).sort(), key).to.deep.equal([...names].sort());
        for (const p of inPath) expect(p.required, `${key} ${p.name}`).to.equal(true);
      }
    });

    it('does give valid JSON Schema 2020-12 for every body and parameter', () => {
      const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
      for (const [key, op] of documented()) {
        for (const p of op.parameters) expect(() => ajv.compile(p.schema), `${key} ${p.name}`).not.to.throw();
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) expect(() => ajv.compile(media.schema), `${key} ${type}`).not.to.throw();
      }
    });

    it('does declare the error envelope for every status the route layer can answer (ADR 0062)', () => {
      for (const e of env.kernel.services.routes.entries.filter((x) => x.spec.kind !== 'page')) {
        const key = `${e.spec.method.toUpperCase()} ${e.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
        const op = documented().get(key)!;
        const expected = ['400'];
        if (!e.spec.public) expected.push('401', '403');
        if (e.spec.method !== 'get') expected.push('404', '409', '413');
        if (e.owner !== 'core' || e.fullPath.includes(':')) expected.push('404');
        expect(op.responses, key).to.include.keys(...expected);
        for (const [status, r] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>)) {
          if (Number(status) >= 400) expect(r.content?.['application/json']?.schema.$ref, `${key} ${status}`).to.equal('#/components/schemas/Error');
        }
      }
      // A handler's own statuses and media types come from the route (`answers`, `produces`).
      const ops = documented() as Map<string, Operation & { responses: Record<string, { content?: Record<string, unknown> }> }>;
      expect(ops.get('POST /api/v1/auth/login')!.responses).to.include.keys('401', '429');
      expect(ops.get('POST /api/v1/courses/{courseId}/enrol')!.responses).to.include.keys('200', '201');
      expect(Object.keys(ops.get('GET /api/v1/people/export')!.responses['200']!.content!)).to.deep.equal(['text/csv']);
      expect(Object.keys(ops.get('GET /api/v1/courses')!.responses['200']!.content!)).to.deep.equal(['application/json']);
    });

    it('does link a create to the operations on what it created, for stateful fuzzing', () => {
      const op = documented().get('POST /api/v1/courses') as unknown as { responses: Record<string, { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }> };
      const links = Object.values(op.responses['201']!.links ?? {});
      const patch = links.find((l) => l.operationId === documented().get('PATCH /api/v1/courses/{courseId}')!.operationId);
      expect(patch?.parameters).to.deep.equal({ 'path.courseId': '$response.body#/course/id' });
      expect(links.length).to.be.greaterThan(3);
    });

    it('does leave pages out', () => {
      const pages = env.kernel.services.routes.entries.filter((e) => e.spec.kind === 'page');
      expect(pages.length).to.be.greaterThan(0);
      for (const e of pages) expect(doc.paths[e.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[e.spec.method], e.fullPath).to.equal(undefined);
    });
  });

  describe('routes', () => {
    /** Router operations under /api/v1 that the document lacks. */
    function undocumented(ops: Set<string>): string[] {
      const docs = documented();
      return [...ops].filter((r) => r.split(' ')[1]!.startsWith('/api/v1/') && !docs.has(r));
    }

    it('does document every /api/v1 route of the express router with the same method', () => {
      expect([...router].filter((r) => r.split(' ')[1]!.startsWith('/api/v1/')).length).to.be.greaterThan(25);
      expect(undocumented(router), 'routes missing from the OpenAPI document').to.deep.equal([]);
    });

    it('does catch a route added to the app outside the route table', () => {
      const app = env.kernel.createHttpApp();
      app.get('/api/v1/undocumented/:thingId', (_req, res) => void res.json({}));
      app.delete('/api/v1/auth/me', (_req, res) => void res.json({}));
      expect(undocumented(routerOperations(app))).to.deep.equal(['GET /api/v1/undocumented/{thingId}', 'DELETE /api/v1/auth/me']);
    });

    it('does document only operations the router has', () => {
      const extra = [...documented().keys()].filter((k) => !router.has(k));
      expect(extra, 'documented operations without a route').to.deep.equal([]);
    });

    it('does document every API route of the route table', () => {
      const docs = documented();
      for (const e of env.kernel.services.routes.entries.filter((x) => x.spec.kind !== 'page')) {
        const key = `${e.spec.method.toUpperCase()} ${e.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
        expect(docs.has(key), key).to.equal(true);
        if (e.spec.body) expect(docs.get(key)!.requestBody?.content['application/json'], `${key} body`).to.not.equal(undefined);
      }
    });

    it('does answer at the documented path and method, not 404', async () => {
      const anon = new ApiClient(env.url);
      for (const key of documented().keys()) {
        const [method, path] = key.split(' ') as [string, string];
        const res = await anon.request(method, path.replace(/\{[^}]+\}/g, '0123456789abcdef01234567'), method === 'GET' || method === 'DELETE' ? undefined : {});
        // A 404 may mean "no such resource" (a public route with an unknown token), never "no such route".
        if (res.status === 404) expect(res.body.error.details.reason, key).not.to.equal('No such API route');
        expect(res.status, key).to.be.lessThan(500);
      }
    });
  });

  describe('security', () => {
    it('does give every non-public operation both security schemes and its capability', () => {
      const docs = documented();
      let checked = 0;
      for (const e of env.kernel.services.routes.entries.filter((x) => x.spec.kind !== 'page')) {
        const key = `${e.spec.method.toUpperCase()} ${e.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
        const op = docs.get(key)!;
        if (e.spec.public) {
          expect(op.security, key).to.deep.equal([]);
          // Only a public route that signs in (the login) may answer 401, and says so itself.
          if (!e.spec.answers?.includes(401)) expect(op.responses, key).not.to.have.property('401');
          continue;
        }
        checked += 1;
        expect(op.security, key).to.deep.include({ bearerAuth: [] });
        expect(op.security, key).to.deep.include({ cookieAuth: [] });
        expect(op['x-bina-capability'], key).to.equal(e.spec.capability);
        expect(env.kernel.services.authz.has(op['x-bina-capability']!), `${key}: capability ${op['x-bina-capability']} is declared`).to.equal(true);
        expect(op.responses, key).to.include.keys('401', '403');
      }
      expect(checked).to.be.greaterThan(20);
    });

    it("does mark as public, of the core's own operations, only the login, the document itself and the health check", () => {
      // Opening a core operation to anonymous callers is a security decision: review it, then list it here.
      const core = env.kernel.services.routes.entries.filter((e) => e.owner === 'core' && e.spec.kind !== 'page');
      const keyOf = (e: (typeof core)[number]) => `${e.spec.method.toUpperCase()} ${e.fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
      const open = core.filter((e) => documented().get(keyOf(e))!.security.length === 0).map(keyOf);
      expect(open.sort()).to.deep.equal(['GET /api/v1/openapi.json', 'GET /health', 'POST /api/v1/auth/login']);
    });
  });
});
