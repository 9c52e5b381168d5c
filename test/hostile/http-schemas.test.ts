import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../../src/auth/index.js';
import { startTestServer } from '../support/server-harness.js';

/**
 * Issue 18, "three schema languages": the HTTP routes declare their requests and answers in zod
 * only (`fastify-type-provider-zod` validates with them and turns them into `/openapi.json`).
 * Only query strings and paths convert text to numbers or yes/no; a JSON body is taken as sent.
 */

const httpRoot = fileURLToPath(new URL('../../src/http', import.meta.url));
const examplePolicy = fileURLToPath(new URL('../../examples/policy', import.meta.url));

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

describe('HTTP schemas are zod, the one source for validation, types and OpenAPI', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let auth: { authorization: string };

  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    auth = {
      authorization: `Bearer ${(await createApiKey(server.services.storage.apiKeys, 'schemas', ['admin'])).secret}`,
    };
  });
  after(() => server.close());

  test('no route of src/http declares a hand-written JSON Schema (zod is the one schema language)', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(httpRoot)) {
      const text = await readFile(file, 'utf8');
      if (/type: '(object|string|integer|number|boolean|array)'/.test(text) || /\bajv\b/i.test(text)) {
        offenders.push(file);
      }
    }
    assert.deepEqual(offenders, []);
  });

  test('a /v1 JSON body is never coerced: "0.5" for a number, 123 or true for text are REQUEST_INVALID', async () => {
    for (const payload of [
      { name: 'COERCE_A', enabledRatio: '0.5' },
      { name: 'COERCE_B', negative: 'true' },
      { name: 'COERCE_C', description: 123 },
      { name: 'COERCE_D', pdqThreshold: '31' },
    ]) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/banks', headers: auth, payload });
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
      assert.equal(response.json().error.code, 'REQUEST_INVALID');
      const field = Object.keys(payload).find((key) => key !== 'name');
      assert.match(response.json().error.message, new RegExp(`^body/${field} `), response.body);
      const listed = await server.app.inject({ method: 'GET', url: `/v1/banks/${payload.name}`, headers: auth });
      assert.equal(listed.statusCode, 404, `${payload.name} was created`);
    }
  });

  test('query and path numbers are read from text, within their bounds, finite and whole', async () => {
    const good = await server.app.inject({ method: 'GET', url: '/v1/cases?reason=triage&limit=5', headers: auth });
    assert.equal(good.statusCode, 200, good.body);
    for (const url of [
      '/v1/cases?reason=triage&limit=1e999',
      '/v1/cases?reason=triage&limit=-1e999',
      '/v1/cases?reason=triage&limit=NaN',
      '/v1/cases?reason=triage&limit=',
      '/v1/cases?reason=triage&limit=2.5',
      '/v1/cases?reason=triage&limit=1001',
      '/v1/cases/1e999?reason=triage',
      '/v1/content/0',
      '/v1/dead-letters?after=-1',
    ]) {
      const response = await server.app.inject({ method: 'GET', url, headers: auth });
      assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
      assert.equal(response.json().error.code, 'REQUEST_INVALID', url);
      assert.match(response.json().error.message, /^(querystring|params)\/(limit|id|after) /, url);
    }
  });

  test('a yes/no query value is the word true or false, nothing else', async () => {
    for (const value of ['yes', '1', 'TRUE', '']) {
      const response = await server.app.inject({
        method: 'POST',
        url: `/v1/hash?dihedral=${value}`,
        headers: auth,
        payload: { url: 'http://127.0.0.1:9/x.png' },
      });
      assert.equal(response.statusCode, 400, `dihedral=${value}: ${response.body}`);
      assert.match(response.json().error.message, /^querystring\/dihedral /);
    }
  });

  test('bodies newly described by schemas are refused with a coded 400, never a 500, and nothing is stored', async () => {
    const cases: { url: string; payload: unknown; contentType?: string }[] = [
      { url: '/v1/hash', payload: { url: 5 } },
      { url: '/v1/hash', payload: ['http://127.0.0.1:9/x.png'] },
      { url: '/v1/match', payload: { signals: 5 } },
      { url: '/v1/match', payload: { signals: { pdq: 12 } } },
      { url: '/v1/match', payload: { banks: 'NOT_A_LIST' } },
      { url: '/v1/match', payload: { signals: { pdq: 'f'.repeat(64) }, entities: { user: { nested: true } } } },
      { url: '/v1/banks/SCHEMA_MEDIA/media', payload: { url: 'http://127.0.0.1:9/x.png', note: 7 } },
      { url: '/v1/events', payload: 'text', contentType: 'application/json' },
      { url: '/v1/events', payload: '5', contentType: 'application/json' },
      { url: '/v1/events', payload: 'null', contentType: 'application/json' },
      { url: '/v1/payments', payload: '5', contentType: 'application/json' },
      { url: '/v1/payments', payload: 'true', contentType: 'application/json' },
    ];
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/banks',
      headers: auth,
      payload: { name: 'SCHEMA_MEDIA' },
    });
    assert.equal(created.statusCode, 201, created.body);
    for (const { url, payload, contentType } of cases) {
      const response = await server.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, ...(contentType !== undefined ? { 'content-type': contentType } : {}) },
        ...(typeof payload === 'string' ? { body: payload } : { payload: payload as object }),
      });
      const label = `${url} ${JSON.stringify(payload)}`;
      assert.equal(response.statusCode, 400, `${label}: ${response.body}`);
      assert.equal(response.json().error.code, 'REQUEST_INVALID', label);
    }
    const content = await server.app.inject({ method: 'GET', url: '/v1/banks/SCHEMA_MEDIA/content', headers: auth });
    assert.deepEqual(content.json().content, []);
  });

  test('/openapi.json lists the zod schemas: parameters with types and bounds, bodies with required fields', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const cases = document.paths['/v1/cases'].get.parameters as { name: string; required: boolean; schema: object }[];
    assert.deepEqual(cases.find((parameter) => parameter.name === 'limit')?.schema, {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
    });
    assert.equal(cases.find((parameter) => parameter.name === 'reason')?.required, true);
    const newBank = document.paths['/v1/banks'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(newBank.required, ['name']);
    assert.equal(newBank.additionalProperties, false);
    assert.equal(newBank.properties.name.pattern, '^[A-Z_][A-Z0-9_]*$');
    const change = document.paths['/v1/cases/{id}'].patch.requestBody.content['application/json'].schema;
    assert.equal(change.minProperties, 2);
    assert.deepEqual(
      document.paths['/v1/banks/{name}'].get.responses['200'].content['application/json'].schema.type,
      'object',
    );
  });
});
