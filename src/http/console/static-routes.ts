import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EngineError } from '../../core/index.js';
import '../route-config.js';

/**
 * Response headers on every page and asset of the console: a strict Content-Security-Policy (only
 * the console's own scripts, styles and images; `blob:`/`data:` images for downloads and charts;
 * no plugins, no framing, no `<base>`), no MIME sniffing and no referrer (a revealed media URL must
 * never leak to another site).
 */
export const consoleSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Vite's content-hashed build output: safe to cache for a year, a new build has new names. */
const hashedAssetCache = 'public, max-age=31536000, immutable';

/**
 * The package root: the nearest folder above this file whose `package.json` is Prevail's. Robust
 * to where the file runs from (`src/` through tsx, or the compiled output folder).
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (parsed.name === 'prevail') return folder;
      } catch {
        // An unreadable manifest is not ours; keep walking up.
      }
    }
    const parent = dirname(folder);
    if (parent === folder) throw new EngineError('CONFIG_INVALID', `no Prevail package.json above ${from}`);
    folder = parent;
  }
}

/** Where `npm run build:console` writes the single-page app. */
export function defaultConsoleRoot(): string {
  return join(packageRoot(), 'build', 'console');
}

/**
 * The file under `root` a request path names, or `undefined` when it names none (missing, a
 * folder, or outside `root` after normalisation).
 */
function builtFile(root: string, relativePath: string): string | undefined {
  if (relativePath === '' || relativePath.includes('\0')) return undefined;
  const full = resolve(root, normalize(relativePath));
  if (!full.startsWith(root + sep)) return undefined;
  try {
    return statSync(full).isFile()
      ? full
          .slice(root.length + 1)
          .split(sep)
          .join('/')
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built console (`build/console`, or `options.root`) under `/console/`:
 *
 * - a built file is served as is; files under `assets/` (hashed names) with a long cache;
 * - any other GET under `/console/` that does not look like a file (no dot in its last segment)
 *   is a deep link of the single-page app and gets `index.html` (`Cache-Control: no-store`);
 * - `/console/api/…` is never the page: an API path no route claims is `ROUTE_NOT_FOUND`, as is a
 *   missing asset (a browser must not get HTML for a script);
 * - `/console` redirects to `/console/` (when built);
 * - without a build, every page answers `CONSOLE_NOT_BUILT` (run `npm run build:console`).
 *
 * Every answer carries {@link consoleSecurityHeaders}. Routes are public (`scope: 'public'`): the
 * page itself holds no data; the API behind it checks the session.
 */
export function registerConsoleStaticRoutes(app: FastifyInstance, options: { readonly root?: string } = {}): void {
  const root = resolve(options.root ?? defaultConsoleRoot());
  app.register(fastifyStatic, {
    root,
    serve: false,
    cacheControl: false,
    suppressWarning: true,
    decorateReply: !app.hasReplyDecorator('sendFile'),
  });

  const secure = (reply: FastifyReply): void => {
    for (const [name, value] of Object.entries(consoleSecurityHeaders)) reply.header(name, value);
  };
  const requireBuild = (): void => {
    if (builtFile(root, 'index.html') === undefined) {
      throw new EngineError('CONSOLE_NOT_BUILT', `the console is not built (no ${root}): run npm run build:console`);
    }
  };
  const sendIndex = (reply: FastifyReply) => {
    requireBuild();
    reply.header('cache-control', 'no-store');
    return reply.sendFile('index.html', root);
  };

  app.get('/console', { config: { scope: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    secure(reply);
    requireBuild();
    return reply.redirect('/console/', 302);
  });
  app.get<{ Params: { '*': string } }>(
    '/console/*',
    { config: { scope: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      secure(reply);
      const path = request.params['*'];
      if (path === 'api' || path.startsWith('api/')) {
        throw new EngineError('ROUTE_NOT_FOUND', `no route for ${request.method} /console/${path}`);
      }
      if (path === '' || path === 'index.html') return sendIndex(reply);
      const file = builtFile(root, path);
      if (file !== undefined) {
        reply.header('cache-control', file.startsWith('assets/') ? hashedAssetCache : 'no-cache');
        return reply.sendFile(file, root);
      }
      const last = path.split('/').pop() ?? '';
      if (last.includes('.')) throw new EngineError('ROUTE_NOT_FOUND', `no console file ${path}`);
      return sendIndex(reply);
    },
  );
}
