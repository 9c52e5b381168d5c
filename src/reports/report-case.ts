import type { PaymentRecord } from '../payments/index.js';

/**
 * Everything a report builder needs to know about one confirmed payments case, as plain data.
 * The caller assembles it (from the case, its timeline, the payments and the KYC system); the
 * builders never reach storage, so they stay pure and can be tested and re-run byte for byte.
 *
 * Dates are `YYYY-MM-DD`, instants ISO-8601 with an offset, countries ISO 3166-1 alpha-2,
 * currencies ISO 4217. `parseReportCase` checks all of it.
 *
 * @example
 * const input: ReportCase = {
 *   caseId: 'CASE-2026-0001', filingDate: '2026-03-20',
 *   activityPeriod: { from: '2026-03-01', to: '2026-03-15' },
 *   reportingEntity: { goaml: { rentityId: 1001, branch: 'HQ', localCurrency: 'PHP', … } },
 *   subjects: [{ accounts: [{ id: 'acct-1' }], person: { firstName: 'Test', lastName: 'Sender', country: 'US' } }],
 *   payments: [{ record, amountLocal: 2000 }], typologies: [{ id: 'ocse_payments', reasons: ['…'] }],
 *   narrative: '…', regimes: { ocse: true, sextortion: false, humanTrafficking: false },
 * };
 */
export interface ReportCase {
  /** The case's id in Prevail: goAML `entity_reference`, and named in the FinCEN narrative. */
  readonly caseId: string;
  /** The day the report is filed (`YYYY-MM-DD`). Given by the caller: builders never read the clock. */
  readonly filingDate: string;
  /** The first and last day of the suspicious activity (`YYYY-MM-DD`, `from` ≤ `to`). */
  readonly activityPeriod: { readonly from: string; readonly to: string };
  /** Who files: the parts each format needs. */
  readonly reportingEntity: ReportingEntity;
  /** The people the report is about, with what KYC knows of them (at least one). */
  readonly subjects: readonly ReportSubject[];
  /** The suspicious payments, in the order they should be reported. */
  readonly payments: readonly SuspiciousPayment[];
  /** The typologies that alerted, each with the reasons its rules recorded. */
  readonly typologies: readonly AlertedTypology[];
  /** IP addresses the subjects used, when known (FinCEN field 43). */
  readonly ipAddresses?: readonly ObservedIpAddress[];
  /** The analyst's narrative. Builders put the required key terms in front of it. */
  readonly narrative: string;
  /** The regimes the case falls under; they choose key terms, classifications and indicators. */
  readonly regimes: RegimeFlags;
  /** What the reporting entity did about it (goAML `action`), e.g. "Account closed on 2026-03-16." */
  readonly actionTaken?: string;
  /** Set when this report continues or corrects an earlier FinCEN SAR. */
  readonly priorReport?: PriorReport;
}

/** The regimes Prevail reports under. Each one brings its own key term (see `key-terms.ts`). */
export interface RegimeFlags {
  /** Online child sexual exploitation (FinCEN FIN-2021-NTC3). */
  readonly ocse: boolean;
  /** Financially motivated sextortion (FinCEN FIN-2025-NTC2). */
  readonly sextortion: boolean;
  /** Human trafficking indicators are also present. */
  readonly humanTrafficking: boolean;
}

/** The reporting entity, per format; a builder fails clearly when its part is missing. */
export interface ReportingEntity {
  readonly goaml?: GoamlReportingEntity;
  readonly fincen?: FincenFiler;
}

/** The reporting entity as registered with a goAML FIU. */
export interface GoamlReportingEntity {
  /** The id the FIU issued at registration (`rentity_id`, ≥ 1). */
  readonly rentityId: number;
  /** The branch (`rentity_branch`, 1–255 characters). */
  readonly branch: string;
  /** The local currency (`currency_code_local`), in which `amountLocal` is given. */
  readonly localCurrency: string;
  /** The goAML user code of the person filing (`reporting_user_code`, 4–50 characters). */
  readonly reportingUserCode: string;
  /** Where the reporting entity is (`location`). */
  readonly location: PostalAddress;
}

/** The filing institution of a FinCEN SAR (party 30, and 34 where the activity occurred). */
export interface FincenFiler {
  /** Legal name. */
  readonly name: string;
  /** Taxpayer identification number, digits (hyphens are removed). */
  readonly tin: string;
  /** `ein` (code 2), `ssn_itin` (code 1) or `foreign` (code 9). */
  readonly tinType: FincenTinType;
  /** The institution's address; FinCEN requires street, city, state, ZIP and country. */
  readonly address: PostalAddress;
  /** The office FinCEN and law enforcement contact about the report (party 8). */
  readonly contactOffice: { readonly name: string; readonly phone: string; readonly phoneExtension?: string };
}

/** See `FincenFiler.tinType`. */
export const fincenTinTypes = ['ein', 'ssn_itin', 'foreign'] as const;
export type FincenTinType = (typeof fincenTinTypes)[number];

/** A postal address. `state` is the state, province or region code (FinCEN wants it for US, CA, MX). */
export interface PostalAddress {
  readonly street: string;
  readonly city: string;
  readonly postalCode?: string;
  readonly state?: string;
  readonly country: string;
}

/** A person the report is about, and the payment accounts that are theirs. */
export interface ReportSubject {
  /**
   * The subject's accounts. `id` is the account as payments carry it (`PaymentParty.account`),
   * used to find the subject's side of each payment; `number` is the account number to print in
   * reports, when it differs from the internal id (omit it to print none).
   */
  readonly accounts: readonly SubjectAccount[];
  readonly person: SubjectPerson;
}

/** See `ReportSubject.accounts`. */
export interface SubjectAccount {
  readonly id: string;
  readonly number?: string;
}

/**
 * What KYC knows about a subject. Only names and country are always required; formats that need
 * more (goAML's own-client person needs birth date, nationality, an identity number, a phone…)
 * name the missing fields in their error instead of inventing them.
 */
export interface SubjectPerson {
  readonly firstName: string;
  readonly middleName?: string;
  readonly lastName: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate?: string;
  readonly gender?: 'female' | 'male';
  /** Country of residence. */
  readonly country: string;
  readonly nationality?: string;
  readonly address?: PostalAddress;
  readonly idDocument?: IdentityDocument;
  /** National identity number (goAML `ssn`). */
  readonly nationalIdNumber?: string;
  /** US SSN or ITIN (FinCEN TIN, code 1). */
  readonly taxIdNumber?: string;
  readonly phone?: PhoneNumber;
  readonly email?: string;
  readonly occupation?: string;
}

/** See `IdentityDocument.type`. */
export const identityDocumentTypes = [
  'passport',
  'national_id',
  'driving_licence',
  'residence_permit',
  'other',
] as const;
export type IdentityDocumentType = (typeof identityDocumentTypes)[number];

/** An identity document seen at onboarding. */
export interface IdentityDocument {
  readonly type: IdentityDocumentType;
  readonly number: string;
  readonly issuingCountry: string;
  /** State or province code of the issuer (US driving licences). */
  readonly issuingState?: string;
  /** Who issued it, e.g. "Department of Foreign Affairs". */
  readonly issuedBy?: string;
  /** `YYYY-MM-DD`. */
  readonly issueDate?: string;
  /** `YYYY-MM-DD`. */
  readonly expiryDate?: string;
  /** What the document is, for `other` (e.g. "Voter card"). */
  readonly description?: string;
}

/** A phone number: international prefix without `+` (e.g. `63`) and the national number. */
export interface PhoneNumber {
  readonly countryPrefix: string;
  readonly number: string;
  readonly extension?: string;
}

/** One suspicious payment with the amounts a report needs, as converted by the caller. */
export interface SuspiciousPayment {
  readonly record: PaymentRecord;
  /** In the goAML local currency; may be omitted when the payment is already in it. */
  readonly amountLocal?: number;
  /** In US dollars for FinCEN; may be omitted when the payment is already in USD. */
  readonly amountUsd?: number;
  /**
   * The account of the party who is not the reporting entity's client, when known (its bank or
   * wallet provider and number): goAML then reports that side as an account, not a person.
   */
  readonly counterpartyAccount?: CounterpartyAccount;
}

/** An account held at another institution. Give `institutionCode` or `swift` (goAML needs one). */
export interface CounterpartyAccount {
  readonly institutionName: string;
  readonly institutionCode?: string;
  readonly swift?: string;
  readonly number: string;
  readonly branch?: string;
}

/** A typology that alerted on the case, with its rules' reasons. */
export interface AlertedTypology {
  /** The typology's name (a storage key), e.g. `ocse_payments`. */
  readonly id: string;
  readonly reasons: readonly string[];
}

/** An IP address seen for a subject, optionally with when (ISO-8601 with offset). */
export interface ObservedIpAddress {
  readonly address: string;
  readonly seenAt?: string;
}

/** The earlier FinCEN SAR this one continues or corrects (its BSA document number, ≤ 14 digits). */
export interface PriorReport {
  readonly kind: 'continuing' | 'correction';
  readonly documentNumber: string;
}
