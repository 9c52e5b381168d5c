import { EngineError } from '../../core/index.js';
import type { CaseEvent, CaseFile } from '../report-transactions.js';
import { characterCount, fitLongText } from '../text-fitting.js';
import { parseCybertipFile } from './build-cybertip-file-details.js';
import { parseCybertipReport } from './build-cybertip-report.js';
import { actorRole, type CaseEvidence, caseEvidence, ipCaptureOf, validDateTime } from './cybertip-case-evidence.js';
import { type CaseFacts, type CybertipCaseFacts, parseCaseFacts } from './cybertip-case-facts.js';
import { fileInput, matchSummary, viewingStatement } from './cybertip-case-files.js';
import { chatAnnotations, chatIncident, chatReadiness, chatReportedAccount } from './cybertip-chat.js';
import type { CybertipConfig } from './cybertip-config.js';
import {
  type CybertipFileInput,
  type CybertipInternetDetail,
  type CybertipIpCaptureEvent,
  type CybertipReportInput,
  cybertipUrl,
} from './cybertip-schema.js';
import {
  type CybertipIncidentType,
  type CybertipReportAnnotation,
  cybertipReportAnnotations,
  cybertipTextLimit,
} from './cybertip-values.js';

const childPornography: CybertipIncidentType = 'Child Pornography (possession, manufacture, and distribution)';
const trafficking: CybertipIncidentType = 'Child Sex Trafficking';
const enticement: CybertipIncidentType = 'Online Enticement of Children for Sexual Acts';

/** A CyberTipline report assembled from a decided case, ready for the builders. */
export interface CybertipAssembly {
  readonly report: CybertipReportInput;
  /** One per `facts.files`, in the same order; empty for a text-only report. */
  readonly files: readonly CybertipFileInput[];
  readonly incidentType: CybertipIncidentType;
  /** What the assembly decided and why (incident type, clamps, cuts, what it left out), for the reviewer. */
  readonly notes: readonly string[];
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

function chooseIncidentType(evidence: CaseEvidence, facts: CaseFacts, notes: string[]): CybertipIncidentType {
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
  if (evidence.chat.messages.length > 0) {
    notes.push(
      `Incident type "${enticement}": ${evidence.chat.messages.length} chat message(s) (${evidence.chat.indicators.length} indicator hit(s)) and no file.`,
    );
    return enticement;
  }
  if (evidence.sextortion) {
    notes.push(
      `Incident type "${enticement}": a sextortion typology alerted (NCMEC counts sextortion as online enticement).`,
    );
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
function incidentTime(evidence: CaseEvidence, facts: CaseFacts, notes: string[]): { at: string; description?: string } {
  const evidenceTimes = [
    ...[...evidence.matches, ...evidence.payments.map((payment) => payment.event)].map((event) => event.time),
    ...evidence.chat.messages.map((message) => message.time),
  ];
  const span = earliestAndLatest(evidenceTimes) ?? earliestAndLatest(evidence.events.map((event) => event.time));
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

/**
 * Who the report names. Usually the case's subject is the reported account. When the
 * sextortion-victim typology alerted (and no offender typology), the subject is the victim: it
 * becomes the `victim` (with its own IP captures) and the account it paid most becomes the
 * reported account, the others it paid named in that section's additional information.
 */
function reportParties(
  evidence: CaseEvidence,
  filer: CybertipConfig,
  notes: string[],
): Pick<CybertipReportInput, 'personOrUserReported' | 'victims'> {
  const service = filer.espService === undefined ? {} : { espService: filer.espService };
  const ipCaptureEvents = subjectIpEvents(evidence, notes);
  const captures = ipCaptureEvents.length > 0 ? { ipCaptureEvents } : {};
  if (evidence.subject.type === 'dyad') {
    const reported = chatReportedAccount(evidence.subject, evidence.chat);
    notes.push(
      `The case is about the pair ${evidence.subject.id}: ${reported}, who sent the most indicator hits, is the reported account.`,
    );
    return { personOrUserReported: { espIdentifier: reported, ...service } };
  }
  if (!evidence.sextortionVictim || evidence.livestreamPayer)
    return { personOrUserReported: { espIdentifier: evidence.subject.id, ...service, ...captures } };
  const paid = new Map<string, number>();
  for (const { record } of evidence.payments)
    if (record.payer.account === evidence.subject.id)
      paid.set(record.payee.account, (paid.get(record.payee.account) ?? 0) + 1);
  const [reported, ...others] = [...paid].sort((a, b) => b[1] - a[1]).map(([account]) => account);
  notes.push(
    reported === undefined
      ? 'The subject is the victim of the sextortion-victim typology and paid no one in the case: the report names no reported account.'
      : `The subject is the victim of the sextortion-victim typology: reported as the victim; ${reported}, the account it paid most, as the reported account.`,
  );
  return {
    ...(reported === undefined
      ? {}
      : {
          personOrUserReported: {
            espIdentifier: reported,
            ...service,
            ...(others.length > 0
              ? {
                  additionalInfo: fitLongText(
                    `Other accounts the victim paid: ${others.join(', ')}.`,
                    cybertipTextLimit,
                  ),
                }
              : {}),
          },
        }),
    victims: [{ espIdentifier: evidence.subject.id, ...service, ...captures }],
  };
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
    const when =
      span === undefined
        ? ''
        : span.first === span.last
          ? ` at ${span.first}`
          : ` between ${span.first} and ${span.last}`;
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

/**
 * Assembles a CyberTipline report from a decided case: the case as the review module holds it
 * (`file`), the filer's configuration, and what the caller knows beyond the case (`facts`: the
 * clock, the reviewer's decision, each file with its viewing record from the reveal audit).
 *
 * Incident type (the reviewer's choice wins): a case of the OCSE live-stream payer typology that
 * holds payments → `Child Sex Trafficking` (payments listed, the payer's IP captures as
 * `Purchase`); hash-matched media or files → `Child Pornography (possession, manufacture, and
 * distribution)`; chat messages or indicators (`message.sent`, `chat.indicator`) and no file →
 * `Online Enticement of Children for Sexual Acts` with a `chatImIncident` (or an
 * `onlineGamingIncident`) listing message ids, times, parties and indicator families — never
 * message text — and no file (`cybertip-chat.ts`, which also sets `sextortion`,
 * `csamSolicitation` and `minorToMinorInteraction` from the chat); a sextortion typology alone →
 * online enticement too. A
 * sextortion typology adds the `sextortion` annotation (and, for the victim typology, names the
 * subject as the victim and the account it paid most as the reported account); a live-stream
 * match adds `liveStreaming` to its file and the stream's details to the report.
 *
 * `fileViewedByEsp` is copied from `facts.files[i].viewedByEsp`, never inferred; a report whose
 * files no person viewed, all hash-matched, says so (`hashMatchOnlyStatement`). Each file
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
  const known = parseCaseFacts(facts);
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
  if (evidence.chat.messages.length > 0) internetDetails.push(chatIncident(evidence.chat, filer.platform, notes));

  const chosen = new Set<string>(known.decision.annotations ?? []);
  if (evidence.sextortion) chosen.add('sextortion');
  for (const { annotation, reason } of chatAnnotations(evidence.chat, evidence.sextortion)) {
    if (!chosen.has(annotation)) notes.push(reason);
    chosen.add(annotation);
  }
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
  const senders = [
    ...new Set(evidence.chat.messages.map((message) => message.sender).filter((id) => id !== undefined)),
  ].filter((id) => id !== chatReportedAccount(evidence.subject, evidence.chat));
  if (senders.length > 0)
    info.push(
      `Other senders in the case's chat: ${senders.slice(0, 20).join(', ')}${senders.length > 20 ? ', …' : ''}.`,
    );
  const additionalInfo = info.join('\n');
  if (characterCount(additionalInfo) > cybertipTextLimit)
    notes.push('The report’s additional information is longer than 3000 characters; its beginning is reported.');

  const parties = reportParties(evidence, filer, notes);
  const recipients = [
    ...new Set(
      evidence.chat.messages
        .filter((message) => message.sender === chatReportedAccount(evidence.subject, evidence.chat))
        .map((message) => message.recipient)
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
    ...(parties.personOrUserReported === undefined ? {} : { personOrUserReported: parties.personOrUserReported }),
    ...(recipients.length > 0
      ? {
          intendedRecipients: recipients.map((id) => ({
            espIdentifier: id,
            ...(filer.espService === undefined ? {} : { espService: filer.espService }),
          })),
        }
      : {}),
    ...(parties.victims === undefined ? {} : { victims: parties.victims }),
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

/**
 * What a chat case still lacks before its CyberTipline report says all it could (message
 * recipients and senders, the subject as a party, a known minor recipient for photo or call
 * requests), each a sentence naming the missing thing; empty when nothing is missing, and one
 * sentence when the case holds no chat at all. Pure.
 */
export function cybertipChatReadiness(file: CaseFile): string[] {
  return chatReadiness(file.subject, caseEvidence(file).chat);
}
