import { EngineError } from '../core/index.js';

/**
 * The coded error for a failure while reading a multipart body, whatever the route: a part over
 * the upload limit is `REQUEST_TOO_LARGE` (413); too many files, parts or fields, a missing or
 * wrong boundary, a truncated part and any other parse failure are `REQUEST_INVALID` (400). The
 * body is the client's, so nothing that goes wrong reading it is the server's fault (500).
 */
export function multipartFailure(error: unknown, tooManyFilesMessage: string): EngineError {
  if (error instanceof EngineError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new EngineError('REQUEST_TOO_LARGE', 'Content too large', { cause: error });
  }
  if (code === 'FST_FILES_LIMIT') return new EngineError('REQUEST_INVALID', tooManyFilesMessage, { cause: error });
  const reason = error instanceof Error ? error.message : String(error);
  return new EngineError('REQUEST_INVALID', `the multipart/form-data body is malformed: ${reason}`, { cause: error });
}
