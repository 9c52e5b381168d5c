import { z } from 'zod';
import { unwritableCharacter } from '../../xml/index.js';
import { characterCount } from '../text-fitting.js';
import {
  cybertipDetailTypes,
  cybertipEmailTypes,
  cybertipEventNames,
  cybertipFileAnnotations,
  cybertipFileRelevances,
  cybertipHashTypes,
  cybertipIncidentTypes,
  cybertipIndustryClassifications,
  cybertipPhoneTypes,
  cybertipReportAnnotations,
  cybertipTextLimit,
} from './cybertip-values.js';

/**
 * The zod schemas of a CyberTipline report and of one file's details: what a caller hands the
 * builders, checked field by field so that every problem is named at once (NCMEC names only the
 * first, with code 4100, after the report was sent). Plain data only (strings, numbers,
 * booleans, arrays): a file's input is stored as JSON by the submitter and rendered after the
 * upload, when NCMEC has given the report and file ids.
 */

/** Text that XML can carry: not blank, at most `limit` characters (code points), no control character but tab and line breaks. */
export function cybertipText(limit = cybertipTextLimit) {
  return z
    .string()
    .refine((value) => value.trim() !== '', 'must not be blank')
    .refine((value) => characterCount(value) <= limit, `at most ${limit} characters`)
    .refine((value) => unwritableCharacter(value) === undefined, {
      error: (issue) => `holds ${unwritableCharacter(String(issue.input))}, which XML cannot carry`,
    });
}

/** A short token (an id, a code): no whitespace or control characters at all. */
function token(limit: number) {
  return z
    .string()
    .regex(new RegExp(`^[^\\s\\p{Cc}]{1,${limit}}$`, 'u'), `expected 1 to ${limit} characters, no spaces`);
}

/** A URL as NCMEC accepts it: a scheme, and no whitespace or control characters anywhere (→ 4100 otherwise). */
export const cybertipUrl = z
  .string()
  .max(2048, 'at most 2048 characters')
  .regex(
    /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\p{Cc}]+$/u,
    'expected a URL with a scheme and no whitespace or control characters',
  );

/** An ISO-8601 date and time with a UTC offset (or `Z`), not before 1970. */
export const cybertipDateTime = z.iso
  .datetime({ offset: true, message: 'expected an ISO-8601 date and time with an offset, e.g. 2026-11-30T10:00:00Z' })
  .refine((value) => Date.parse(value) >= 0, 'must not be before 1970');

const emailAddress = z.email('expected an email address').max(254);
const phone = z.strictObject({
  number: token(30),
  type: z.enum(cybertipPhoneTypes).optional(),
  verified: z.boolean().optional(),
  verificationDate: cybertipDateTime.optional(),
  countryCallingCode: z
    .string()
    .regex(/^\+?[0-9]{1,4}$/, 'expected a country calling code such as +1')
    .optional(),
  extension: z
    .string()
    .regex(/^[0-9]{1,10}$/, 'expected digits')
    .optional(),
});
const email = z.strictObject({
  address: emailAddress,
  type: z.enum(cybertipEmailTypes).optional(),
  verified: z.boolean().optional(),
  verificationDate: cybertipDateTime.optional(),
});
const address = z.strictObject({
  type: cybertipText(50).optional(),
  address: cybertipText(255).optional(),
  city: cybertipText(255).optional(),
  zipCode: cybertipText(20).optional(),
  state: cybertipText(50).optional(),
  nonUsaState: cybertipText(255).optional(),
  country: cybertipText(50).optional(),
});

const contactPersonShape = {
  firstName: cybertipText(255).optional(),
  lastName: cybertipText(255).optional(),
  phones: z.array(phone).max(20).optional(),
  emails: z.array(email).max(20).optional(),
  addresses: z.array(address).max(20).optional(),
};
/** A person to contact (reporter, law enforcement officer): no age or birth date. */
const contactPerson = z.strictObject(contactPersonShape);
/** A person the report is about (reported user, recipient, victim). */
const person = z.strictObject({
  ...contactPersonShape,
  age: z.number().int().min(0).max(130).optional(),
  dateOfBirth: z.iso.date('expected YYYY-MM-DD').optional(),
});

/** An IP address seen at an event, as `ipCaptureEvent` carries it. */
export const cybertipIpCaptureEvent = z.strictObject({
  ipAddress: z.union([z.ipv4(), z.ipv6()], 'expected an IPv4 or IPv6 address'),
  eventName: z.enum(cybertipEventNames).optional(),
  dateTime: cybertipDateTime.optional(),
  possibleProxy: z.boolean().optional(),
  port: z.number().int().min(0).max(65_535).optional(),
});
const deviceId = z.strictObject({
  idType: cybertipText(50),
  idValue: cybertipText(255),
  eventName: z.enum(cybertipEventNames).optional(),
  dateTime: cybertipDateTime.optional(),
});
const estimatedLocation = z.strictObject({
  city: cybertipText(255).optional(),
  region: cybertipText(255).optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as US'),
  verified: z.boolean().optional(),
  timestamp: cybertipDateTime.optional(),
});
const priorReports = z.array(z.string().regex(/^[0-9]{1,20}$/, 'expected a CyberTipline report id (digits)')).max(100);
const freeText = cybertipText();
const shortText = cybertipText(255);
const manyTexts = z.array(shortText).max(100);
const manyUrls = z.array(cybertipUrl).max(100);

const incidentSummary = z.strictObject({
  incidentType: z.enum(cybertipIncidentTypes),
  platform: shortText.optional(),
  /** A reason for urgency (e.g. imminent risk to a child): supplying it escalates the report. */
  escalateToHighPriority: freeText.optional(),
  reportAnnotations: z.array(z.enum(cybertipReportAnnotations)).max(cybertipReportAnnotations.length).optional(),
  /** When the incident happened; NCMEC refuses a time in the future (checked against the caller's `now`). */
  incidentDateTime: cybertipDateTime,
  incidentDateTimeDescription: freeText.optional(),
});

/** One `internetDetails`: where the incident happened (one choice per entry). */
const internetDetail = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webPage'),
    url: cybertipUrl.optional(),
    additionalInfo: freeText.optional(),
    thirdPartyHostedContent: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('email'),
    emailAddresses: z.array(emailAddress).max(100).optional(),
    content: freeText.optional(),
    additionalInfo: freeText.optional(),
  }),
  z.strictObject({
    type: z.literal('newsgroup'),
    name: shortText.optional(),
    emailAddresses: z.array(emailAddress).max(100).optional(),
    content: freeText.optional(),
    additionalInfo: freeText.optional(),
  }),
  z.strictObject({
    type: z.literal('chatIm'),
    chatClient: shortText.optional(),
    chatRoomName: shortText.optional(),
    content: freeText.optional(),
    additionalInfo: freeText.optional(),
  }),
  z.strictObject({
    type: z.literal('onlineGaming'),
    gameName: shortText.optional(),
    console: shortText.optional(),
    content: freeText.optional(),
    additionalInfo: freeText.optional(),
  }),
  z.strictObject({
    type: z.literal('peer2peer'),
    client: shortText.optional(),
    ipCaptureEvents: z.array(cybertipIpCaptureEvent).max(1000).optional(),
    additionalInfo: freeText.optional(),
  }),
]);

const lawEnforcement = z.strictObject({
  agencyName: shortText,
  caseNumber: shortText.optional(),
  officerContact: contactPerson.optional(),
  reportedToLe: z.boolean().optional(),
  servedLegalProcessDomestic: z.boolean().optional(),
  servedLegalProcessInternational: z.boolean().optional(),
});

const reporter = z.strictObject({
  /** Who files: an email is required (NCMEC sends its receipt there). */
  reportingPerson: contactPerson.extend({
    emails: z.array(email).min(1, 'the reporting person needs an email').max(20),
  }),
  /** Whom law enforcement should contact, when not the reporting person. */
  contactPerson: contactPerson.optional(),
  companyTemplate: freeText.optional(),
  termsOfService: freeText.optional(),
  legalUrl: cybertipUrl.optional(),
});

/** What the three account sections (reported user, intended recipient, victim) share. */
const accountShape = {
  person: person.optional(),
  espIdentifier: shortText.optional(),
  espService: shortText.optional(),
  screenName: shortText.optional(),
  displayNames: manyTexts.optional(),
  profileUrls: manyUrls.optional(),
  ipCaptureEvents: z.array(cybertipIpCaptureEvent).max(1000).optional(),
  deviceIds: z.array(deviceId).max(100).optional(),
  priorCtReports: priorReports.optional(),
  estimatedLocation: estimatedLocation.optional(),
  additionalInfo: freeText.optional(),
};

const personOrUserReported = z.strictObject({
  ...accountShape,
  vehicleDescription: shortText.optional(),
  profileBio: freeText.optional(),
  thirdPartyUserReported: z.boolean().optional(),
  groupIdentifier: shortText.optional(),
  accountTemporarilyDisabled: z.boolean().optional(),
  accountPermanentlyDisabled: z.boolean().optional(),
});

const intendedRecipient = z.strictObject({
  ...accountShape,
  accountTemporarilyDisabled: z.boolean().optional(),
  accountPermanentlyDisabled: z.boolean().optional(),
});

const victim = z.strictObject({ ...accountShape, schoolName: shortText.optional() });

/** The `<report>` of `/submit`. */
export const cybertipReportSchema = z.strictObject({
  incidentSummary,
  internetDetails: z.array(internetDetail).max(100).optional(),
  lawEnforcement: lawEnforcement.optional(),
  reporter,
  personOrUserReported: personOrUserReported.optional(),
  intendedRecipients: z.array(intendedRecipient).max(100).optional(),
  victims: z.array(victim).max(100).optional(),
  additionalInfo: freeText.optional(),
});

/** A CyberTipline report as the builder takes it (plain, JSON-ready data; see `cybertipReportSchema`). */
export type CybertipReportInput = z.input<typeof cybertipReportSchema>;
/** One `internetDetails` entry (`type` chooses the element). */
export type CybertipInternetDetail = z.input<typeof internetDetail>;
/** A person in a report (`Person` of the schema). */
export type CybertipPerson = z.input<typeof person>;
/** An `ipCaptureEvent`. */
export type CybertipIpCaptureEvent = z.input<typeof cybertipIpCaptureEvent>;
/** The reported user's section. */
export type CybertipReportedUser = z.input<typeof personOrUserReported>;

/** One `originalFileHash`: the file's hash when the user uploaded it, before any change by the platform. */
const originalFileHash = z.strictObject({
  hashType: z.enum(cybertipHashTypes),
  value: z.string().regex(/^[0-9A-Za-z+/=_-]{1,64}$/, 'expected a hash value of at most 64 characters'),
});

/** One `details` group: name–value pairs of one kind (EXIF tags, or hashes NCMEC has no field for). */
const fileDetail = z.strictObject({
  type: z.enum(cybertipDetailTypes).optional(),
  pairs: z
    .array(z.strictObject({ name: cybertipText(64), value: freeText }))
    .min(1)
    .max(500),
});

/**
 * One file's `<fileDetails>` (`/fileinfo`), without the ids NCMEC assigns at upload.
 * `fileViewedByEsp` is required and never defaulted: it decides whether law enforcement may open
 * the file without a warrant (United States v. Wilson, 2021), so it must come from the reveal
 * audit, not from a guess.
 */
export const cybertipFileSchema = z.strictObject({
  fileName: cybertipText(255),
  originalFileName: cybertipText(255).optional(),
  uploadedToEspTimestamp: cybertipDateTime.optional(),
  locationOfFile: cybertipUrl.optional(),
  fileViewedByEsp: z.boolean(),
  exifViewedByEsp: z.boolean().optional(),
  publiclyAvailable: z.boolean().optional(),
  fileRelevance: z.enum(cybertipFileRelevances),
  fileAnnotations: z.array(z.enum(cybertipFileAnnotations)).max(cybertipFileAnnotations.length).optional(),
  industryClassification: z.enum(cybertipIndustryClassifications).optional(),
  originalFileHashes: z.array(originalFileHash).max(20).optional(),
  ipCaptureEvent: cybertipIpCaptureEvent.optional(),
  deviceIds: z.array(deviceId).max(100).optional(),
  details: z.array(fileDetail).max(20).optional(),
  additionalInfo: z.array(freeText).max(20).optional(),
});

/** One file's details as the builder takes them (JSON-ready: the submitter stores it until the upload). */
export type CybertipFileInput = z.input<typeof cybertipFileSchema>;

/** The ids NCMEC gave the report (`/submit`) and the file (`/upload`). */
export const cybertipFileIdsSchema = z.strictObject({ reportId: token(64), fileId: token(128) });
