import { type DecodeOptions, type FetchPolicy, fetchUrl, sniffMediaFormat } from '../../content/index.js';
import { EngineError } from '../../core/index.js';
import type { HashFunction, MediaSignalName } from '../../hasher/index.js';
import { pdqQualityThreshold } from '../../signals/index.js';
import { type HmaSignalName, hmaConfiguredSignals, signalByRequestName } from './signal-names.js';
import { sortKeys } from './sorted-keys.js';

/**
 * Hashing media the way HMA 1.1.7's hasher role does (`blueprints/hashing.py`): a content type
 * (`photo` or `video`) selects the signal types to compute, optionally narrowed by `types=`, and
 * the answer is a flat object of strings keyed by HMA signal name. A photo gives `pdq` (or `""`
 * when its PDQ quality is below 50, as `PdqSignal.hash_from_bytes` does); a video gives
 * `video_md5`, the MD5 of the bytes.
 */
export type HmaContentType = 'photo' | 'video';

/** HMA's content types in its configured order (`GET /c/content_type`). */
export const hmaContentTypes: readonly HmaContentType[] = ['photo', 'video'];

/** @throws EngineError `REQUEST_INVALID` (400 `no such content_type: '<x>'`) for other names. */
export function parseContentType(name: string): HmaContentType {
  if (name === 'photo' || name === 'video') return name;
  throw new EngineError('REQUEST_INVALID', `no such content_type: '${name}'`);
}

/**
 * The signal types to compute for `contentType`: all of its enabled types, or the subset named
 * by a `types=` CSV.
 *
 * @throws EngineError `REQUEST_INVALID` with HMA's texts `signal type '<t>' doesn't exist or is
 *   disabled` and `empty signal type selection`.
 */
export function selectSignals(contentType: HmaContentType, types: string | undefined): HmaSignalName[] {
  const available = hmaConfiguredSignals.filter((signal) => signal.contentType === contentType);
  if (types === undefined) return available;
  const selected: HmaSignalName[] = [];
  for (const name of types.split(',')) {
    const signal = signalByRequestName(name);
    if (signal === undefined || !available.includes(signal)) {
      throw new EngineError('REQUEST_INVALID', `signal type '${name}' doesn't exist or is disabled`);
    }
    if (!selected.includes(signal)) selected.push(signal);
  }
  if (selected.length === 0) throw new EngineError('REQUEST_INVALID', 'empty signal type selection');
  return selected;
}

/** How uploads are hashed: a place in the server's hashing pool, and the decoding limits. */
export interface HashingSettings {
  readonly decode: DecodeOptions;
  readonly hash: HashFunction;
}

/**
 * Computes `signals` of the bytes in one job of the hashing pool, keyed by HMA name in sorted
 * order. A photo that does not decode is a 400 here (HMA answers 500).
 *
 * @throws EngineError from decoding (`IMAGE_CORRUPT`, `IMAGE_UNSUPPORTED_FORMAT`, …) and
 *   `HASHER_BUSY` when the pool is full.
 */
export async function hashBytes(
  bytes: Uint8Array,
  signals: readonly HmaSignalName[],
  settings: HashingSettings,
): Promise<Record<string, string>> {
  const wanted = new Set<MediaSignalName>(signals.map((signal) => (signal.prevail === 'pdq' ? 'pdq' : 'md5')));
  const computed = await settings.hash(bytes, {
    signals: [...wanted],
    dihedral: false,
    decode: settings.decode,
  });
  const hashes: Record<string, string> = {};
  for (const signal of signals) {
    if (signal.prevail === 'pdq') {
      const { pdq, quality } = computed;
      hashes[signal.hma] = pdq !== undefined && quality !== undefined && quality >= pdqQualityThreshold ? pdq : '';
    } else {
      hashes[signal.hma] = computed.md5 ?? '';
    }
  }
  return sortKeys(hashes);
}

/**
 * Fetches `url` for hashing within the server's fetch policy, answering failures with HMA's
 * statuses and texts: a refused URL → 400 `Invalid or unsafe URL provided`; a failed fetch →
 * 400 `Failed to fetch URL: <reason>`; a body over the limit → 413 `Content too large`.
 */
export async function fetchForHashing(url: string, policy: FetchPolicy): Promise<Uint8Array> {
  try {
    return await fetchUrl(url, policy);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    switch (error.code) {
      case 'URL_INVALID':
      case 'URL_HOST_NOT_ALLOWED':
        throw new EngineError('URL_INVALID', 'Invalid or unsafe URL provided', { cause: error });
      case 'INPUT_TOO_LARGE':
        throw new EngineError('REQUEST_TOO_LARGE', 'Content too large', { cause: error });
      default:
        throw new EngineError('URL_FETCH_FAILED', `Failed to fetch URL: ${error.message}`, { cause: error });
    }
  }
}

/**
 * The content type of fetched bytes when the request names none. HMA reads the response's
 * `Content-Type` header (`image/*` → photo, `video/*` → video); Prevail's fetcher returns bytes
 * only, so the bytes are sniffed instead, by the one sniffer every other path uses
 * (`sniffMediaFormat`): an image Prevail decodes is a photo, a video container it reads a video.
 *
 * @throws EngineError `REQUEST_INVALID` with HMA's `unsupported url ContentType` text.
 */
export async function inferContentType(bytes: Uint8Array): Promise<HmaContentType> {
  const media = await sniffMediaFormat(bytes);
  if (media?.kind === 'image') return 'photo';
  if (media?.kind === 'video') return 'video';
  throw new EngineError(
    'REQUEST_INVALID',
    "unsupported url ContentType: 'application/octet-stream', if you know the expected type, provide it with the content_type query param",
  );
}

/**
 * HMA's `hash_media()`: `content_type` (if given) is checked first, then the URL is fetched,
 * its content type inferred when not given, the signal types selected and the bytes hashed.
 */
export async function hashFromUrl(
  request: { readonly url: string; readonly contentType: string | undefined; readonly types: string | undefined },
  settings: HashingSettings & { readonly fetchPolicy: FetchPolicy },
): Promise<Record<string, string>> {
  const named = request.contentType === undefined ? undefined : parseContentType(request.contentType);
  const bytes = await fetchForHashing(request.url, settings.fetchPolicy);
  const contentType = named ?? (await inferContentType(bytes));
  return hashBytes(bytes, selectSignals(contentType, request.types), settings);
}

/** HMA's `hash_media_post_impl()`: the upload's field name is the content type. */
export async function hashFromUpload(
  upload: { readonly fieldName: string; readonly bytes: Uint8Array },
  types: string | undefined,
  settings: HashingSettings,
): Promise<Record<string, string>> {
  const contentType = parseContentType(upload.fieldName);
  return hashBytes(upload.bytes, selectSignals(contentType, types), settings);
}
