import type { CaseEvent } from '../report-transactions.js';
import { fitLongText } from '../text-fitting.js';
import { type CaseEvidence, ipCaptureOf, mediaSourcesOf, validDateTime } from './cybertip-case-evidence.js';
import type { CaseFacts } from './cybertip-case-facts.js';
import { type CybertipFileInput, cybertipUrl } from './cybertip-schema.js';
import { type CybertipHashType, cybertipFileAnnotations } from './cybertip-values.js';

/**
 * The files of a CyberTipline report from a decided case: each file the caller names becomes one
 * `CybertipFileInput`, from the case event that names its media (URL or evidence id), the
 * reviewer's decision and the file's viewing record, which is copied, never inferred.
 */

/** The sentence a report carries when no person viewed its files and they were reported on hash matches alone. */
export const hashMatchOnlyStatement =
  'No person at the reporting company viewed the files; they were reported on hash matches alone.';

/** The hash names Prevail uses (signals, the caller's hashes) → `originalFileHash/@hashType`. */
const hashTypes: Readonly<Record<string, CybertipHashType>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  'sha-1': 'SHA1',
  sha256: 'SHA256',
  'sha-256': 'SHA256',
  pdq: 'PDQ',
};

/** Each bank match of the events as `bank#contentId (signal, distance d)`, for the additional information. */
export function matchSummary(events: readonly CaseEvent[]): string[] {
  return events.flatMap((event) =>
    (Array.isArray(event.data.matches) ? event.data.matches : []).map((match: unknown) => {
      const value = (match ?? {}) as Record<string, unknown>;
      return `${String(value.bank)}#${String(value.contentId)} (${String(value.signalType)}, distance ${String(value.distance)})`;
    }),
  );
}

/** The name a file is uploaded under: the URL's last path segment (made safe), else the evidence id. */
function fileNameOf(source: { url?: string; evidenceId?: string }, index: number): string {
  if (source.url !== undefined) {
    const last = source.url.split(/[?#]/)[0]?.split('/').pop() ?? '';
    const clean = last.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
    if (clean !== '' && clean !== '_') return clean;
  }
  if (source.evidenceId !== undefined) return `evidence-${source.evidenceId}`;
  return `file-${index + 1}`;
}

/** The file's hashes with their types: the caller's first, then the matched event's signals; one per type. */
function hashesOf(
  given: CaseFacts['files'][number]['hashes'],
  event: CaseEvent,
  notes: string[],
  index: number,
): { hashType: CybertipHashType; value: string }[] {
  const found = new Map<CybertipHashType, string>();
  const signals = (event.data.signals ?? {}) as Record<string, unknown>;
  const candidates = [
    ...given.map((hash) => [hash.type, hash.value] as const),
    ...Object.entries(signals).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  ];
  for (const [type, value] of candidates) {
    const hashType = hashTypes[type.toLowerCase()];
    if (hashType === undefined) {
      if (type !== 'frame_timestamp')
        notes.push(`files.${index}: a ${type} hash has no CyberTipline hash type and was left out.`);
      continue;
    }
    if (!found.has(hashType)) found.set(hashType, value);
  }
  return [...found].map(([hashType, value]) => ({ hashType, value }));
}

/**
 * One file's input, from the case event naming its media (a `media.matched` event first): the
 * viewing record as given, `liveStreaming` for a stream frame, the decision's annotations and
 * classification, hashes, the upload's time and IP when a `media.uploaded` event names the same
 * media. A string (the problem) when no event of the case names the file's source.
 */
export function fileInput(
  file: CaseFacts['files'][number],
  index: number,
  evidence: CaseEvidence,
  facts: CaseFacts,
  notes: string[],
): CybertipFileInput | string {
  const named = (event: CaseEvent) => {
    const sources = mediaSourcesOf(event);
    return sources.url === file.source || sources.evidenceId === file.source;
  };
  const event =
    evidence.events.find((candidate) => named(candidate) && candidate.type === 'media.matched') ??
    evidence.events.find(named);
  if (event === undefined) return `files.${index}.source: names no media of this case`;
  const source = mediaSourcesOf(event);
  const upload = evidence.events.find((candidate) => candidate.type === 'media.uploaded' && named(candidate));
  const stream = event.data.source === 'stream';
  const matched = event.type === 'media.matched';
  // The reviewer's classification and content annotations describe what a person saw: they go
  // only on files a person viewed. A file reported on a hash match alone carries neither; what
  // is known without looking (a live-stream frame) is still said.
  const chosen = new Set(file.viewedByEsp ? (facts.decision.annotations ?? []) : []);
  if (stream) chosen.add('liveStreaming');
  const annotations = cybertipFileAnnotations.filter((name) => chosen.has(name));
  const uploadedAt = upload === undefined ? undefined : validDateTime(upload.time);
  const uploadIp = upload === undefined ? undefined : ipCaptureOf(upload, 'Upload');
  const info: string[] = [];
  if (stream) {
    const t = (event.data.signals as Record<string, unknown> | undefined)?.frame_timestamp;
    info.push(
      `A sampled frame of the watched live stream "${event.entities.stream ?? '(unnamed)'}"${typeof t === 'number' ? ` at ${t} s of stream time` : ''}, matched at ${event.time}.`,
    );
  }
  const matches = matched ? matchSummary([event]) : [];
  if (matches.length > 0) info.push(fitLongText(`Matched hash-list items: ${matches.join(', ')}.`, 1000));
  if (!file.viewedByEsp)
    info.push(
      matched
        ? 'No person at the reporting company viewed this file; it is reported on a hash match alone.'
        : 'No person at the reporting company viewed this file.',
    );
  const hashes = hashesOf(file.hashes, event, notes, index);
  const url = source.url !== undefined && cybertipUrl.safeParse(source.url).success ? source.url : undefined;
  return {
    fileName: file.fileName ?? fileNameOf(source, index),
    ...(uploadedAt === undefined ? {} : { uploadedToEspTimestamp: uploadedAt }),
    ...(url === undefined ? {} : { locationOfFile: url }),
    fileViewedByEsp: file.viewedByEsp,
    ...(file.exifViewed === undefined ? {} : { exifViewedByEsp: file.exifViewed }),
    fileRelevance: 'Reported',
    ...(annotations.length > 0 ? { fileAnnotations: annotations } : {}),
    ...(facts.decision.classification === undefined || !file.viewedByEsp
      ? {}
      : { industryClassification: facts.decision.classification }),
    ...(hashes.length > 0 ? { originalFileHashes: hashes } : {}),
    ...(uploadIp === undefined ? {} : { ipCaptureEvent: uploadIp }),
    ...(info.length > 0 ? { additionalInfo: info } : {}),
  };
}

/** What the report says about who viewed its files (undefined without files). */
export function viewingStatement(
  facts: CaseFacts,
  files: readonly CybertipFileInput[],
  evidence: CaseEvidence,
): string | undefined {
  if (files.length === 0) return undefined;
  const viewed = facts.files.filter((file) => file.viewedByEsp).length;
  if (viewed === files.length) return 'A person at the reporting company viewed every reported file.';
  if (viewed > 0)
    return `A person at the reporting company viewed ${viewed} of the ${files.length} reported files (each file's details say which); the others were not viewed.`;
  const allMatched = facts.files.every((file) =>
    evidence.matches.some((event) => {
      const sources = mediaSourcesOf(event);
      return sources.url === file.source || sources.evidenceId === file.source;
    }),
  );
  return allMatched ? hashMatchOnlyStatement : 'No person at the reporting company viewed the files.';
}
