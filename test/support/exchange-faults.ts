import type { ServerResponse } from 'node:http';

/**
 * A fault a contract server answers instead of the next read: an HTTP status (with `Retry-After`
 * when given) or a 200 with a broken body (truncated XML, corrupt JSON: TE#2004).
 */
export type ExchangeFault =
  | { readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly body: string; readonly contentType?: string | undefined };

/** Answers `fault` on `response`. */
export function answerFault(response: ServerResponse, fault: ExchangeFault): void {
  if ('status' in fault) {
    response.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
    response.end(`fault ${fault.status}`);
    return;
  }
  response.writeHead(200, { 'content-type': fault.contentType ?? 'application/octet-stream' });
  response.end(fault.body);
}

/** Escapes text for an XML element or attribute. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Reads a request body up to `limit` bytes (contract servers refuse larger ones). */
export async function readRequestBody(request: AsyncIterable<Buffer>, limit = 1_000_000): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += chunk.length;
    if (length > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
