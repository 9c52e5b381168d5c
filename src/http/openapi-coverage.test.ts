import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { scene, sceneHasher, scriptedSource } from '../../test/support/fake-frames.js';
import { createServices, type Services } from '../app/index.js';
import { defaultMaxPixels } from '../content/index.js';
import { httpDependencies } from '../main.js';
import { engineMatchSink, StreamManager } from '../streams/index.js';
import { buildHttpServer } from './app.js';

/**
 * Issue 16: every `/v1` and `/console/api` operation in `/openapi.json` describes its request and
 * its answers, from the routes' zod schemas, so that integrators can generate clients. A route
 * added without them fails here with what it must declare.
 */

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  'x-prevail-scope'?: string;
  'x-prevail-no-body'?: boolean;
}
interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const errorRef = '#/components/schemas/Error';

/** What is missing from one operation's entry, as instructions to the route's author. */
function gaps(path: string, method: string, operation: Operation): string[] {
  const missing: string[] = [];
  if (!operation.summary) missing.push('schema.summary');
  if (!operation.tags?.length) missing.push('schema.tags');
  if (['post', 'put', 'patch'].includes(method)) {
    const hasBody = operation.requestBody?.content !== undefined;
    if (!hasBody && operation['x-prevail-no-body'] !== true) {
      missing.push("schema.body (a zod schema), or 'x-prevail-no-body': true when the route reads no body");
    }
  }
  const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
  for (const name of pathParameters) {
    if (!operation.parameters?.some((parameter) => parameter.in === 'path' && parameter.name === name)) {
      missing.push(`schema.params with ${name}`);
    }
  }
  const responses = operation.responses ?? {};
  const success = Object.entries(responses).filter(([status]) => /^[23]\d\d$/.test(status));
  if (success.length === 0) missing.push('schema.response[<its 2xx status>] (a zod schema of the answer)');
  for (const [status, response] of success) {
    if (!/^(204|3\d\d)$/.test(status) && response.content?.['application/json']?.schema === undefined) {
      missing.push(`schema.response[${status}] as a zod schema (it has no content)`);
    }
  }
  for (const range of ['4XX', '5XX']) {
    const schema = responses[range]?.content?.['application/json']?.schema as { $ref?: string } | undefined;
    if (schema?.$ref !== errorRef)
      missing.push(`responses ${range} referencing ${errorRef} (openapi-operation.ts adds it)`);
  }
  if (operation.security === undefined) missing.push('security (openapi-operation.ts adds it from config.scope)');
  return missing;
}

/** Every `$ref` in the document, with where it is. */
function references(value: unknown, at: string, found: { at: string; ref: string }[] = []): typeof found {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) references(item, `${at}/${index}`, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push({ at, ref: child });
      else references(child, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolves(document: OpenApiDocument, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

describe('/openapi.json describes every /v1 and /console/api operation', () => {
  let dataDir: string;
  let services: Services;
  let streams: StreamManager;
  let app: FastifyInstance;
  let document: OpenApiDocument;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-openapi-'));
    services = await createServices({ dataDir }, { withEngine: true });
    const engine = services.engine;
    assert.ok(engine !== undefined);
    // A stream manager so that the /v1/streams routes exist; no stream is started.
    streams = new StreamManager({
      matcher: services.matcher,
      sink: engineMatchSink(engine),
      readFrames: scriptedSource([{ scenes: [scene.pattern], hang: true }]).source,
      hashFrame: sceneHasher,
      maxFramesPerSecond: 1,
    });
    app = await buildHttpServer({
      ...httpDependencies(services, {
        hmaAccess: 'key',
        maxUploadBytes: 1024 * 1024,
        fetchPolicy: { maxBytes: 1024, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: defaultMaxPixels },
      }),
      streams,
    });
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    document = response.json();
  });
  after(async () => {
    await app.close();
    await streams.close();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('each operation declares its summary, tags, params, body, success answer, the error envelope and security', () => {
    const problems: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      if (!path.startsWith('/v1/') && !path.startsWith('/console/api/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        if (!methods.includes(method)) continue;
        operations += 1;
        const missing = gaps(path, method, operation);
        if (missing.length > 0) problems.push(`${method.toUpperCase()} ${path} must declare: ${missing.join('; ')}`);
      }
    }
    assert.ok(operations >= 50, `only ${operations} operations in the document`);
    assert.deepEqual(
      problems,
      [],
      `\n${problems.join('\n')}\n(see src/http/openapi-operation.ts and docs/http-api.md)`,
    );
  });

  test('API-key operations state their scope; the error envelope is one component', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        assert.deepEqual(operation.security, [{ bearer: [] }], `${method} ${path}`);
        assert.match(operation['x-prevail-scope'] ?? '', /^(read|write|admin)$/, `${method} ${path}`);
      }
    }
    assert.equal(document.paths['/v1/keys']?.post?.['x-prevail-scope'], 'admin');
    const error = document.components?.schemas?.Error as { properties?: { error?: { required?: string[] } } };
    assert.deepEqual(error?.properties?.error?.required, ['code', 'message']);
  });

  test('the document is structurally OpenAPI 3: version, info, paths, responses, and every $ref resolves', () => {
    assert.match(document.openapi, /^3\.\d+\.\d+$/);
    assert.ok(document.info?.title && document.info.version);
    const unresolved = references(document, '#').filter(({ ref }) => !resolves(document, ref));
    assert.deepEqual(unresolved, []);
    for (const [path, item] of Object.entries(document.paths)) {
      assert.ok(path.startsWith('/'), path);
      for (const [method, operation] of Object.entries(item)) {
        if (!methods.includes(method)) continue;
        assert.ok(Object.keys(operation.responses ?? {}).length > 0, `${method} ${path} has no responses`);
        for (const status of Object.keys(operation.responses ?? {})) {
          assert.match(status, /^([1-5]\d\d|[1-5]XX|default)$/, `${method} ${path} response ${status}`);
        }
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement as object)) {
            assert.ok(document.components?.securitySchemes?.[scheme], `${method} ${path}: scheme ${scheme}`);
          }
        }
        const names = (operation.parameters ?? []).map((parameter) => `${parameter.in}:${parameter.name}`);
        assert.equal(new Set(names).size, names.length, `${method} ${path} repeats a parameter`);
      }
    }
  });
});
