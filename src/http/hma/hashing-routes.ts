import type { FastifyInstance } from 'fastify';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { hmaRoute } from './hma-route.js';
import { hashFromUpload, hashFromUrl } from './media-hashing.js';
import { readSingleUpload } from './multipart-upload.js';
import { queryOf } from './query-params.js';
import { missingField, sendValidationIssues } from './validation-errors.js';

/**
 * The hasher role of HMA 1.1.7 (`/h`): media in, a flat JSON object of signal strings out, e.g.
 * `{"pdq": "f8f8…9b22"}`. Coop copies the object verbatim and looks up every entry; policyserv
 * decodes it as `map[string]string`.
 */
export function registerHashingRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { config, hasher } = dependencies;

  // GET /h/hash?url=…[&content_type=photo|video][&types=pdq,…]. `url` is required by HMA's
  // pydantic model (422 without it). The content type is inferred from the fetched bytes when not
  // given (HMA reads the response Content-Type). Coop retries any failure five times.
  hmaRoute(app, {
    method: 'GET',
    url: '/h/hash',
    scope: 'read',
    summary: 'Hash the media at a URL (HMA GET /h/hash)',
    handler: async (request, reply) => {
      const query = queryOf(request);
      if (query.url === undefined) return sendValidationIssues(reply, [missingField('url', query)]);
      const url = query.url;
      return withHashingPlace(hasher, (hash) =>
        hashFromUrl({ url, contentType: query.content_type, types: query.types }, { ...config, hash }),
      );
    },
  });

  // POST /h/hash, multipart: one file part whose field name is the content type (`photo`,
  // `video`); the part's filename and MIME type are ignored; optional query `types=`.
  hmaRoute(app, {
    method: 'POST',
    url: '/h/hash',
    scope: 'read',
    summary: 'Hash an uploaded file; the field name is the content type (HMA POST /h/hash)',
    handler: async (request) =>
      withHashingPlace(hasher, async (hash) => {
        const upload = await readSingleUpload(request);
        return hashFromUpload(upload, queryOf(request).types, { decode: config.decode, hash });
      }),
  });
}
