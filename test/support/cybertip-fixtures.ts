/**
 * Synthetic CyberTipline documents for the submission tests: a `<report>` in the XSD's order that
 * the contract server accepts, one with two top-level elements swapped (4100), and a
 * `<fileDetails>` renderer. All data is plainly fake (example.org, "Test Person").
 */

/** A `<report>` the contract server accepts (a benign incident type, fake people). */
export function validReportXml(note = 'Synthetic test report.'): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<report>',
    '<incidentSummary><incidentType>Misleading Domain Name</incidentType><platform>Example Platform</platform>',
    '<incidentDateTime>2026-11-30T10:00:00Z</incidentDateTime></incidentSummary>',
    '<internetDetails><webPageIncident><url>https://example.org/page</url></webPageIncident></internetDetails>',
    '<reporter><reportingPerson><firstName>Test</firstName><lastName>Person</lastName>',
    '<email>trust-safety@example.org</email></reportingPerson></reporter>',
    '<personOrUserReported><espIdentifier>user-0001</espIdentifier><screenName>test-user</screenName>',
    '<ipCaptureEvent><ipAddress>192.0.2.10</ipAddress><eventName>Login</eventName></ipCaptureEvent>',
    '</personOrUserReported>',
    `<additionalInfo>${note}</additionalInfo>`,
    '</report>',
  ].join('');
}

/** The same report with `<reporter>` before `<incidentSummary>`: NCMEC answers 4100. */
export function misorderedReportXml(): string {
  return [
    '<report>',
    '<reporter><reportingPerson><firstName>Test</firstName><lastName>Person</lastName>',
    '<email>trust-safety@example.org</email></reportingPerson></reporter>',
    '<incidentSummary><incidentType>Misleading Domain Name</incidentType>',
    '<incidentDateTime>2026-11-30T10:00:00Z</incidentDateTime></incidentSummary>',
    '</report>',
  ].join('');
}

/** The test plans' file details: whether a person viewed the file. */
export interface TestFileDetails {
  readonly viewed: boolean;
  readonly originalName: string;
}

/** Renders test details into `<fileDetails>` in the XSD's order. */
export function renderTestFileDetails(details: unknown, ids: { reportId: string; fileId: string }): string {
  const { viewed, originalName } = details as TestFileDetails;
  return [
    '<fileDetails>',
    `<reportId>${ids.reportId}</reportId>`,
    `<fileId>${ids.fileId}</fileId>`,
    `<originalFileName>${originalName}</originalFileName>`,
    `<fileViewedByEsp>${viewed}</fileViewedByEsp>`,
    '<exifViewedByEsp>false</exifViewedByEsp>',
    '<fileRelevance>Reported</fileRelevance>',
    '</fileDetails>',
  ].join('');
}
