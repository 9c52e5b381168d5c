import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type BankRecord, type ContentRecord, checkNote } from '../../banks/index.js';
import { EngineError } from '../../core/index.js';
import type { HashFunction } from '../../hasher/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { contentGetJson, contentPutJson } from './content-json.js';
import { readContentMetadata, readMetadataField } from './content-metadata.js';
import { addHmaSignals, type HmaAddResult } from './content-signals.js';
import { hmaRoute } from './hma-route.js';
import { asJsonObject, isJsonRequest, readJsonBody } from './json-body.js';
import { hashFromUpload, hashFromUrl } from './media-hashing.js';
import { readMultipart, singleFile } from './multipart-upload.js';
import { isTrueIgnoringCase, queryOf } from './query-params.js';
import { bankNameOf, contentIdOf } from './route-params.js';

/** HMA answers a JSON body that is not an object with this text (its exchange routes do). */
const notAnObjectMessage = 'this endpoint expects a json object payload';

/**
 * Bank content of HMA 1.1.7: adding media (`/c/bank/<n>/content`, by `?url=` or multipart) or
 * bare hashes (`/c/bank/<n>/signal`), and reading, disabling, annotating and deleting one item
 * (`/c/bank/<n>/content/<id>`). Every change reaches the matcher as it is committed, so the next
 * `/m/lookup` sees it.
 *
 * Difference: HMA does not check that `<id>` belongs to `<n>` (it reads, changes or deletes the
 * item in whatever bank holds it); here an item of another bank is `content '<id>' not found`
 * (and `{"deleted": 0}`), so a wrong bank name cannot touch another bank's content.
 */
export function registerContentRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { banks, config, hasher } = dependencies;

  /** The bank and the item of `…/content/<id>`, or `undefined` when the id is not an integer. */
  async function itemOf(request: FastifyRequest): Promise<{ bank: BankRecord; content: ContentRecord } | undefined> {
    const contentId = contentIdOf(request.params);
    if (contentId === undefined) return undefined;
    const bank = await banks.getBank(bankNameOf(request.params));
    const content = await banks.repository.getContent(contentId);
    if (content === undefined || content.bankId !== bank.id) {
      throw new EngineError('CONTENT_NOT_FOUND', `content '${contentId}' not found`);
    }
    return { bank, content };
  }

  /** Werkzeug's `int` converter does not match: the route does not exist (HMA answers 404). */
  function notFound(reply: FastifyReply): FastifyReply {
    reply.callNotFound();
    return reply;
  }

  // POST /c/bank/<n>/content?url=…[&content_type][&types] with an optional JSON body
  // {metadata?, note?}, or multipart (field name = content type) with optional form fields
  // `metadata` (JSON text) and `note`. Checks in HMA's order: bank → metadata → note → media →
  // hashing → signals. A photo stores its PDQ hash only, as HMA. 200 {"id", "signals"}.
  hmaRoute(app, {
    method: 'POST',
    url: '/c/bank/:bank_name/content',
    scope: 'write',
    summary: 'Hash media (URL or upload) and add it to a bank (HMA POST /c/bank/<n>/content)',
    handler: async (request) => {
      const bank = await banks.getBank(bankNameOf(request.params));
      return withHashingPlace(hasher, (hash) => addMedia(request, bank, hash));
    },
  });

  /** The media of `POST /c/bank/<n>/content`, hashed in a place of the pool taken before reading it. */
  async function addMedia(request: FastifyRequest, bank: BankRecord, hash: HashFunction): Promise<HmaAddResult> {
    const parts = await readMultipart(request);
    const json = isJsonRequest(request) ? asJsonObject(request.body) : undefined;
    const metadata = request.isMultipart()
      ? readMetadataField(parts.fields.metadata)
      : readContentMetadata(json?.metadata);
    const note = checkNote(request.isMultipart() ? parts.fields.note : json?.note);
    const query = queryOf(request);
    let hashes: Record<string, string>;
    if (query.url !== undefined && query.url !== '') {
      hashes = await hashFromUrl(
        { url: query.url, contentType: query.content_type, types: query.types },
        { ...config, hash },
      );
    } else if (parts.files.length > 0) {
      hashes = await hashFromUpload(singleFile(parts), query.types, { decode: config.decode, hash });
    } else {
      throw new EngineError('REQUEST_INVALID', 'Neither `url` nor multipart file upload was received');
    }
    return addHmaSignals(banks, bank, hashes, { note, metadata });
  }

  // POST /c/bank/<n>/signal {"<signal type>": "<value>", …, "note"?} → 200 {"id", "signals"}.
  hmaRoute(app, {
    method: 'POST',
    url: '/c/bank/:bank_name/signal',
    scope: 'write',
    summary: 'Add hashes to a bank as one item (HMA POST /c/bank/<n>/signal)',
    body: 'json',
    handler: async (request, reply) => {
      const bank = await banks.getBank(bankNameOf(request.params));
      const json = readJsonBody(request, reply);
      if (json === undefined) return reply;
      const body = asJsonObject(json.body);
      if (body === undefined) throw new EngineError('REQUEST_INVALID', notAnObjectMessage);
      const { note, ...signals } = body;
      return addHmaSignals(banks, bank, signals, { note: checkNote(note), metadata: undefined });
    },
  });

  // GET /c/bank/<n>/content/<id>[?include_signals=true][&include_metadata=false].
  hmaRoute(app, {
    method: 'GET',
    url: '/c/bank/:bank_name/content/:content_id',
    scope: 'read',
    summary: 'One bank item (HMA GET /c/bank/<n>/content/<id>)',
    handler: async (request, reply) => {
      const item = await itemOf(request);
      if (item === undefined) return notFound(reply);
      const query = queryOf(request);
      return contentGetJson(item.bank, item.content, {
        includeSignals: isTrueIgnoringCase(query.include_signals, false),
        includeMetadata: isTrueIgnoringCase(query.include_metadata, true),
      });
    },
  });

  // PUT /c/bank/<n>/content/<id> {disable_until_ts?, note?} → the whole stored record.
  hmaRoute(app, {
    method: 'PUT',
    url: '/c/bank/:bank_name/content/:content_id',
    scope: 'write',
    summary: 'Disable an item until a time, or change its note (HMA PUT /c/bank/<n>/content/<id>)',
    body: 'json',
    handler: async (request, reply) => {
      const item = await itemOf(request);
      if (item === undefined) return notFound(reply);
      const json = readJsonBody(request, reply);
      if (json === undefined) return reply;
      const body = asJsonObject(json.body);
      if (body === undefined) throw new EngineError('REQUEST_INVALID', notAnObjectMessage);
      const disableUntil = readDisableUntil(body.disable_until_ts);
      const note = body.note;
      if (note !== undefined && note !== null && typeof note !== 'string') {
        throw new EngineError('CONTENT_INVALID', 'note should be a string');
      }
      const updated = await banks.updateContent(item.content.id, {
        ...(disableUntil !== undefined ? { disableUntil } : {}),
        ...(note !== undefined ? { note } : {}),
      });
      return contentPutJson(item.bank, updated);
    },
  });

  // DELETE /c/bank/<n>/content/<id> → {"deleted": 1}, or {"deleted": 0} when there is no such item.
  hmaRoute(app, {
    method: 'DELETE',
    url: '/c/bank/:bank_name/content/:content_id',
    scope: 'write',
    summary: 'Delete one bank item (HMA DELETE /c/bank/<n>/content/<id>)',
    handler: async (request, reply) => {
      const contentId = contentIdOf(request.params);
      if (contentId === undefined) return notFound(reply);
      const bank = await banks.getBank(bankNameOf(request.params));
      const content = await banks.repository.getContent(contentId);
      if (content === undefined || content.bankId !== bank.id) return { deleted: 0 };
      return { deleted: (await banks.deleteContent(contentId)) ? 1 : 0 };
    },
  });
}

/**
 * `disable_until_ts` of a content PUT: an integer, or a string HMA reads with `int()`.
 *
 * @throws EngineError `CONTENT_INVALID` (400) with HMA's texts `Invalid int: '<s>'` and
 *   `disable_until_ts must be a non-negative integer`; the range is checked by the bank service.
 */
function readDisableUntil(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (!/^\s*[+-]?[0-9]+\s*$/.test(value)) throw new EngineError('CONTENT_INVALID', `Invalid int: '${value}'`);
    return Number(value.trim());
  }
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new EngineError('CONTENT_INVALID', 'disable_until_ts must be a non-negative integer');
}
