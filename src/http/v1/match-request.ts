import type { FastifyRequest } from 'fastify';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import { lookupSignalNames, type MediaHashes, type MediaSignalName } from '../../hasher/index.js';
import { type MatchQuery, mediaMatchQuery } from '../../matching/index.js';
import { signalTypeByName } from '../../signals/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { withHashingPlace } from '../hashing-place.js';
import { readMedia } from './read-media.js';

/** The body `/v1/match` reads when it is JSON (a multipart upload carries `entities` as a form field). */
interface MatchBody {
  readonly signals?: Record<string, string> | undefined;
  readonly banks?: string[] | undefined;
  readonly entities?: Record<string, string> | undefined;
  readonly url?: string | undefined;
}

/** Everything one `/v1/match` request asks, read in one pass over the request. */
export interface MatchRequest {
  /** What the matcher looks up. */
  readonly query: MatchQuery;
  /** The signals answered back: the hashes computed from the media, or the parsed signals given. */
  readonly signals: Record<string, unknown>;
  /** The signals the `media.matched` event carries: PDQ, MD5 and SHA-256 (never a whole vPDQ). */
  readonly eventSignals: Readonly<Record<string, string | undefined>>;
  /** Whose media this is (`{"user": "u1"}`), when the caller says; the engine validates it. */
  readonly entities: unknown;
  /** Only these banks (the body's `banks`, else the `banks` query parameter); absent: every bank. */
  readonly banks: string[] | undefined;
  /** The uploaded file's bytes (a multipart upload only: not a URL, not signals), for evidence preservation. */
  readonly upload?: Uint8Array;
}

/**
 * Hashes the media of a `/v1` request (a multipart file or a JSON `{"url"}`) in the hashing pool
 * with `signals`, holding its place before the upload is read; returns the hashes, the upload's
 * form fields and, for a multipart upload (not a URL), the uploaded bytes.
 */
export async function hashMediaRequest(
  request: FastifyRequest,
  dependencies: Pick<HttpDependencies, 'hasher' | 'config'>,
  options: { readonly signals: readonly MediaSignalName[]; readonly dihedral: boolean },
): Promise<{ hashes: MediaHashes; fields: Record<string, string>; uploaded?: Uint8Array }> {
  const { hasher, config } = dependencies;
  const uploaded = request.isMultipart();
  return withHashingPlace(hasher, async (hash) => {
    const { bytes, fields } = await readMedia(request, config.fetchPolicy);
    const hashes = await hash(bytes, { signals: options.signals, dihedral: options.dihedral, decode: config.decode });
    return { hashes, fields, ...(uploaded ? { uploaded: bytes } : {}) };
  });
}

/**
 * Reads a `/v1/match` request once, whatever its form: JSON `{"signals"}` (each value parsed by
 * its signal type), or media (a multipart file whose `entities` form field is JSON, or JSON
 * `{"url"}`) hashed in the pool with the lookup signals (`lookupSignalNames`: PDQ for an image,
 * vPDQ for a video, the digests; and a video's TMK+PDQF when a bank item holds one,
 * `Matcher.holdsAny`), looked up as `prevail match` looks media up (`mediaMatchQuery`). The
 * route then only matches, reports and answers.
 *
 * @throws EngineError `REQUEST_INVALID` (signals not an object, an `entities` field that is not
 *   JSON), the signal types' parse errors, and the errors of `hashMediaRequest`.
 */
export async function readMatchRequest(
  request: FastifyRequest,
  /** The request's validated query and JSON body (the route's zod schemas). */
  asked: {
    readonly query: { readonly banks?: string | undefined; readonly dihedral?: boolean | undefined };
    readonly body: MatchBody | undefined;
  },
  dependencies: Pick<HttpDependencies, 'hasher' | 'config' | 'matcher'>,
): Promise<MatchRequest> {
  const body = request.isMultipart() ? undefined : asked.body;
  const banks =
    body?.banks ??
    asked.query.banks
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  if (body?.signals !== undefined) {
    if (typeof body.signals !== 'object' || body.signals === null) {
      throw new EngineError('REQUEST_INVALID', 'signals must be an object of signal type → value');
    }
    const parsed: Record<string, string> = {};
    for (const [type, value] of Object.entries(body.signals)) {
      parsed[type] = signalTypeByName(type).parse(String(value));
    }
    return {
      query: { signals: parsed },
      signals: parsed,
      eventSignals: pickEventSignals(parsed),
      entities: body.entities,
      banks,
    };
  }
  const { hashes, fields, uploaded } = await hashMediaRequest(request, dependencies, {
    signals: lookupSignalNames({ tmk: dependencies.matcher.holdsAny('tmk_pdqf') }),
    dihedral: asked.query.dihedral === true,
  });
  let entities: unknown = body?.entities;
  if (fields.entities !== undefined) {
    try {
      entities = parseJsonWithin(fields.entities);
    } catch {
      throw new EngineError('REQUEST_INVALID', 'the entities field must be a JSON object such as {"user": "u1"}');
    }
  }
  // A TMK+PDQF (351 KB) is looked up, never answered back (as `prevail match --tmk` prints none).
  const { tmk_pdqf: _tmk, ...shown } = hashes;
  return {
    query: mediaMatchQuery(hashes),
    signals: shown,
    eventSignals: pickEventSignals(shown),
    entities,
    banks,
    ...(uploaded !== undefined ? { upload: uploaded } : {}),
  };
}

/** The signals an event carries: PDQ, MD5 and SHA-256 (a vPDQ is too large for an event). */
function pickEventSignals(signals: Readonly<Record<string, unknown>>): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const name of ['pdq', 'md5', 'sha256'] as const) {
    const value = signals[name];
    picked[name] = typeof value === 'string' ? value : undefined;
  }
  return picked;
}
