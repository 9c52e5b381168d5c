import { EngineError } from '../../core/index.js';
import type { SplitName } from '../case-parties.js';
import type { CounterpartyAccount, PhoneNumber, PostalAddress, SubjectPerson } from '../report-case.js';
import { fitSingleLine } from '../text-fitting.js';
import { element, optionalTextElement, textElement, type XmlElement } from '../xml-writer.js';
import type { GoamlConfig } from './goaml-config.js';
import { goamlDate } from './goaml-values.js';

/** A single-line value cut to a goAML field's length, or `undefined` when absent. */
function fit(value: string | undefined, limit: number): string | undefined {
  if (value === undefined) return undefined;
  const fitted = fitSingleLine(value, limit);
  return fitted === '' ? undefined : fitted;
}

/** goAML `t_address` (address_type, address, city, zip, country_code, state). */
export function goamlAddress(name: string, address: PostalAddress, config: GoamlConfig): XmlElement {
  return element(name, [
    textElement('address_type', config.addressTypeCode),
    textElement('address', fit(address.street, 100) ?? config.unknownText),
    textElement('city', fit(address.city, 255) ?? config.unknownText),
    optionalTextElement('zip', fit(address.postalCode, 10)),
    textElement('country_code', address.country),
    optionalTextElement('state', fit(address.state, 255)),
  ]);
}

/** goAML `t_phone`. */
function goamlPhone(phone: PhoneNumber, config: GoamlConfig): XmlElement {
  return element('phone', [
    textElement('tph_contact_type', config.phoneContactTypeCode),
    textElement('tph_communication_type', config.phoneCommunicationTypeCode),
    textElement('tph_country_prefix', phone.countryPrefix),
    textElement('tph_number', fit(phone.number, 50) ?? ''),
    optionalTextElement('tph_extension', phone.extension),
  ]);
}

/** The value goAML's `ssn` gets: the national id number, else the identity document's number. */
function identityNumber(person: SubjectPerson): string | undefined {
  return person.nationalIdNumber ?? person.idDocument?.number;
}

/**
 * The fields goAML's own-client person (`t_person_my_client`) requires that this subject lacks,
 * named as in the case input. Empty when the subject can be reported as the entity's client.
 */
export function missingOwnClientFields(person: SubjectPerson): string[] {
  const missing: string[] = [];
  if (person.birthDate === undefined) missing.push('birthDate');
  if (identityNumber(person) === undefined) missing.push('nationalIdNumber (or idDocument)');
  if (person.nationality === undefined) missing.push('nationality');
  if (person.phone === undefined) missing.push('phone');
  return missing;
}

/**
 * A subject as a goAML person. With `ownClient` it is `t_person_my_client`, whose required KYC
 * must all be present (an undeclared occupation is written as `config.unknownText`); otherwise
 * `t_person`, with whatever KYC is known. Elements follow the goAML 5.0.1 sequence and use no
 * element newer than 5.0.
 *
 * @throws EngineError `REQUEST_INVALID` naming the missing fields when `ownClient` and KYC is incomplete.
 */
export function goamlSubjectPerson(
  name: string,
  person: SubjectPerson,
  ownClient: boolean,
  config: GoamlConfig,
  field: string,
): XmlElement {
  if (ownClient) {
    const missing = missingOwnClientFields(person);
    if (missing.length > 0) {
      throw new EngineError(
        'REQUEST_INVALID',
        `${field}: goAML reports the reporting entity's own client with full KYC, and this subject lacks ${missing.join(', ')}`,
      );
    }
  }
  const document = person.idDocument;
  const passport = document?.type === 'passport' ? document : undefined;
  const occupation = fit(person.occupation, 255) ?? (ownClient ? config.unknownText : undefined);
  return element(name, [
    person.gender !== undefined && textElement('gender', person.gender === 'female' ? 'F' : 'M'),
    textElement('first_name', fit(person.firstName, 100) ?? config.unknownText),
    optionalTextElement('middle_name', fit(person.middleName, 100)),
    textElement('last_name', fit(person.lastName, 100) ?? config.unknownText),
    person.birthDate !== undefined && textElement('birthdate', goamlDate(person.birthDate, `${field}.birthDate`)),
    optionalTextElement('ssn', fit(identityNumber(person), 25)),
    passport !== undefined && [
      textElement('passport_number', fit(passport.number, 255) ?? ''),
      textElement('passport_country', passport.issuingCountry),
    ],
    document !== undefined && passport === undefined && textElement('id_number', fit(document.number, 255) ?? ''),
    optionalTextElement('nationality1', person.nationality),
    textElement('residence', person.country),
    person.phone !== undefined && element('phones', [goamlPhone(person.phone, config)]),
    person.address !== undefined && element('addresses', [goamlAddress('address', person.address, config)]),
    optionalTextElement('email', fit(person.email, 255)),
    optionalTextElement('occupation', occupation),
    document !== undefined &&
      element('identification', [
        textElement('type', config.identifierTypeCodes[document.type] ?? config.unmappedIdentifierTypeCode),
        textElement('number', fit(document.number, 255) ?? ''),
        document.issueDate !== undefined &&
          textElement('issue_date', goamlDate(document.issueDate, `${field}.idDocument.issueDate`)),
        document.expiryDate !== undefined &&
          textElement('expiry_date', goamlDate(document.expiryDate, `${field}.idDocument.expiryDate`)),
        optionalTextElement('issued_by', fit(document.issuedBy, 255)),
        textElement('issue_country', document.issuingCountry),
      ]),
    optionalTextElement('tax_number', fit(person.taxIdNumber, 100)),
  ]);
}

/**
 * A party KYC does not cover, as goAML `t_person`, from what the payment carries: its name split
 * into first and last (a missing part is `config.unknownText`) and its birth date when sent.
 */
export function goamlCounterpartyPerson(
  name: string,
  split: SplitName,
  birthDate: string | undefined,
  config: GoamlConfig,
  field: string,
): XmlElement {
  return element(name, [
    textElement('first_name', fit(split.firstName, 100) ?? config.unknownText),
    textElement('last_name', fit(split.lastName, 100) ?? config.unknownText),
    birthDate !== undefined && textElement('birthdate', goamlDate(birthDate, `${field}.birthDate`)),
  ]);
}

/** An organisation KYC does not cover, as goAML `t_entity` (name only). */
export function goamlCounterpartyEntity(name: string, entityName: string | undefined, config: GoamlConfig): XmlElement {
  return element(name, [textElement('name', fit(entityName, 255) ?? config.unknownText)]);
}

/**
 * A counterparty's account at another institution as goAML `t_account`: institution, its code
 * or SWIFT BIC, branch, number, the holder's name, and the holder itself — a person as the
 * account's `signatory`, an organisation as its `t_entity`.
 */
export function goamlCounterpartyAccount(
  name: string,
  account: CounterpartyAccount,
  holder: { readonly kind: 'person' | 'entity'; readonly element: XmlElement; readonly displayName?: string },
): XmlElement {
  return element(name, [
    textElement('institution_name', fit(account.institutionName, 255) ?? ''),
    account.institutionCode !== undefined
      ? textElement('institution_code', fit(account.institutionCode, 50) ?? '')
      : optionalTextElement('swift', account.swift),
    optionalTextElement('branch', fit(account.branch, 255)),
    textElement('account', fit(account.number, 255) ?? ''),
    optionalTextElement('account_name', fit(holder.displayName, 255)),
    holder.kind === 'entity' && holder.element,
    holder.kind === 'person' && element('signatory', [holder.element]),
  ]);
}
