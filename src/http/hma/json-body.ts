import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../../core/index.js';
import { modelType, sendValidationIssues } from './validation-errors.js';

/**
 * JSON request bodies as HMA 1.1.7 (Flask/Werkzeug) treats them. Views that read `request.json`
 * answer 415 when the Content-Type is not `application/json` and 400 when the JSON is
 * malformed or absent; views whose body is a pydantic model read it with
 * `get_json(silent=True)` and answer 422 `model_type` for all of those cases.
 */

/** Werkzeug's 415 text for `request.json` on a non-JSON request (HMA returns it as `message`). */
export const notJsonMessage =
  "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.";

/** Werkzeug's 400 text for malformed JSON (the same text the app's JSON parser uses). */
export const malformedJsonMessage = 'The browser (or proxy) sent a request that this server could not understand.';

/** A decoded JSON value as an object (not an array), or `undefined` when it is anything else. */
export function asJsonObject(value: unknown): Record<string, unknown> | undefined {
  return isJsonObject(value) ? value : undefined;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the request declares `Content-Type: application/json` (parameters ignored). */
export function isJsonRequest(request: FastifyRequest): boolean {
  const header = request.headers['content-type'];
  if (header === undefined) return false;
  return header.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Sends HMA's 415 answer for a view that needs a JSON body. */
export function sendNotJson(reply: FastifyReply): FastifyReply {
  return reply.code(415).send({ message: notJsonMessage });
}

/**
 * The JSON body of a `request.json` view, or `undefined` after answering 415 (the caller
 * returns the reply). An empty body with a JSON Content-Type is malformed JSON to Flask.
 *
 * @throws EngineError `REQUEST_INVALID` (400, Werkzeug's text) for an empty JSON body.
 */
export function readJsonBody(request: FastifyRequest, reply: FastifyReply): { body: unknown } | undefined {
  if (!isJsonRequest(request)) {
    sendNotJson(reply);
    return undefined;
  }
  if (request.body === undefined) throw new EngineError('REQUEST_INVALID', malformedJsonMessage);
  return { body: request.body };
}

function isBodyParseError(error: FastifyError | EngineError): { unsupportedType: boolean } | undefined {
  if (error instanceof EngineError) {
    return error.code === 'REQUEST_INVALID' && error.message === malformedJsonMessage
      ? { unsupportedType: false }
      : undefined;
  }
  // Other parser failures (a body over the limit, a bad Content-Length) keep the app's answer.
  return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? { unsupportedType: true } : undefined;
}

/**
 * A route error handler for bodies Fastify refuses before the view runs (a Content-Type with no
 * parser, malformed JSON), so that they are answered as HMA answers them:
 * - `json`: unknown Content-Type → 415 with Werkzeug's text; malformed JSON → 400 (left to the
 *   app's handler, which already uses Werkzeug's text).
 * - `model`: both → 422 `model_type` for the named pydantic class, input `null`.
 * Every other error is re-thrown to the app's handler.
 */
export function bodyErrorHandler(kind: 'json' | { model: string }) {
  return (error: FastifyError | EngineError, _request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const parseError = isBodyParseError(error);
    if (parseError === undefined) throw error;
    if (kind === 'json') {
      if (parseError.unsupportedType) return sendNotJson(reply);
      throw error;
    }
    return sendValidationIssues(reply, [modelType(kind.model, null)]);
  };
}
