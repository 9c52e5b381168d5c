/**
 * The closed value lists of NCMEC's CyberTipline report schema, spelled exactly as the schema
 * spells them (the NCMEC note, §3–§4, transcribed from public client code: NCMEC publishes the
 * authoritative XSD only behind its API). A value outside these lists is refused before any XML
 * is written, because NCMEC rejects the whole report (code 4100) for one wrong enumeration.
 */

/** `incidentSummary/incidentType`: what the report is about (one per report). */
export const cybertipIncidentTypes = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
] as const;
export type CybertipIncidentType = (typeof cybertipIncidentTypes)[number];

/** `incidentSummary/reportAnnotations` tags, written as empty elements in this order. */
export const cybertipReportAnnotations = ['sextortion', 'csamSolicitation', 'minorToMinorInteraction', 'spam'] as const;
export type CybertipReportAnnotation = (typeof cybertipReportAnnotations)[number];

/** `fileDetails/fileAnnotations` tags, written as empty elements in this order. */
export const cybertipFileAnnotations = [
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
] as const;
export type CybertipFileAnnotation = (typeof cybertipFileAnnotations)[number];

/** The Tech Coalition industry classification of a file (A1, A2, B1, B2). */
export const cybertipIndustryClassifications = ['A1', 'A2', 'B1', 'B2'] as const;
export type CybertipIndustryClassification = (typeof cybertipIndustryClassifications)[number];

/** `eventName` of an `ipCaptureEvent` or a `deviceId`. */
export const cybertipEventNames = ['Login', 'Registration', 'Purchase', 'Upload', 'Other', 'Unknown'] as const;
export type CybertipEventName = (typeof cybertipEventNames)[number];

/** `fileDetails/fileRelevance`: the reported file itself, or supporting material (a screenshot). */
export const cybertipFileRelevances = ['Reported', 'Supplemental Reported'] as const;

/** `originalFileHash/@hashType` values Prevail writes (the hashes it computes). */
export const cybertipHashTypes = ['MD5', 'SHA1', 'SHA256', 'PDQ'] as const;
export type CybertipHashType = (typeof cybertipHashTypes)[number];

/** `details/@type`: what a group of name–value pairs describes. */
export const cybertipDetailTypes = ['EXIF', 'HASH'] as const;

/** `phone/@type`. */
export const cybertipPhoneTypes = ['Mobile', 'Home', 'Business', 'Work', 'Fax', 'Internet'] as const;

/** `email/@type`. */
export const cybertipEmailTypes = ['Home', 'Work', 'Business'] as const;

/** The longest free text NCMEC accepts in a field (escalation reason, terms of service, additional info). */
export const cybertipTextLimit = 3000;
