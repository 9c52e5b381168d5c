import type { FincenFiler, IdentityDocument, PostalAddress, ReportSubject } from '../report-case.js';
import { firstCharacters } from '../text-fitting.js';
import type { XmlElement } from '../xml-writer.js';
import {
  accountAssociationCodes,
  countriesWithStates,
  identificationTypeCodes,
  institutionTypeCodes,
  partyTypeCodes,
  primaryRegulatorCodes,
} from './fincen-codes.js';
import type { FincenConfig } from './fincen-config.js';
import { fincenDate, fincenElement, fincenField, fincenText, indicator, lettersAndDigits } from './fincen-elements.js';

/** Elements of FinCEN's `PartyType` in schema order (they are written in this order whatever their source). */
const partyFieldOrder = [
  'ActivityPartyTypeCode',
  'BirthDateUnknownIndicator',
  'BothPurchaserSenderPayeeReceiveIndicator',
  'FemaleGenderIndicator',
  'IndividualBirthDateText',
  'MaleGenderIndicator',
  'NoBranchActivityInvolvedIndicator',
  'NoKnownAccountInvolvedIndicator',
  'PayeeReceiverIndicator',
  'PayLocationIndicator',
  'PrimaryRegulatorTypeCode',
  'PurchaserSenderIndicator',
  'SellingLocationIndicator',
  'SellingPayingLocationIndicator',
  'UnknownGenderIndicator',
] as const;

type PartyField = (typeof partyFieldOrder)[number];

/** A `Party`: its own fields (put in schema order) followed by its child elements (already in order). */
function party(fields: Partial<Record<PartyField, string>>, children: readonly (XmlElement | undefined)[]): XmlElement {
  return fincenElement('Party', [
    partyFieldOrder.map((name) => {
      const value = fields[name];
      return value === undefined ? undefined : fincenText(name, value);
    }),
    children,
  ]);
}

/** An organisation's legal name (`PartyNameTypeCode` L, `RawPartyFullName`). */
function organisationName(name: string): XmlElement {
  return fincenElement('PartyName', [fincenText('PartyNameTypeCode', 'L'), fincenField('RawPartyFullName', name, 150)]);
}

/**
 * A `PhoneNumber`: digits only, at most 16 (a foreign number keeps its country prefix, a US one
 * does not), with the extension when given.
 */
function phoneNumber(digits: string, extension?: string): XmlElement {
  return fincenElement('PhoneNumber', [
    fincenField('PhoneNumberExtensionText', extension, 6),
    fincenText('PhoneNumberText', firstCharacters(lettersAndDigits(digits), 16)),
  ]);
}

/**
 * An `Address`. Fields the address lacks get their "unknown" indicator when `markUnknown` (subjects);
 * the state's only when the country is the US, Canada or Mexico.
 */
function address(value: Partial<PostalAddress>, markUnknown: boolean): XmlElement {
  const zip = value.postalCode === undefined ? undefined : firstCharacters(lettersAndDigits(value.postalCode), 9);
  const wantsState = value.country === undefined || countriesWithStates.has(value.country);
  return fincenElement('Address', [
    indicator('CityUnknownIndicator', markUnknown && value.city === undefined),
    indicator('CountryCodeUnknownIndicator', markUnknown && value.country === undefined),
    fincenField('RawCityText', value.city, 50),
    fincenField('RawCountryCodeText', value.country, 2),
    fincenField('RawStateCodeText', value.state, 3),
    fincenField('RawStreetAddress1Text', value.street, 100),
    zip === undefined || zip === '' ? undefined : fincenText('RawZIPCode', zip),
    indicator('StateCodeUnknownIndicator', markUnknown && wantsState && value.state === undefined),
    indicator('StreetAddressUnknownIndicator', markUnknown && value.street === undefined),
    indicator('ZIPCodeUnknownIndicator', markUnknown && zip === undefined),
  ]);
}

/**
 * A `PartyIdentification` with a number and a type code. TINs and control codes are written
 * without punctuation (`00-0000001` → `000000001`); other numbers as given, on one line.
 */
function identification(number: string, typeCode: string, keepPunctuation = false): XmlElement {
  return fincenElement('PartyIdentification', [
    keepPunctuation
      ? fincenField('PartyIdentificationNumberText', number, 25)
      : fincenText('PartyIdentificationNumberText', firstCharacters(lettersAndDigits(number), 25)),
    fincenText('PartyIdentificationTypeCode', typeCode),
  ]);
}

const filerTinTypeCodes = {
  ein: identificationTypeCodes.ein,
  ssn_itin: identificationTypeCodes.ssnItin,
  foreign: identificationTypeCodes.foreign,
} as const;

function organisationClassification(config: FincenConfig): XmlElement {
  return fincenElement('OrganizationClassificationTypeSubtype', [
    fincenText('OrganizationTypeID', institutionTypeCodes[config.filer.institutionType]),
    config.filer.institutionType === 'other' &&
      fincenField('OtherOrganizationTypeText', config.filer.otherInstitutionTypeText, 50),
  ]);
}

/** Party 35: the transmitter (name, address, phone, TIN and Transmitter Control Code). */
export function transmitterParty(config: FincenConfig): XmlElement {
  const { transmitter } = config;
  return party({ ActivityPartyTypeCode: partyTypeCodes.transmitter }, [
    organisationName(transmitter.name),
    address(transmitter.address, false),
    phoneNumber(transmitter.phone),
    identification(transmitter.tin, identificationTypeCodes.tin),
    identification(transmitter.tcc, identificationTypeCodes.transmitterControlCode),
  ]);
}

/** Party 37: the person to contact at the transmitter. */
export function transmitterContactParty(config: FincenConfig): XmlElement {
  return party({ ActivityPartyTypeCode: partyTypeCodes.transmitterContact }, [
    organisationName(config.transmitter.contactName),
  ]);
}

/**
 * Party 30: the filing institution (regulator, legal name, address, TIN, the case id as its
 * internal control number, institution type).
 */
export function filingInstitutionParty(filer: FincenFiler, caseId: string, config: FincenConfig): XmlElement {
  return party(
    {
      ActivityPartyTypeCode: partyTypeCodes.filingInstitution,
      PrimaryRegulatorTypeCode: primaryRegulatorCodes[config.filer.primaryRegulator],
    },
    [
      organisationName(filer.name),
      address(filer.address, false),
      identification(filer.tin, filerTinTypeCodes[filer.tinType]),
      identification(caseId, identificationTypeCodes.internalControlNumber, true),
      organisationClassification(config),
    ],
  );
}

/** Party 8: the filer's contact office and its phone. */
export function contactOfficeParty(filer: FincenFiler): XmlElement {
  return party({ ActivityPartyTypeCode: partyTypeCodes.contactOffice }, [
    organisationName(filer.contactOffice.name),
    phoneNumber(filer.contactOffice.phone, filer.contactOffice.phoneExtension),
  ]);
}

/**
 * Party 34: the institution where the activity occurred — the filer itself, with no branch
 * involved (online payments) and, for a money services business, its selling/paying role.
 */
export function activityLocationParty(filer: FincenFiler, config: FincenConfig): XmlElement {
  const role = config.locationRole;
  return party(
    {
      ActivityPartyTypeCode: partyTypeCodes.activityLocation,
      NoBranchActivityInvolvedIndicator: 'Y',
      PrimaryRegulatorTypeCode: primaryRegulatorCodes[config.filer.primaryRegulator],
      ...(role === 'paying' ? { PayLocationIndicator: 'Y' } : {}),
      ...(role === 'selling' ? { SellingLocationIndicator: 'Y' } : {}),
      ...(role === 'selling_and_paying' ? { SellingPayingLocationIndicator: 'Y' } : {}),
    },
    [
      organisationName(filer.name),
      address(filer.address, false),
      identification(filer.tin, filerTinTypeCodes[filer.tinType]),
      organisationClassification(config),
    ],
  );
}

/** A subject's identity document as a `PartyIdentification` (passport 6, driving licence 5, residence permit 7, others 999 with a description). */
function identityDocument(document: IdentityDocument): XmlElement {
  const typeCode =
    document.type === 'passport'
      ? identificationTypeCodes.passport
      : document.type === 'driving_licence'
        ? identificationTypeCodes.drivingLicence
        : document.type === 'residence_permit'
          ? identificationTypeCodes.alienRegistration
          : identificationTypeCodes.other;
  const otherText =
    typeCode === identificationTypeCodes.other
      ? document.type === 'national_id'
        ? 'National identity card'
        : (document.description ?? 'Identity document')
      : undefined;
  return fincenElement('PartyIdentification', [
    fincenField('OtherIssuerCountryText', document.issuingCountry, 2),
    fincenField('OtherIssuerStateText', document.issuingState, 3),
    fincenField('OtherPartyIdentificationTypeText', otherText, 50),
    fincenField('PartyIdentificationNumberText', document.number, 25),
    fincenText('PartyIdentificationTypeCode', typeCode),
  ]);
}

/** How a subject took part in the suspicious payments (SAR item "subject's role"). */
export interface SubjectRole {
  readonly sender: boolean;
  readonly receiver: boolean;
}

/**
 * Party 33: a subject — role, birth date and gender (or their "unknown" indicators), legal
 * name, address (country of residence at least, missing parts marked unknown), phone, TIN (or
 * TIN unknown), identity document, occupation, email, and the accounts with numbers as accounts
 * held at the filing institution (otherwise "no known account involved").
 */
export function subjectParty(subject: ReportSubject, role: SubjectRole, filer: FincenFiler, field: string): XmlElement {
  const { person } = subject;
  const numbers = subject.accounts.flatMap((account) => (account.number === undefined ? [] : [account.number]));
  const phone =
    person.phone === undefined
      ? undefined
      : phoneNumber(
          person.phone.countryPrefix === '1'
            ? person.phone.number
            : `${person.phone.countryPrefix}${person.phone.number}`,
          person.phone.extension,
        );
  return party(
    {
      ActivityPartyTypeCode: partyTypeCodes.subject,
      ...(person.birthDate === undefined
        ? { BirthDateUnknownIndicator: 'Y' }
        : { IndividualBirthDateText: fincenDate(person.birthDate, `${field}.birthDate`) }),
      ...(role.sender && role.receiver ? { BothPurchaserSenderPayeeReceiveIndicator: 'Y' } : {}),
      ...(role.sender && !role.receiver ? { PurchaserSenderIndicator: 'Y' } : {}),
      ...(role.receiver && !role.sender ? { PayeeReceiverIndicator: 'Y' } : {}),
      ...(person.gender === 'female' ? { FemaleGenderIndicator: 'Y' } : {}),
      ...(person.gender === 'male' ? { MaleGenderIndicator: 'Y' } : {}),
      ...(person.gender === undefined ? { UnknownGenderIndicator: 'Y' } : {}),
      ...(numbers.length === 0 ? { NoKnownAccountInvolvedIndicator: 'Y' } : {}),
    },
    [
      fincenElement('PartyName', [
        fincenText('PartyNameTypeCode', 'L'),
        fincenField('RawEntityIndividualLastName', person.lastName, 150),
        fincenField('RawIndividualFirstName', person.firstName, 35),
        fincenField('RawIndividualMiddleName', person.middleName, 35),
      ]),
      address(person.address ?? { country: person.country }, true),
      phone,
      person.taxIdNumber !== undefined
        ? identification(person.taxIdNumber, identificationTypeCodes.ssnItin)
        : fincenElement('PartyIdentification', [fincenText('TINUnknownIndicator', 'Y')]),
      person.idDocument === undefined ? undefined : identityDocument(person.idDocument),
      person.occupation === undefined
        ? undefined
        : fincenElement('PartyOccupationBusiness', [fincenField('OccupationBusinessText', person.occupation, 50)]),
      person.email === undefined
        ? undefined
        : fincenElement('ElectronicAddress', [
            fincenField('ElectronicAddressText', person.email, 517),
            fincenText('ElectronicAddressTypeCode', 'E'),
          ]),
      numbers.length === 0
        ? undefined
        : fincenElement('PartyAccountAssociation', [
            fincenText('PartyAccountAssociationTypeCode', accountAssociationCodes.activityAffectedAccount),
            fincenElement('Party', [
              fincenText('ActivityPartyTypeCode', partyTypeCodes.accountInstitution),
              identification(filer.tin, identificationTypeCodes.tin),
              numbers.map((number) =>
                fincenElement('Account', [
                  fincenField('AccountNumberText', number, 40),
                  fincenElement('PartyAccountAssociation', [
                    fincenText('PartyAccountAssociationTypeCode', accountAssociationCodes.institutionHoldsAccount),
                  ]),
                ]),
              ),
            ]),
          ]),
    ],
  );
}
