import { createHash } from 'node:crypto';

/** The CyberTipline endpoints Prevail calls (`/xsd` is not used: the builder's tests lock the order). */
export type CybertipEndpoint = '/status' | '/submit' | '/upload' | '/fileinfo' | '/finish' | '/retract';

/** A file as uploaded: its name and bytes. */
export interface CybertipUploadFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * One request to the CyberTipline, as data: built by the functions below, sent by
 * `CybertipClient.send`, and kept by the submitter as `recorded` before it is sent. `recorded` is
 * what may be stored: the XML text, or for multipart calls the report id and, for an upload, the
 * file's name, size and SHA-256 — never the bytes, never the credentials (they are only in the
 * client).
 */
export interface CybertipCall {
  readonly endpoint: CybertipEndpoint;
  readonly method: 'GET' | 'POST';
  readonly body?:
    | { readonly kind: 'xml'; readonly xml: string }
    | { readonly kind: 'form'; readonly id: string; readonly file?: CybertipUploadFile };
  readonly recorded: string;
}

/** `GET /status`: checks the credentials and the connection. */
export function statusCall(): CybertipCall {
  return { endpoint: '/status', method: 'GET', recorded: '' };
}

/** `POST /submit` with the `<report>` document; the answer carries the report id. */
export function submitCall(reportXml: string): CybertipCall {
  return { endpoint: '/submit', method: 'POST', body: { kind: 'xml', xml: reportXml }, recorded: reportXml };
}

/** What is kept of an upload instead of its bytes: the report id, the name, the size and the SHA-256. */
export interface UploadDigest {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** `POST /upload` (multipart `id`, `file`) of one file to an open report. */
export function uploadCall(
  reportId: string,
  file: CybertipUploadFile,
): CybertipCall & { readonly digest: UploadDigest } {
  const digest: UploadDigest = {
    id: reportId,
    name: file.name,
    size: file.bytes.byteLength,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
  };
  return {
    endpoint: '/upload',
    method: 'POST',
    body: { kind: 'form', id: reportId, file },
    recorded: JSON.stringify({ id: digest.id, file: { name: digest.name, size: digest.size, sha256: digest.sha256 } }),
    digest,
  };
}

/** `POST /fileinfo` with one `<fileDetails>` document. */
export function fileInfoCall(fileDetailsXml: string): CybertipCall {
  return {
    endpoint: '/fileinfo',
    method: 'POST',
    body: { kind: 'xml', xml: fileDetailsXml },
    recorded: fileDetailsXml,
  };
}

/** `POST /finish` (multipart `id`): the report is final and NCMEC has received it. */
export function finishCall(reportId: string): CybertipCall {
  return {
    endpoint: '/finish',
    method: 'POST',
    body: { kind: 'form', id: reportId },
    recorded: JSON.stringify({ id: reportId }),
  };
}

/** `POST /retract` (multipart `id`): cancels a report that is not finished. */
export function retractCall(reportId: string): CybertipCall {
  return {
    endpoint: '/retract',
    method: 'POST',
    body: { kind: 'form', id: reportId },
    recorded: JSON.stringify({ id: reportId }),
  };
}
