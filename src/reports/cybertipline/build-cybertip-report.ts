import type { z } from 'zod';
import { describeIssueList, EngineError, type ValidationIssue } from '../../core/index.js';
import { element, optionalTextElement, textElement, writeXml, type XmlElement } from '../xml-writer.js';
import {
  deviceIdElement,
  estimatedLocationElement,
  ipCaptureEventElement,
  optionalBoolean,
  personElement,
  repeated,
} from './cybertip-elements.js';
import { type CybertipReportInput, cybertipReportSchema } from './cybertip-schema.js';
import { cybertipReportAnnotations } from './cybertip-values.js';

type Report = z.output<typeof cybertipReportSchema>;
type InternetDetail = NonNullable<Report['internetDetails']>[number];
type ReportedUser = NonNullable<Report['personOrUserReported']>;
type Recipient = NonNullable<Report['intendedRecipients']>[number];
type Victim = NonNullable<Report['victims']>[number];

/**
 * Validates a report input: the schema, then that `incidentDateTime` is before `now` (NCMEC
 * refuses an incident in the future; the builder reads no clock, so the caller says when now is).
 *
 * @throws EngineError `REQUEST_INVALID` naming every problem (`field.path: message; …`).
 */
export function parseCybertipReport(input: unknown, now: Date): Report {
  const parsed = cybertipReportSchema.safeParse(input);
  const issues: ValidationIssue[] = parsed.success ? [] : [...parsed.error.issues];
  const incident = (input as { incidentSummary?: { incidentDateTime?: unknown } } | null)?.incidentSummary
    ?.incidentDateTime;
  if (!Number.isFinite(now.getTime())) issues.push({ path: ['(now)'], message: 'is not a valid time' });
  else if (typeof incident === 'string' && Date.parse(incident) >= now.getTime())
    issues.push({
      path: ['incidentSummary', 'incidentDateTime'],
      message: `must be in the past (now is ${now.toISOString()})`,
    });
  if (!parsed.success || issues.length > 0)
    throw new EngineError(
      'REQUEST_INVALID',
      `CyberTipline report is invalid: ${describeIssueList(issues, '(report)').join('; ')}`,
    );
  return parsed.data;
}

function incidentSummary(summary: Report['incidentSummary']): XmlElement {
  const annotations = new Set(summary.reportAnnotations ?? []);
  return element('incidentSummary', [
    textElement('incidentType', summary.incidentType),
    optionalTextElement('platform', summary.platform),
    optionalTextElement('escalateToHighPriority', summary.escalateToHighPriority),
    annotations.size > 0 &&
      element(
        'reportAnnotations',
        cybertipReportAnnotations.filter((name) => annotations.has(name)).map((name) => element(name)),
      ),
    textElement('incidentDateTime', summary.incidentDateTime),
    optionalTextElement('incidentDateTimeDescription', summary.incidentDateTimeDescription),
  ]);
}

/** One `internetDetails` holding the chosen incident element, its children in sequence. */
function internetDetail(detail: InternetDetail): XmlElement {
  const incident = (() => {
    switch (detail.type) {
      case 'webPage':
        return element('webPageIncident', [
          optionalTextElement('url', detail.url),
          optionalTextElement('additionalInfo', detail.additionalInfo),
          optionalBoolean('thirdPartyHostedContent', detail.thirdPartyHostedContent),
        ]);
      case 'email':
        return element('emailIncident', [
          repeated('emailAddress', detail.emailAddresses),
          optionalTextElement('content', detail.content),
          optionalTextElement('additionalInfo', detail.additionalInfo),
        ]);
      case 'newsgroup':
        return element('newsgroupIncident', [
          optionalTextElement('name', detail.name),
          repeated('emailAddress', detail.emailAddresses),
          optionalTextElement('content', detail.content),
          optionalTextElement('additionalInfo', detail.additionalInfo),
        ]);
      case 'chatIm':
        return element('chatImIncident', [
          optionalTextElement('chatClient', detail.chatClient),
          optionalTextElement('chatRoomName', detail.chatRoomName),
          optionalTextElement('content', detail.content),
          optionalTextElement('additionalInfo', detail.additionalInfo),
        ]);
      case 'onlineGaming':
        return element('onlineGamingIncident', [
          optionalTextElement('gameName', detail.gameName),
          optionalTextElement('console', detail.console),
          optionalTextElement('content', detail.content),
          optionalTextElement('additionalInfo', detail.additionalInfo),
        ]);
      case 'peer2peer':
        return element('peer2peerIncident', [
          optionalTextElement('client', detail.client),
          (detail.ipCaptureEvents ?? []).map(ipCaptureEventElement),
          optionalTextElement('additionalInfo', detail.additionalInfo),
        ]);
    }
  })();
  return element('internetDetails', [incident]);
}

function lawEnforcement(section: NonNullable<Report['lawEnforcement']>): XmlElement {
  return element('lawEnforcement', [
    textElement('agencyName', section.agencyName),
    optionalTextElement('caseNumber', section.caseNumber),
    section.officerContact !== undefined && personElement('officerContact', section.officerContact),
    optionalBoolean('reportedToLe', section.reportedToLe),
    optionalBoolean('servedLegalProcessDomestic', section.servedLegalProcessDomestic),
    optionalBoolean('servedLegalProcessInternational', section.servedLegalProcessInternational),
  ]);
}

function reporter(section: Report['reporter']): XmlElement {
  return element('reporter', [
    personElement('reportingPerson', section.reportingPerson),
    section.contactPerson !== undefined && personElement('contactPerson', section.contactPerson),
    optionalTextElement('companyTemplate', section.companyTemplate),
    optionalTextElement('termsOfService', section.termsOfService),
    optionalTextElement('legalURL', section.legalUrl),
  ]);
}

/** The children every account section has between the person and the section's own fields. */
function accountIdentity(account: ReportedUser | Recipient | Victim): XmlElement[] {
  return [
    optionalTextElement('espIdentifier', account.espIdentifier),
    optionalTextElement('espService', account.espService),
  ].filter((node): node is XmlElement => node !== undefined);
}

function personOrUserReported(user: ReportedUser): XmlElement {
  return element('personOrUserReported', [
    user.person !== undefined && personElement('personOrUserReportedPerson', user.person),
    optionalTextElement('vehicleDescription', user.vehicleDescription),
    accountIdentity(user),
    optionalTextElement('screenName', user.screenName),
    repeated('displayName', user.displayNames),
    repeated('profileUrl', user.profileUrls),
    optionalTextElement('profileBio', user.profileBio),
    (user.ipCaptureEvents ?? []).map(ipCaptureEventElement),
    (user.deviceIds ?? []).map(deviceIdElement),
    optionalBoolean('thirdPartyUserReported', user.thirdPartyUserReported),
    repeated('priorCTReports', user.priorCtReports),
    optionalTextElement('groupIdentifier', user.groupIdentifier),
    optionalBoolean('accountTemporarilyDisabled', user.accountTemporarilyDisabled),
    optionalBoolean('accountPermanentlyDisabled', user.accountPermanentlyDisabled),
    user.estimatedLocation !== undefined && estimatedLocationElement(user.estimatedLocation),
    optionalTextElement('additionalInfo', user.additionalInfo),
  ]);
}

function intendedRecipient(recipient: Recipient): XmlElement {
  return element('intendedRecipient', [
    recipient.person !== undefined && personElement('intendedRecipientPerson', recipient.person),
    accountIdentity(recipient),
    optionalTextElement('screenName', recipient.screenName),
    repeated('displayName', recipient.displayNames),
    repeated('profileUrl', recipient.profileUrls),
    (recipient.ipCaptureEvents ?? []).map(ipCaptureEventElement),
    (recipient.deviceIds ?? []).map(deviceIdElement),
    repeated('priorCTReports', recipient.priorCtReports),
    optionalBoolean('accountTemporarilyDisabled', recipient.accountTemporarilyDisabled),
    optionalBoolean('accountPermanentlyDisabled', recipient.accountPermanentlyDisabled),
    recipient.estimatedLocation !== undefined && estimatedLocationElement(recipient.estimatedLocation),
    optionalTextElement('additionalInfo', recipient.additionalInfo),
  ]);
}

function victim(person: Victim): XmlElement {
  return element('victim', [
    person.person !== undefined && personElement('victimPerson', person.person),
    accountIdentity(person),
    optionalTextElement('screenName', person.screenName),
    repeated('displayName', person.displayNames),
    repeated('profileUrl', person.profileUrls),
    (person.ipCaptureEvents ?? []).map(ipCaptureEventElement),
    (person.deviceIds ?? []).map(deviceIdElement),
    optionalTextElement('schoolName', person.schoolName),
    repeated('priorCTReports', person.priorCtReports),
    person.estimatedLocation !== undefined && estimatedLocationElement(person.estimatedLocation),
    optionalTextElement('additionalInfo', person.additionalInfo),
  ]);
}

/**
 * Builds the CyberTipline `<report>` for `/submit`: `incidentSummary`, `internetDetails*`,
 * `lawEnforcement`, `reporter`, `personOrUserReported`, `intendedRecipient*`, `victim*`,
 * `additionalInfo`, each level in the XSD's sequence (NCMEC rejects a misordered element with
 * code 4100). Absent optional fields are left out, never written empty; report annotations are
 * written in the schema's order whatever order they were given in.
 *
 * Pure: reads only its arguments (`now` is the caller's clock, used only to refuse an incident in
 * the future), so the same input always gives the same bytes. The result is UTF-8 text ending
 * with a line feed: keep it exactly, it is what was reported.
 *
 * @throws EngineError `REQUEST_INVALID` naming every problem of the input (enumerations, lengths,
 *   URLs, the reporting person's email, an incident time not in the past, characters XML cannot
 *   carry such as NUL).
 */
export function buildCybertipReport(input: CybertipReportInput, options: { readonly now: Date }): string {
  const report = parseCybertipReport(input, options.now);
  return writeXml(
    element('report', [
      incidentSummary(report.incidentSummary),
      (report.internetDetails ?? []).map(internetDetail),
      report.lawEnforcement !== undefined && lawEnforcement(report.lawEnforcement),
      reporter(report.reporter),
      report.personOrUserReported !== undefined && personOrUserReported(report.personOrUserReported),
      (report.intendedRecipients ?? []).map(intendedRecipient),
      (report.victims ?? []).map(victim),
      optionalTextElement('additionalInfo', report.additionalInfo),
    ]),
  );
}
