import type { ContentRecord } from '../../banks/index.js';
import { EngineError, parseJsonWithin } from '../../core/index.js';
import { pythonRepr, pythonTypeName } from './python-text.js';

/**
 * Content metadata of HMA 1.1.7 (`BankedContentMetadata`, added in 1.1.3): `{content_id?,
 * content_uri?, json?, collab?}` with **extra keys forbidden**. It maps onto Prevail's content
 * record as `content_id` → `externalId`, `content_uri` → `contentUri`, `json` → `metadata` (the
 * operator JSON, kept verbatim). `collab` (exchange provenance) is accepted and dropped, as HMA
 * drops it on user adds.
 */
export interface HmaContentMetadata {
  readonly externalId: string | null;
  readonly contentUri: string | null;
  readonly json: Readonly<Record<string, unknown>> | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface MetadataIssue {
  readonly field: string;
  readonly message: string;
  readonly type: string;
  readonly input: unknown;
}

function checkField(field: string, value: unknown): MetadataIssue | undefined {
  if (value === null || value === undefined) return undefined;
  if (field === 'content_id' || field === 'content_uri') {
    return typeof value === 'string'
      ? undefined
      : { field, message: 'Input should be a valid string', type: 'string_type', input: value };
  }
  if (field === 'json') {
    return isObject(value)
      ? undefined
      : { field, message: 'Input should be a valid dictionary', type: 'dict_type', input: value };
  }
  if (field === 'collab') {
    const valid =
      isObject(value) &&
      Object.values(value).every((keys) => Array.isArray(keys) && keys.every((key) => typeof key === 'string'));
    return valid
      ? undefined
      : { field, message: 'Input should be a valid dictionary', type: 'dict_type', input: value };
  }
  return { field, message: 'Extra inputs are not permitted', type: 'extra_forbidden', input: value };
}

/** pydantic's `ValidationError` text for the issues, as HMA puts it after `Invalid metadata: `. */
function pydanticText(issues: readonly MetadataIssue[]): string {
  const count = issues.length === 1 ? '1 validation error' : `${issues.length} validation errors`;
  const lines = issues.map(
    (issue) =>
      `${issue.field}\n  ${issue.message} [type=${issue.type}, input_value=${pythonRepr(issue.input)}, input_type=${pythonTypeName(issue.input)}]`,
  );
  return `${count} for BankedContentMetadata\n${lines.join('\n')}`;
}

/**
 * Validates a `metadata` value from a JSON body (`{"metadata": {...}}`) or a parsed form field.
 * Absent or `null` → `undefined` (nothing stored).
 *
 * @throws EngineError `CONTENT_INVALID` (400) with HMA's texts: `metadata should be a json
 *   object`, `Invalid metadata: <pydantic text>`.
 */
export function readContentMetadata(value: unknown): HmaContentMetadata | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value)) throw new EngineError('CONTENT_INVALID', 'metadata should be a json object');
  const issues = Object.entries(value).flatMap(([field, item]) => {
    const issue = checkField(field, item);
    return issue === undefined ? [] : [issue];
  });
  if (issues.length > 0) throw new EngineError('CONTENT_INVALID', `Invalid metadata: ${pydanticText(issues)}`);
  const { content_id: externalId, content_uri: contentUri, json } = value;
  return {
    externalId: typeof externalId === 'string' ? externalId : null,
    contentUri: typeof contentUri === 'string' ? contentUri : null,
    json: isObject(json) ? json : null,
  };
}

/**
 * The `metadata` form field of a multipart add: a JSON string.
 *
 * @throws EngineError `CONTENT_INVALID` (400 `metadata form field must be valid JSON`) and the
 *   errors of `readContentMetadata`.
 */
export function readMetadataField(text: string | undefined): HmaContentMetadata | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseJsonWithin(text);
  } catch {
    throw new EngineError('CONTENT_INVALID', 'metadata form field must be valid JSON');
  }
  return readContentMetadata(parsed);
}

/** HMA's echo of stored metadata (`GET …/content/<id>`), or `undefined` when none was stored. */
export function metadataJson(
  content: ContentRecord,
): { collab: null; content_id: string | null; content_uri: string | null; json: unknown } | undefined {
  const json = content.metadata ?? null;
  if (content.externalId === null && content.contentUri === null && json === null) return undefined;
  return { collab: null, content_id: content.externalId, content_uri: content.contentUri, json };
}
