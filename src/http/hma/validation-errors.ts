import type { FastifyReply } from 'fastify';

/**
 * HMA 1.1.7 validates query strings and some JSON bodies with pydantic models (through
 * flask-openapi3), and answers a failed validation with **422** and pydantic's error list
 * (`e.json()`), bypassing its `{"message"}` handler. These builders produce the same entries.
 *
 * Difference: pydantic also adds a `url` key pointing at its documentation for the installed
 * pydantic version, which is unknown here; it is left out (no client reads it).
 */
export interface ValidationIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

/** A required field that is absent: `input` is the whole object that was validated. */
export function missingField(field: string, input: unknown): ValidationIssue {
  return { type: 'missing', loc: [field], msg: 'Field required', input };
}

/** A boolean field whose text pydantic cannot read (`true/false/1/0/yes/no/on/off/t/f/y/n`). */
export function boolParsing(field: string, input: unknown): ValidationIssue {
  return {
    type: typeof input === 'string' ? 'bool_parsing' : 'bool_type',
    loc: [field],
    msg:
      typeof input === 'string'
        ? 'Input should be a valid boolean, unable to interpret input'
        : 'Input should be a valid boolean',
    input,
  };
}

/** A float field that is neither a number nor a numeric string. */
export function floatParsing(field: string, input: unknown): ValidationIssue {
  return typeof input === 'string'
    ? {
        type: 'float_parsing',
        loc: [field],
        msg: 'Input should be a valid number, unable to parse string as a number',
        input,
      }
    : { type: 'float_type', loc: [field], msg: 'Input should be a valid number', input };
}

/** A string field holding another JSON type. */
export function stringType(field: string, input: unknown): ValidationIssue {
  return { type: 'string_type', loc: [field], msg: 'Input should be a valid string', input };
}

/**
 * The whole body is not a JSON object (absent, not JSON, malformed, or an array): HMA reads it
 * with `get_json(silent=True)`, gets `None`, and pydantic reports `model_type`.
 */
export function modelType(className: string, input: unknown): ValidationIssue {
  return {
    type: 'model_type',
    loc: [],
    msg: `Input should be a valid dictionary or instance of ${className}`,
    input: input === undefined ? null : input,
    ctx: { class_name: className },
  };
}

/** Sends the 422 answer: the JSON array of issues, exactly as HMA does. */
export function sendValidationIssues(reply: FastifyReply, issues: readonly ValidationIssue[]): FastifyReply {
  return reply.code(422).send(issues);
}
