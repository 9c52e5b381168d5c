import type { z } from 'zod';
import { describeIssueList, EngineError, type ValidationIssue } from '../../core/index.js';
import { element, optionalTextElement, textElement, writeXml } from '../xml-writer.js';
import { deviceIdElement, ipCaptureEventElement, optionalBoolean } from './cybertip-elements.js';
import { type CybertipFileInput, cybertipFileIdsSchema, cybertipFileSchema } from './cybertip-schema.js';
import { cybertipFileAnnotations } from './cybertip-values.js';

type FileDetails = z.output<typeof cybertipFileSchema>;
type FileIds = z.output<typeof cybertipFileIdsSchema>;

/**
 * Validates one file's input (and, when given, the ids NCMEC assigned), so that a submitter can
 * check a file before it uploads anything.
 *
 * @throws EngineError `REQUEST_INVALID` naming every problem.
 */
export function parseCybertipFile(file: unknown, ids?: unknown): FileDetails {
  const parsed = cybertipFileSchema.safeParse(file);
  const issues: ValidationIssue[] = parsed.success ? [] : [...parsed.error.issues];
  if (ids !== undefined) {
    const checkedIds = cybertipFileIdsSchema.safeParse(ids);
    if (!checkedIds.success) issues.push(...checkedIds.error.issues);
  }
  if (!parsed.success || issues.length > 0)
    throw new EngineError(
      'REQUEST_INVALID',
      `CyberTipline file details are invalid: ${describeIssueList(issues, '(file)').join('; ')}`,
    );
  return parsed.data;
}

/**
 * Builds the `<fileDetails>` for `/fileinfo` of one uploaded file, in the XSD's sequence:
 * `reportId`, `fileId`, `fileName`, `originalFileName`, `uploadedToEspTimestamp`,
 * `locationOfFile`, `fileViewedByEsp`, `exifViewedByEsp`, `publiclyAvailable`, `fileRelevance`,
 * `fileAnnotations`, `industryClassification`, `originalFileHash*` (`@hashType`), `ipCaptureEvent`,
 * `deviceId*`, `details*` (`@type`, `nameValuePair*`), `additionalInfo*`.
 *
 * `fileViewedByEsp` is always written, `true` or `false`, exactly as given: the input requires it
 * because it must come from the reveal audit (a wrong `true` lets law enforcement open a file no
 * person at the platform saw, which *United States v. Wilson* (2021) says may need a warrant).
 * Pure; the result ends with a line feed.
 *
 * @throws EngineError `REQUEST_INVALID` naming every problem of the file or the ids.
 */
export function buildCybertipFileDetails(
  file: CybertipFileInput,
  ids: { readonly reportId: string; readonly fileId: string },
): string {
  const details = parseCybertipFile(file, ids);
  const checkedIds = ids as FileIds;
  const annotations = new Set(details.fileAnnotations ?? []);
  return writeXml(
    element('fileDetails', [
      textElement('reportId', checkedIds.reportId),
      textElement('fileId', checkedIds.fileId),
      textElement('fileName', details.fileName),
      optionalTextElement('originalFileName', details.originalFileName),
      optionalTextElement('uploadedToEspTimestamp', details.uploadedToEspTimestamp),
      optionalTextElement('locationOfFile', details.locationOfFile),
      optionalBoolean('fileViewedByEsp', details.fileViewedByEsp),
      optionalBoolean('exifViewedByEsp', details.exifViewedByEsp),
      optionalBoolean('publiclyAvailable', details.publiclyAvailable),
      textElement('fileRelevance', details.fileRelevance),
      annotations.size > 0 &&
        element(
          'fileAnnotations',
          cybertipFileAnnotations.filter((name) => annotations.has(name)).map((name) => element(name)),
        ),
      optionalTextElement('industryClassification', details.industryClassification),
      (details.originalFileHashes ?? []).map((hash) =>
        textElement('originalFileHash', hash.value, { hashType: hash.hashType }),
      ),
      details.ipCaptureEvent !== undefined && ipCaptureEventElement(details.ipCaptureEvent),
      (details.deviceIds ?? []).map(deviceIdElement),
      (details.details ?? []).map((group) =>
        element(
          'details',
          group.pairs.map((pair) =>
            element('nameValuePair', [textElement('name', pair.name), textElement('value', pair.value)]),
          ),
          { type: group.type },
        ),
      ),
      (details.additionalInfo ?? []).map((text) => textElement('additionalInfo', text)),
    ]),
  );
}
