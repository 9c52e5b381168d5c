/**
 * Codes from FinCEN's SAR batch schema (`EFL_SARXBatchSchema.xsd` v1.2), with the names Prevail
 * configuration uses for them. Values are copied from the schema's enumerations; the test
 * suite validates built documents against the schema itself.
 */

/** `ActivityPartyTypeCode`: the role of a `Party` in an activity. */
export const partyTypeCodes = {
  transmitter: '35',
  transmitterContact: '37',
  filingInstitution: '30',
  contactOffice: '8',
  activityLocation: '34',
  subject: '33',
  accountInstitution: '41',
} as const;

/** `PrimaryRegulatorTypeCode` by name. */
export const primaryRegulatorCodes = {
  federal_reserve: '1',
  fdic: '2',
  ncua: '3',
  occ: '4',
  sec: '6',
  irs: '7',
  cftc: '9',
  fhfa: '13',
  not_applicable: '99',
} as const;

/** `OrganizationTypeID` (the filing institution's type) by name. */
export const institutionTypeCodes = {
  casino_card_club: '1',
  depository_institution: '2',
  insurance_company: '3',
  money_services_business: '4',
  securities_futures: '5',
  loan_or_finance_company: '11',
  housing_gse: '12',
  other: '999',
} as const;

/** `PartyIdentificationTypeCode` values Prevail writes. */
export const identificationTypeCodes = {
  ssnItin: '1',
  ein: '2',
  tin: '4',
  drivingLicence: '5',
  passport: '6',
  alienRegistration: '7',
  foreign: '9',
  transmitterControlCode: '28',
  internalControlNumber: '29',
  other: '999',
} as const;

/** `SuspiciousActivityTypeID` 9: "Other suspicious activities" (SAR field 38). */
export const otherSuspiciousActivityType = '9';

/** `SuspiciousActivitySubtypeID` values of type 9 that Prevail writes. */
export const suspiciousActivitySubtypes = {
  /** 38(h) Human trafficking. */
  humanTrafficking: '927',
  /** 38(z) Other (with `OtherSuspiciousActivityTypeText`). */
  other: '9999',
} as const;

/** `PartyAccountAssociationTypeCode`. */
export const accountAssociationCodes = {
  /** On the subject's `PartyAccountAssociation`: "Activity affected account". */
  activityAffectedAccount: '7',
  /** On each `Account`: "Institution in which account is held". */
  institutionHoldsAccount: '5',
} as const;

/**
 * Elements whose schema type requires a `SeqNum` attribute (every complex type of the SARX
 * schema except the batch root). Local names, without the `fc2:` prefix.
 */
export const sequencedElements: ReadonlySet<string> = new Set([
  'Activity',
  'ActivityAssociation',
  'ActivitySupportDocument',
  'Party',
  'PartyName',
  'Address',
  'PhoneNumber',
  'PartyIdentification',
  'OrganizationClassificationTypeSubtype',
  'PartyOccupationBusiness',
  'ElectronicAddress',
  'PartyAssociation',
  'PartyAccountAssociation',
  'Account',
  'SuspiciousActivity',
  'SuspiciousActivityClassification',
  'ActivityIPAddress',
  'CyberEventIndicators',
  'Assets',
  'AssetsAttribute',
  'ActivityNarrativeInformation',
]);

/** FinCEN's narrative: at most five blocks of 4,000 characters, 17,000 characters in all (the fifth block holds 1,000). */
export const narrativeBlockSize = 4000;
export const narrativeLimit = 17000;

/** Countries whose addresses FinCEN expects a state or province code for. */
export const countriesWithStates: ReadonlySet<string> = new Set(['US', 'CA', 'MX']);
