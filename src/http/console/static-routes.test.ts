import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { EngineError } from '../../core/index.js';
import { httpStatusOfCode } from '../errors.js';
import {
  consoleSecurityHeaders,
  defaultConsoleRoot,
  packageRoot,
  registerConsoleStaticRoutes,
} from './static-routes.js';

/** A tiny app with the console pages and the server's error shape (`{error:{code,message}}`). */
async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const code = error instanceof EngineError ? error.code : 'INTERNAL';
    return reply.code(httpStatusOfCode[code]).send({ error: { code, message: (error as Error).message } });
  });
  registerConsoleStaticRoutes(app, { root });
  await app.ready();
  return app;
}

describe('console static routes', () => {
  let folder: string;
  let app: FastifyInstance;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'prevail-console-'));
    await mkdir(join(folder, 'build', 'assets'), { recursive: true });
    await writeFile(join(folder, 'build', 'index.html'), '<!doctype html><title>Prevail console</title>');
    await writeFile(join(folder, 'build', 'assets', 'index-AbC123.js'), 'console.log(1)');
    await writeFile(join(folder, 'secret.txt'), 'outside the build');
    app = await appServing(join(folder, 'build'));
  });
  after(async () => {
    await app.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves index.html at /console/ with the CSP, nosniff, no-referrer and no-store', async () => {
    const response = await app.inject('/console/');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Prevail console/);
    assert.match(String(response.headers['content-type']), /text\/html/);
    for (const [name, value] of Object.entries(consoleSecurityHeaders)) assert.equal(response.headers[name], value);
    assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('redirects /console to /console/', async () => {
    const response = await app.inject('/console');
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, '/console/');
  });

  it('serves a hashed asset with a long cache', async () => {
    const response = await app.inject('/console/assets/index-AbC123.js');
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'console.log(1)');
    assert.match(String(response.headers['cache-control']), /immutable/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('answers a deep link of the single-page app with index.html', async () => {
    for (const path of ['/console/cases/5', '/console/queues/child-safety', '/console/wellness?tab=week']) {
      const response = await app.inject(path);
      assert.equal(response.statusCode, 200, path);
      assert.match(response.body, /Prevail console/, path);
      assert.equal(response.headers['cache-control'], 'no-store', path);
    }
  });

  it('never answers an API path or a missing asset with the page', async () => {
    for (const path of ['/console/api/nope', '/console/api', '/console/assets/missing-123.js']) {
      const response = await app.inject(path);
      assert.equal(response.statusCode, 404, path);
      assert.equal(response.json().error.code, 'ROUTE_NOT_FOUND', path);
    }
  });

  it('hostile: a path that climbs out of the build folder serves nothing outside it', async () => {
    for (const path of [
      '/console/../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const response = await app.inject(path);
      assert.doesNotMatch(response.body, /outside the build/, path);
    }
  });
});

describe('console static routes without a build', () => {
  it('answers CONSOLE_NOT_BUILT naming npm run build:console; the API path stays ROUTE_NOT_FOUND', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'prevail-console-'));
    const app = await appServing(join(folder, 'missing'));
    try {
      for (const path of ['/console', '/console/', '/console/cases/5']) {
        const page = await app.inject(path);
        assert.equal(page.statusCode, 503, path);
        assert.equal(page.json().error.code, 'CONSOLE_NOT_BUILT', path);
        assert.match(page.json().error.message, /npm run build:console/, path);
      }
      assert.equal((await app.inject('/console/api/nope')).statusCode, 404);
    } finally {
      await app.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('the real console build (npm test runs npm run build:console first)', () => {
  const built = existsSync(join(defaultConsoleRoot(), 'index.html'));
  it('serves index.html whose script and stylesheet are served too, as JavaScript and CSS', {
    skip: built ? false : 'build/console is missing: run npm run build:console',
  }, async () => {
    const app = await appServing(defaultConsoleRoot());
    try {
      const page = await app.inject('/console/queues');
      assert.equal(page.statusCode, 200);
      const assets = [...page.body.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]);
      assert.ok(assets.length >= 2, `index.html names its script and stylesheet: ${page.body}`);
      assert.doesNotMatch(page.body, /<script>|<style>/, 'no inline script or style (the CSP refuses them)');
      for (const asset of assets) {
        const response = await app.inject(String(asset));
        assert.equal(response.statusCode, 200, asset);
        assert.match(String(response.headers['content-type']), /javascript|css/, asset);
      }
    } finally {
      await app.close();
    }
  });
});

describe('packageRoot', () => {
  it("finds Prevail's package.json above this file", () => {
    assert.match(packageRoot(), /./);
    assert.equal(packageRoot(join(packageRoot(), 'src', 'http', 'console')), packageRoot());
  });
});
