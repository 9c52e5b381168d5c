import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import type { Person } from '../../people/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import './console-route.js';

/** The signed-in person, or AUTH_REQUIRED (the console session hook sets `request.person`). */
function signedIn(person: Person | undefined): Person {
  if (person === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in to the console first');
  return person;
}

/**
 * Headers of every picture the console serves: never cached or stored (`no-store`), shown inline
 * with no file name (nothing offers to save it), never sniffed as anything else, never embedded
 * by another site, never leaking its URL in a `Referer`.
 */
function sendPicture(reply: FastifyReply, jpeg: Buffer): FastifyReply {
  return reply
    .header('content-type', 'image/jpeg')
    .header('cache-control', 'no-store, max-age=0')
    .header('pragma', 'no-cache')
    .header('content-disposition', 'inline')
    .header('x-content-type-options', 'nosniff')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('referrer-policy', 'no-referrer')
    .send(jpeg);
}

const itemParams = z.strictObject({ id: z.string().min(1).max(100) });

/**
 * The media and wellness routes of the console (contract D). They map HTTP to `WellnessService`,
 * which checks permissions again (the session hook checks the route's `permission` first):
 *
 * - `GET /console/api/media/:id/rendition[?frame=N]` (cases.review): small, blurred, greyscale
 *   JPEG; `x-frame-count` tells how many key frames a video has.
 * - `POST /console/api/media/:id/reveal {reason?, frame?}` (media.reveal): `{url, expiresAt,
 *   revealSeconds}`; 429 `EXPOSURE_LIMIT` at the hard stop.
 * - `GET /console/api/media/reveal/:token` (media.reveal): the clear, watermarked picture once; 410 `REVEAL_EXPIRED` after.
 * - `GET/PUT /console/api/wellness/preferences` (own), `GET/PUT /console/api/wellness/defaults`
 *   (PUT: settings.manage), `GET /console/api/wellness/exposure` (own),
 *   `GET /console/api/wellness/aggregate?days=` (wellness.aggregate).
 */
export function registerWellnessRoutes(app: FastifyInstance, { wellness }: HttpDependencies): void {
  if (wellness === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/console/api/media/:id/rendition',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        hide: true,
        params: itemParams,
        querystring: z.strictObject({ frame: queryInteger(0, 31).optional() }),
      },
    },
    async (request, reply) => {
      const { jpeg, frames, kind } = await wellness.rendition(request.params.id, signedIn(request.person), {
        ...(request.query.frame !== undefined ? { frame: request.query.frame } : {}),
      });
      reply.header('x-frame-count', String(frames)).header('x-media-kind', kind);
      return sendPicture(reply, jpeg);
    },
  );

  api.post(
    '/console/api/media/:id/reveal',
    {
      config: { scope: 'public', console: { permission: 'media.reveal' } },
      schema: {
        hide: true,
        params: itemParams,
        body: z
          .strictObject({ reason: z.string().max(2000).optional(), frame: z.number().int().min(0).max(31).optional() })
          .optional(),
      },
    },
    async (request, reply) => {
      const grant = await wellness.reveal(request.params.id, signedIn(request.person), {
        reason: request.body?.reason,
        frame: request.body?.frame,
      });
      reply.header('cache-control', 'no-store');
      return grant;
    },
  );

  api.get(
    '/console/api/media/reveal/:token',
    {
      config: { scope: 'public', console: { permission: 'media.reveal' } },
      schema: { hide: true, params: z.strictObject({ token: z.string().min(1).max(100) }) },
    },
    async (request, reply) => {
      const { jpeg } = await wellness.serveReveal(request.params.token, signedIn(request.person));
      return sendPicture(reply, jpeg);
    },
  );

  api.get(
    '/console/api/wellness/preferences',
    { config: { scope: 'public', console: {} }, schema: { hide: true } },
    async (request) => {
      const person = signedIn(request.person);
      return { preferences: await wellness.preferences(person), own: await wellness.ownPreferences(person) };
    },
  );

  api.put(
    '/console/api/wellness/preferences',
    { config: { scope: 'public', console: {} }, schema: { hide: true } },
    async (request) => {
      const person = signedIn(request.person);
      return { preferences: await wellness.setPreferences(person, request.body ?? {}) };
    },
  );

  api.get(
    '/console/api/wellness/defaults',
    { config: { scope: 'public', console: {} }, schema: { hide: true } },
    async (request) => wellness.defaults(signedIn(request.person)),
  );

  api.put(
    '/console/api/wellness/defaults',
    {
      config: { scope: 'public', console: { permission: 'settings.manage' } },
      schema: {
        hide: true,
        body: z.strictObject({ preferences: z.unknown().optional(), limits: z.unknown().optional() }),
      },
    },
    async (request) => wellness.setDefaults(signedIn(request.person), request.body),
  );

  api.get(
    '/console/api/wellness/exposure',
    { config: { scope: 'public', console: {} }, schema: { hide: true } },
    async (request) => wellness.exposure(signedIn(request.person)),
  );

  api.get(
    '/console/api/wellness/aggregate',
    {
      config: { scope: 'public', console: { permission: 'wellness.aggregate' } },
      schema: { hide: true, querystring: z.strictObject({ days: queryInteger(1, 366).optional() }) },
    },
    async (request) => wellness.aggregate(signedIn(request.person), request.query.days ?? 28),
  );
}
