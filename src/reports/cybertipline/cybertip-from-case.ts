import { z } from 'zod';
import { describeIssueList, EngineError } from '../../core/index.js';
import type { CaseFile } from '../case-report.js';
import { characterCount, fitLongText } from '../text-fitting.js';
import { parseCybertipFile } from './build-cybertip-file-details.js';
import { parseCybertipReport } from './build-cybertip-report.js';
import { type CaseEvent, type CaseEvidence, caseEvidence, mediaSourcesOf } from './cybertip-case-evidence.js';
import type { CybertipConfig } from './cybertip-config.js';
import {
  type CybertipFileInput,
  type CybertipInternetDetail,
  type CybertipIpCaptureEvent,
  type CybertipReportInput,
  cybertipDateTime,
  cybertipIpCaptureEvent,
  cybertipUrl,
} from './cybertip-schema.js';
import {
  type CybertipEventName,
  type CybertipHashType,
  type CybertipIncidentType,
  type CybertipReportAnnotation,
  cybertipFileAnnotations,
  cybertipIncidentTypes,
  cybertipIndustryClassifications,
  cybertipReportAnnotations,
  cybertipTextLimit,
} from './cybertip-values.js';

const childPornography: CybertipIncidentType = 'Child Pornography (possession, manufacture, and distribution)';
const trafficking: CybertipIncidentType = 'Child Sex Trafficking';
const enticement: CybertipIncidentType = 'Online Enticement of Children for Sexual Acts';

/** The sentence a report carries when no person viewed its files and they were reported on hash matches alone. */
export const hashMatchOnlyStatement =
  'No person at the reporting company viewed the files; they were reported on hash matches alone.';

const factsSchema = z.strictObject({
  now: z.date().refine((value) => Number.isFinite(value.getTime()), 'must be a valid time'),
  decision: z.strictObject({
    classification: z.enum(cybertipIndustryClassifications).optional(),
    /** Report annotations (`sextortion`…) and file annotations (`generativeAi`…) the reviewer chose. */
    annotations: z
      .array(z.enum([...cybertipReportAnnotations, ...cybertipFileAnnotations]))
      .max(20)
      .optional(),
    decidedBy: z.string().min(1).max(255),
    decidedAt: cybertipDateTime,
    /** The reviewer's reason for urgency (imminent risk): escalates the report. */
    escalateToHighPriority: z.string().optional(),
    /** The reviewer's own choice of incident type, over the mapping from the case. */
    incidentType: z.enum(cybertipIncidentTypes).optional(),
  }),
  files: z
    .array(
      z.strictObject({
        /** The console's media item id (from the reveal audit). */
        itemId: z.string().min(1).max(255),
        /** The media's source as the case's event names it: its URL or its evidence item id. */
        source: z.string().min(1).max(2048),
        /** True only when the reveal audit shows a person's reveal of this item was served. */
        viewedByEsp: z.boolean(),
        exifViewed: z.boolean().optional(),
        /** The hashes Prevail holds for the file as uploaded (`md5`, `sha1`, `pdq`, `sha256`). */
        hashes: z.array(z.strictObject({ type: z.string().min(1).max(20), value: z.string().min(1).max(256) })).max(20),
        /** The name the file is uploaded under (default: from its URL or evidence id). */
        fileName: z.string().min(1).max(255).optional(),
      }),
    )
    .max(1000),
});

/** What the caller knows beyond the case: the clock, the reviewer's decision, and the files with their viewing record. */
export type CybertipCaseFacts = z.input<typeof factsSchema>;
type Facts = z.output<typeof factsSchema>;

/** A CyberTipline report assembled from a decided case, ready for the builders. */
export interface CybertipAssembly {
  readonly report: CybertipReportInput;
  /** One per `facts.files`, in the same order; empty for a text-only report. */
  readonly files: readonly CybertipFileInput[];
  readonly incidentType: CybertipIncidentType;
  /** What the assembly decided and why (incident type, clamps, cuts, what it left out), for the reviewer. */
  readonly notes: readonly string[];
}

const hashTypes: Readonly<Record<string, CybertipHashType>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  'sha-1': 'SHA1',
  sha256: 'SHA256',
  'sha-256': 'SHA256',
  pdq: 'PDQ',
};

/** The role whose account did what an event records (the IP of the event is that account's). */
function actorRole(event: CaseEvent): string {
  return event.type === 'payment.sent' ? 'payment_account' : 'user';
}

function ipEventName(event: CaseEvent): CybertipEventName {
  if (event.type === 'payment.sent' || event.type === 'gift.sent') return 'Purchase';
  if (event.type === 'media.uploaded') return 'Upload';
  if (event.type === 'account.created') return 'Registration';
  return 'Other';
}

function validDateTime(value: string): string | undefined {
  return cybertipDateTime.safeParse(value).success ? value : undefined;
}

function ipCaptureOf(event: CaseEvent, eventName = ipEventName(event)): CybertipIpCaptureEvent | undefined {
  const ipAddress = event.entities.ip;
  if (ipAddress === undefined) return undefined;
  const dateTime = validDateTime(event.time);
  const capture = { ipAddress, eventName, ...(dateTime === undefined ? {} : { dateTime }) };
  return cybertipIpCaptureEvent.safeParse(capture).success ? capture : undefined;
}

/** The reported account's IP capture events: IPs of events that account itself did, each (ip, event, time) once. */
function subjectIpEvents(evidence: CaseEvidence, notes: string[]): CybertipIpCaptureEvent[] {
  const captures = new Map<string, CybertipIpCaptureEvent>();
  let skipped = 0;
  for (const event of evidence.events) {
    const role = actorRole(event);
    if (event.entities.ip === undefined || role !== evidence.subject.type) continue;
    if (event.entities[role] !== evidence.subject.id) continue;
    const capture = ipCaptureOf(event);
    if (capture === undefined) {
      skipped += 1;
      continue;
    }
    captures.set(`${capture.ipAddress}|${capture.eventName}|${capture.dateTime}`, capture);
  }
  if (skipped > 0) notes.push(`${skipped} IP value(s) of the subject's events are not IP addresses and were left out.`);
  const all = [...captures.values()];
  if (all.length > 100) notes.push(`The subject's events named ${all.length} IP captures; the first 100 are reported.`);
  return all.slice(0, 100);
}

function chooseIncidentType(evidence: CaseEvidence, facts: Facts, notes: string[]): CybertipIncidentType {
  if (facts.decision.incidentType !== undefined) {
    notes.push(`Incident type "${facts.decision.incidentType}": chosen by the reviewer.`);
    return facts.decision.incidentType;
  }
  if (evidence.livestreamPayer && evidence.payments.length > 0) {
    notes.push(
      `Incident type "${trafficking}": the live-stream payer typology alerted and the case holds ${evidence.payments.length} payment(s).`,
    );
    return trafficking;
  }
  if (evidence.livestreamPayer)
    notes.push('The live-stream payer typology alerted but the case holds no payment: not reported as trafficking.');
  if (evidence.matches.length > 0 || facts.files.length > 0) {
    notes.push(
      `Incident type "${childPornography}": ${evidence.matches.length} hash match(es) and ${facts.files.length} file(s).`,
    );
    return childPornography;
  }
  if (evidence.chats.length > 0) {
    notes.push(`Incident type "${enticement}": ${evidence.chats.length} chat message(s) and no file.`);
    return enticement;
  }
  throw new EngineError(
    'REQUEST_INVALID',
    'incidentType: nothing in this case maps to a CyberTipline incident type (no hash match, file, chat or paying typology); choose one in the decision',
  );
}

function earliestAndLatest(times: readonly string[]): { first: string; last: string } | undefined {
  const sorted = times
    .filter((time) => Number.isFinite(Date.parse(time)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  return first === undefined || last === undefined ? undefined : { first, last };
}

/** When the incident happened: the earliest evidence event (else any event), never at or after `now`. */
function incidentTime(evidence: CaseEvidence, facts: Facts, notes: string[]): { at: string; description?: string } {
  const evidenceTimes = [...evidence.matches, ...evidence.payments.map((payment) => payment.event), ...evidence.chats];
  const span =
    earliestAndLatest(evidenceTimes.map((event) => event.time)) ??
    earliestAndLatest(evidence.events.map((event) => event.time));
  let at =
    span === undefined ? facts.decision.decidedAt : (validDateTime(span.first) ?? new Date(span.first).toISOString());
  const latest = facts.now.getTime() - 1000;
  if (Date.parse(at) > latest) {
    at = new Date(latest).toISOString();
    notes.push(
      'The case’s first evidence is dated at or after now; the incident time was set to one second before now.',
    );
  }
  if (span === undefined) {
    notes.push('The case holds no dated event; the incident time is the decision’s.');
    return { at, description: 'Time of the review decision: the case holds no dated event.' };
  }
  return span.first === span.last
    ? { at }
    : { at, description: `First evidence in the case; the last is ${span.last}.` };
}

function streamText(evidence: CaseEvidence, platform: string, details: CybertipInternetDetail[]): string[] {
  const byStream = new Map<string, CaseEvent[]>();
  for (const event of evidence.streamMatches) {
    const stream = event.entities.stream ?? '(unnamed stream)';
    byStream.set(stream, [...(byStream.get(stream) ?? []), event]);
  }
  const lines: string[] = [];
  for (const [stream, events] of byStream) {
    const span = earliestAndLatest(events.map((event) => event.time));
    const when = span === undefined ? '' : ` between ${span.first} and ${span.last}`;
    const summary = `Live stream: ${events.length} sampled frame(s) matched known material${when}.`;
    if (/^https?:\/\//i.test(stream) && cybertipUrl.safeParse(stream).success)
      details.push({ type: 'webPage', url: stream, additionalInfo: summary });
    else
      lines.push(
        `Live stream "${stream}" on ${platform}: ${events.length} sampled frame(s) matched known material${when}.`,
      );
  }
  return lines;
}

function chatDetail(evidence: CaseEvidence, platform: string, notes: string[]): CybertipInternetDetail {
  const rooms = new Set(evidence.chats.map((event) => event.entities.conversation).filter((id) => id !== undefined));
  const transcript = evidence.chats
    .map((event) => {
      const to = event.entities.recipient ?? event.entities.conversation ?? '(unknown)';
      const text = typeof event.data.text === 'string' ? event.data.text : '[no text kept]';
      return `${event.time} ${event.entities.user ?? '(unknown)'} to ${to}: ${text}`;
    })
    .join('\n');
  if (characterCount(transcript) > cybertipTextLimit)
    notes.push('The chat transcript is longer than 3000 characters; the report carries its beginning.');
  const span = earliestAndLatest(evidence.chats.map((event) => event.time));
  const [room] = rooms;
  return {
    type: 'chatIm',
    chatClient: platform,
    ...(rooms.size === 1 && room !== undefined ? { chatRoomName: room } : {}),
    content: fitLongText(transcript, cybertipTextLimit),
    additionalInfo: `${evidence.chats.length} message(s) in the case${span === undefined ? '' : `, ${span.first} to ${span.last}`}.`,
  };
}

function matchSummary(events: readonly CaseEvent[]): string[] {
  return events.flatMap((event) =>
    (Array.isArray(event.data.matches) ? event.data.matches : []).map((match: unknown) => {
      const value = (match ?? {}) as Record<string, unknown>;
      return `${String(value.bank)}#${String(value.contentId)} (${String(value.signalType)}, distance ${String(value.distance)})`;
    }),
  );
}

function fileNameOf(source: { url?: string; evidenceId?: string }, index: number): string {
  if (source.url !== undefined) {
    const last = source.url.split(/[?#]/)[0]?.split('/').pop() ?? '';
    const clean = last.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
    if (clean !== '' && clean !== '_') return clean;
  }
  if (source.evidenceId !== undefined) return `evidence-${source.evidenceId}`;
  return `file-${index + 1}`;
}

function hashesOf(
  given: Facts['files'][number]['hashes'],
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

function fileInput(
  file: Facts['files'][number],
  index: number,
  evidence: CaseEvidence,
  facts: Facts,
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
  const chosen = new Set(facts.decision.annotations ?? []);
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
    ...(facts.decision.classification === undefined ? {} : { industryClassification: facts.decision.classification }),
    ...(hashes.length > 0 ? { originalFileHashes: hashes } : {}),
    ...(uploadIp === undefined ? {} : { ipCaptureEvent: uploadIp }),
    ...(info.length > 0 ? { additionalInfo: info } : {}),
  };
}

function viewingStatement(
  facts: Facts,
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

/**
 * Assembles a CyberTipline report from a decided case: the case as the review module holds it
 * (`file`), the filer's configuration, and what the caller knows beyond the case (`facts`: the
 * clock, the reviewer's decision, each file with its viewing record from the reveal audit).
 *
 * Incident type (the reviewer's choice wins): a case of the OCSE live-stream payer typology that
 * holds payments → `Child Sex Trafficking` (payments listed, the payer's IP captures as
 * `Purchase`); hash-matched media or files → `Child Pornography (possession, manufacture, and
 * distribution)`; chat messages and no file → `Online Enticement of Children for Sexual Acts`
 * with a `chatImIncident` and no file. A sextortion typology adds the `sextortion` annotation; a
 * live-stream match adds `liveStreaming` to its file and the stream's details to the report.
 *
 * `fileViewedByEsp` is copied from `facts.files[i].viewedByEsp`, never inferred; a report whose
 * files no person viewed, all hash-matched, says so ({@link hashMatchOnlyStatement}). Each file
 * must be media the case's events name (by URL or evidence id). Pure.
 *
 * @throws EngineError `REQUEST_INVALID` for invalid facts, a file the case does not name, a case
 *   nothing maps to an incident type, or an assembled report or file the builders would refuse.
 */
export function cybertipReportFromCase(
  file: CaseFile,
  filer: CybertipConfig,
  facts: CybertipCaseFacts,
): CybertipAssembly {
  const parsedFacts = factsSchema.safeParse(facts);
  if (!parsedFacts.success)
    throw new EngineError(
      'REQUEST_INVALID',
      `CyberTipline case facts are invalid: ${describeIssueList(parsedFacts.error.issues, '(facts)').join('; ')}`,
    );
  const known = parsedFacts.data;
  const notes: string[] = [];
  const evidence = caseEvidence(file);
  const incidentType = chooseIncidentType(evidence, known, notes);

  const fileResults = known.files.map((entry, index) => fileInput(entry, index, evidence, known, notes));
  const problems = fileResults.filter((result): result is string => typeof result === 'string');
  if (problems.length > 0)
    throw new EngineError('REQUEST_INVALID', `CyberTipline files do not match case ${file.id}: ${problems.join('; ')}`);
  const files = fileResults as CybertipFileInput[];

  const internetDetails: CybertipInternetDetail[] = [];
  const streamLines = streamText(evidence, filer.platform, internetDetails);
  if (evidence.chats.length > 0) internetDetails.push(chatDetail(evidence, filer.platform, notes));

  const chosen = new Set<string>(known.decision.annotations ?? []);
  if (evidence.sextortion) chosen.add('sextortion');
  const reportAnnotations: CybertipReportAnnotation[] = cybertipReportAnnotations.filter((name) => chosen.has(name));

  const info: string[] = [
    `Prevail case ${file.id}, decided by ${known.decision.decidedBy} at ${known.decision.decidedAt}.`,
  ];
  const viewing = viewingStatement(known, files, evidence);
  if (viewing !== undefined) info.push(viewing);
  const matched = matchSummary(evidence.matches);
  if (matched.length > 0)
    info.push(
      `${matched.length} hash-list match(es): ${matched.slice(0, 20).join(', ')}${matched.length > 20 ? ', …' : ''}.`,
    );
  info.push(...streamLines);
  if (incidentType === trafficking || evidence.payments.length > 0) {
    const lines = evidence.payments.map(
      ({ record }) =>
        `${record.time} ${record.amount} ${record.currency} from ${record.payer.account} to ${record.payee.account}${record.channel === undefined ? '' : ` (${record.channel})`}`,
    );
    if (lines.length > 0) info.push(`Payments in the case (${lines.length}):\n${lines.join('\n')}`);
  }
  if (evidence.typologies.size > 0) info.push(`Typologies that alerted: ${[...evidence.typologies].join(', ')}.`);
  const additionalInfo = info.join('\n');
  if (characterCount(additionalInfo) > cybertipTextLimit)
    notes.push('The report’s additional information is longer than 3000 characters; its beginning is reported.');

  const ipCaptureEvents = subjectIpEvents(evidence, notes);
  const recipients = [
    ...new Set(
      evidence.chats
        .filter((event) => event.entities.user === evidence.subject.id)
        .map((event) => event.entities.recipient)
        .filter((id): id is string => id !== undefined),
    ),
  ].slice(0, 20);
  const when = incidentTime(evidence, known, notes);
  const escalate = known.decision.escalateToHighPriority?.trim();

  const report: CybertipReportInput = {
    incidentSummary: {
      incidentType,
      platform: filer.platform,
      ...(escalate === undefined || escalate === '' ? {} : { escalateToHighPriority: escalate }),
      ...(reportAnnotations.length > 0 ? { reportAnnotations } : {}),
      incidentDateTime: when.at,
      ...(when.description === undefined ? {} : { incidentDateTimeDescription: when.description }),
    },
    ...(internetDetails.length > 0 ? { internetDetails } : {}),
    reporter: {
      reportingPerson: filer.reportingPerson,
      ...(filer.contactPerson === undefined ? {} : { contactPerson: filer.contactPerson }),
      ...(filer.companyTemplate === undefined ? {} : { companyTemplate: filer.companyTemplate }),
      ...(filer.termsOfService === undefined ? {} : { termsOfService: filer.termsOfService }),
      ...(filer.legalUrl === undefined ? {} : { legalUrl: filer.legalUrl }),
    },
    personOrUserReported: {
      espIdentifier: evidence.subject.id,
      ...(filer.espService === undefined ? {} : { espService: filer.espService }),
      ...(ipCaptureEvents.length > 0 ? { ipCaptureEvents } : {}),
    },
    ...(recipients.length > 0
      ? {
          intendedRecipients: recipients.map((id) => ({
            espIdentifier: id,
            ...(filer.espService === undefined ? {} : { espService: filer.espService }),
          })),
        }
      : {}),
    additionalInfo: fitLongText(additionalInfo, cybertipTextLimit),
  };
  if (files.length === 0 && evidence.matches.length > 0)
    notes.push('The case holds hash matches but no file was given: the report carries no file.');

  parseCybertipReport(report, known.now);
  files.forEach((entry) => {
    parseCybertipFile(entry);
  });
  return { report, files, incidentType, notes };
}
