import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FetchPolicy, fetchUrl } from '../../content/index.js';
import { EngineError } from '../../core/index.js';
import { multipartFailure } from '../multipart-failure.js';

const oneFile = 'send one file per request';

/**
 * The JSON form of a media request: `{"url"}`, fetched within the server's URL policy. The other
 * form, a multipart upload, reaches validation with no body (null): a route that takes either
 * declares this schema `.nullish()`.
 */
export const mediaFromUrlSchema = z.object({
  url: z.string().describe('an http(s) URL the server fetches the image from (within its URL policy)'),
});

/**
 * The media bytes of a `/v1` request: the single file of a multipart upload (any field name), or
 * the `url` of a JSON body, fetched within the server's URL policy.
 *
 * @throws EngineError `REQUEST_INVALID` (no media, two files, a malformed multipart body),
 *   `REQUEST_TOO_LARGE` (a file over the upload limit), the fetch errors, `INPUT_EMPTY`.
 */
export async function readMedia(
  request: FastifyRequest,
  policy: FetchPolicy,
): Promise<{ bytes: Uint8Array; fields: Record<string, string> }> {
  if (request.isMultipart()) {
    const fields: Record<string, string> = {};
    let bytes: Uint8Array | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (bytes !== undefined) throw new EngineError('REQUEST_INVALID', oneFile);
          bytes = new Uint8Array(await part.toBuffer());
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (error) {
      throw multipartFailure(error, oneFile);
    }
    if (bytes === undefined) throw new EngineError('REQUEST_INVALID', 'the multipart body has no file');
    if (bytes.length === 0) throw new EngineError('INPUT_EMPTY', 'the uploaded file is empty');
    return { bytes, fields };
  }
  const body = request.body as { url?: unknown } | undefined;
  if (typeof body?.url !== 'string') {
    throw new EngineError('REQUEST_INVALID', 'send a multipart file upload, or JSON {"url": "https://…"}');
  }
  return { bytes: await fetchUrl(body.url, policy), fields: {} };
}
