/**
 * The CyberTipline XSD sequences, transcribed once from `shared/notes/ncmec-cybertipline.md` §3–§4
 * (and its 'Shared types'), independently of the builder: the builder's order tests and the
 * contract server both check against this table. A misordered child is NCMEC's code 4100.
 * `required` and `repeats` are marked where the note says so for the elements the contract
 * server checks; elsewhere only the order is transcribed.
 */

/** One element of a sequence: its name, whether required, whether it may repeat. */
export interface SequenceItem {
  readonly name: string;
  readonly required?: boolean;
  readonly repeats?: boolean;
}

/** `name!` is required, `name*` repeats. */
function sequence(...names: string[]): SequenceItem[] {
  return names.map((entry) => {
    const name = entry.replace(/[!*]/g, '');
    return { name, required: entry.includes('!'), repeats: entry.includes('*') };
  });
}

const person = sequence('firstName', 'lastName', 'phone', 'email', 'address', 'age', 'dateOfBirth');

/** Each element's children in XSD order, by element name. */
export const cybertipSequences: Readonly<Record<string, readonly SequenceItem[]>> = {
  report: sequence(
    'incidentSummary!',
    'internetDetails*',
    'lawEnforcement',
    'reporter!',
    'personOrUserReported',
    'intendedRecipient*',
    'victim*',
    'additionalInfo',
  ),
  incidentSummary: sequence(
    'incidentType!',
    'platform',
    'escalateToHighPriority',
    'reportAnnotations',
    'incidentDateTime!',
    'incidentDateTimeDescription',
  ),
  reportAnnotations: sequence('sextortion', 'csamSolicitation', 'minorToMinorInteraction', 'spam'),
  webPageIncident: sequence('url', 'additionalInfo', 'thirdPartyHostedContent'),
  emailIncident: sequence('emailAddress', 'content', 'additionalInfo'),
  newsgroupIncident: sequence('name', 'emailAddress', 'content', 'additionalInfo'),
  chatImIncident: sequence('chatClient', 'chatRoomName', 'content', 'additionalInfo'),
  onlineGamingIncident: sequence('gameName', 'console', 'content', 'additionalInfo'),
  peer2peerIncident: sequence('client', 'ipCaptureEvent', 'additionalInfo'),
  lawEnforcement: sequence(
    'agencyName',
    'caseNumber',
    'officerContact',
    'reportedToLe',
    'servedLegalProcessDomestic',
    'servedLegalProcessInternational',
  ),
  reporter: sequence('reportingPerson!', 'contactPerson', 'companyTemplate', 'termsOfService', 'legalURL'),
  personOrUserReported: sequence(
    'personOrUserReportedPerson',
    'vehicleDescription',
    'espIdentifier',
    'espService',
    'compromisedAccount',
    'screenName',
    'displayName*',
    'profileUrl*',
    'profileBio',
    'ipCaptureEvent*',
    'deviceId*',
    'thirdPartyUserReported',
    'priorCTReports*',
    'groupIdentifier',
    'accountTemporarilyDisabled',
    'accountPermanentlyDisabled',
    'estimatedLocation',
    'allEmailsReported',
    'associatedAccount',
    'additionalInfo',
  ),
  intendedRecipient: sequence(
    'intendedRecipientPerson',
    'espIdentifier',
    'espService',
    'screenName',
    'displayName',
    'profileUrl',
    'ipCaptureEvent',
    'deviceId',
    'priorCTReports',
    'accountTemporarilyDisabled',
    'accountPermanentlyDisabled',
    'estimatedLocation',
    'additionalInfo',
  ),
  victim: sequence(
    'victimPerson',
    'espIdentifier',
    'espService',
    'screenName',
    'displayName',
    'profileUrl',
    'ipCaptureEvent',
    'deviceId',
    'schoolName',
    'priorCTReports',
    'estimatedLocation',
    'additionalInfo',
  ),
  reportingPerson: person,
  contactPerson: person,
  officerContact: person,
  personOrUserReportedPerson: person,
  intendedRecipientPerson: person,
  victimPerson: person,
  ipCaptureEvent: sequence('ipAddress', 'eventName', 'dateTime', 'possibleProxy', 'port'),
  deviceId: sequence('idType', 'idValue', 'eventName', 'dateTime'),
  estimatedLocation: sequence('city', 'region', 'countryCode', 'verified', 'timestamp'),
  fileDetails: sequence(
    'reportId!',
    'fileId!',
    'fileName',
    'originalFileName',
    'uploadedToEspTimestamp',
    'locationOfFile',
    'fileViewedByEsp',
    'exifViewedByEsp',
    'publiclyAvailable',
    'fileRelevance',
    'fileAnnotations',
    'industryClassification',
    'originalFileHash*',
    'ipCaptureEvent',
    'deviceId*',
    'details*',
    'additionalInfo*',
  ),
  fileAnnotations: sequence(
    'animeDrawingVirtualHentai',
    'potentialMeme',
    'viral',
    'possibleSelfProduction',
    'physicalHarm',
    'violenceGore',
    'bestiality',
    'liveStreaming',
    'infant',
    'generativeAi',
  ),
  details: sequence('nameValuePair'),
  nameValuePair: sequence('name', 'value'),
};
