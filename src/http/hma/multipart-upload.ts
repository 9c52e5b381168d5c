import type { FastifyRequest } from 'fastify';
import { EngineError } from '../../core/index.js';
import { multipartFailure } from '../multipart-failure.js';

/** The one file of an HMA upload, with the form fields that came with it. */
export interface SingleUpload {
  /** The part's field name, which HMA reads as the content type (`photo`, `video`). */
  readonly fieldName: string;
  readonly bytes: Uint8Array;
  /** Non-file form fields by name (first value wins), e.g. `metadata`, `note`. */
  readonly fields: Readonly<Record<string, string>>;
}

/** HMA's text when the request carries no file part (or is not multipart at all). */
export const missingUploadMessage = 'Missing multipart/form-data file upload';

/** HMA's text for two or more file parts. */
export const oneFileMessage = 'Only one file allowed per request';

/** Every part of a multipart request: file parts in order, and form fields. */
export interface MultipartParts {
  readonly files: readonly { readonly fieldName: string; readonly bytes: Uint8Array }[];
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Reads every part of a multipart request (a file is a part with a filename, as in Werkzeug's
 * `request.files`; the first value of a repeated form field wins). Every part is consumed, so the
 * request is read to its end. A request that is not multipart has no parts.
 *
 * @throws EngineError `REQUEST_INVALID` (`Only one file allowed per request`) when the plugin's
 *   file limit is exceeded, or for a malformed body; `REQUEST_TOO_LARGE` for a file over the
 *   upload limit (see `multipartFailure`).
 */
export async function readMultipart(request: FastifyRequest): Promise<MultipartParts> {
  const files: { fieldName: string; bytes: Uint8Array }[] = [];
  const fields: Record<string, string> = {};
  if (!request.isMultipart()) return { files, fields };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        files.push({ fieldName: part.fieldname, bytes: new Uint8Array(await part.toBuffer()) });
      } else if (typeof part.value === 'string' && !(part.fieldname in fields)) {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    throw multipartFailure(error, oneFileMessage);
  }
  return { files, fields };
}

/**
 * The one file of an HMA upload, as `hash_media_post_impl` wants it: exactly one file part,
 * whose **field name** is the content type; the part's filename and MIME type are ignored
 * (policyserv sends `filename="x"` and `application/octet-stream`).
 *
 * @throws EngineError `REQUEST_INVALID` with HMA's texts `Missing multipart/form-data file
 *   upload` and `Only one file allowed per request`.
 */
export function singleFile(parts: MultipartParts): SingleUpload {
  const [first, ...others] = parts.files;
  if (first === undefined) throw new EngineError('REQUEST_INVALID', missingUploadMessage);
  if (others.length > 0) throw new EngineError('REQUEST_INVALID', oneFileMessage);
  return { fieldName: first.fieldName, bytes: first.bytes, fields: parts.fields };
}

/** `readMultipart` then `singleFile`: the upload of `POST /h/hash` and `POST /m/lookup`. */
export async function readSingleUpload(request: FastifyRequest): Promise<SingleUpload> {
  return singleFile(await readMultipart(request));
}
