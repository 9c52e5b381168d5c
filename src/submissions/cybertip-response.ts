import { SaxesParser } from 'saxes';

/**
 * What the CyberTipline answered, from its `<reportResponse>` (every call but `/finish`) or
 * `<reportDoneResponse>` (`/finish`): the response code (0 is success), its description, and
 * the ids and hash the call hands out.
 */
export interface CybertipResponse {
  readonly responseCode: number;
  readonly responseDescription: string;
  readonly reportId?: string;
  readonly fileId?: string;
  readonly hash?: string;
}

/** The response codes NCMEC documents (non-exhaustive, from the public client code in the note). */
export const cybertipResponseCodes: Readonly<Record<number, string>> = {
  0: 'success',
  1000: 'server error',
  1100: 'save failed',
  1110: 'upload failed',
  1111: 'file upload failed',
  1210: 'resource not found',
  1300: 'update failed',
  2000: 'authentication required',
  3000: 'not authorized',
  3100: 'not authorized to submit',
  3300: 'not authorized to update',
  4000: 'invalid request',
  4100: 'validation failed',
  4110: 'malformed XML',
  4200: 'malformed file',
  5001: 'report does not exist',
  5002: 'file does not exist',
  5101: 'already retracted',
  5102: 'already finished',
};

/** Codes a later attempt can get past: NCMEC's server failed to save or store, not our request. */
const transientCodes = new Set([1000, 1100, 1110, 1111]);

/**
 * Whether a non-zero response code is worth retrying: 1000, 1100, 1110 and 1111 are NCMEC's own
 * failures (transient); everything else — authentication (2000, 3000…), validation (4000…),
 * unknown report or file (5001, 5002), already retracted or finished (5101, 5102) and any code
 * not documented — cannot be fixed by sending the same request again (permanent).
 */
export function classifyResponseCode(code: number): 'ok' | 'transient' | 'permanent' {
  if (code === 0) return 'ok';
  return transientCodes.has(code) ? 'transient' : 'permanent';
}

const rootNames = new Set(['reportResponse', 'reportDoneResponse']);
const fieldNames = new Set(['responseCode', 'responseDescription', 'reportId', 'fileId', 'hash']);

/**
 * Parses a response body strictly: well-formed XML (saxes), the root `reportResponse` or
 * `reportDoneResponse`, a whole-number `responseCode`. Other elements are ignored; a repeated
 * field keeps its first value.
 *
 * @returns the response, or a sentence saying why the body is not one (kept with the exchange).
 */
export function parseCybertipResponse(body: string): CybertipResponse | { readonly problem: string } {
  const parser = new SaxesParser({ xmlns: false });
  const fields = new Map<string, string>();
  const path: string[] = [];
  let root: string | undefined;
  let text = '';
  parser.on('opentag', (tag) => {
    if (path.length === 0) root = tag.name;
    path.push(tag.name);
    text = '';
  });
  parser.on('text', (chunk) => {
    text += chunk;
  });
  parser.on('closetag', (tag) => {
    if (path.length === 2 && fieldNames.has(tag.name) && !fields.has(tag.name)) fields.set(tag.name, text.trim());
    path.pop();
    text = '';
  });
  try {
    parser.write(body).close();
  } catch (error) {
    return { problem: `the answer is not well-formed XML: ${(error as Error).message.slice(0, 200)}` };
  }
  if (root === undefined || !rootNames.has(root))
    return { problem: `the answer's root is <${root ?? 'none'}>, not <reportResponse> or <reportDoneResponse>` };
  const code = fields.get('responseCode');
  if (code === undefined || !/^[0-9]{1,9}$/.test(code))
    return { problem: 'the answer has no whole-number <responseCode>' };
  const optional = (name: string): Record<string, string> => {
    const value = fields.get(name);
    return value === undefined || value === '' ? {} : { [name]: value };
  };
  return {
    responseCode: Number(code),
    responseDescription: fields.get('responseDescription') ?? '',
    ...optional('reportId'),
    ...optional('fileId'),
    ...optional('hash'),
  };
}
