import { isIP } from 'node:net';
import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import { paymentChannels } from '../payments/index.js';
import { fincenTinTypes, identityDocumentTypes, type ReportCase } from './report-case.js';

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const match = isoDatePattern.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const text = z.string().refine((value) => value.trim() !== '', 'must not be empty');
const isoDate = z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD');
const instant = z
  .string()
  .refine(
    (value) => instantPattern.test(value) && !Number.isNaN(Date.parse(value)),
    'expected an ISO-8601 time with an offset, e.g. 2026-03-01T23:40:00+10:00',
  );
export const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as PH');
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as USD');
const amount = z.number().positive().finite();

const postalAddress = z.strictObject({
  street: text,
  city: text,
  postalCode: text.optional(),
  state: text.optional(),
  country: countrySchema,
});

const phoneNumber = z.strictObject({
  countryPrefix: z.string().regex(/^\d{1,4}$/, 'expected 1 to 4 digits, without +'),
  number: z.string().regex(/^[\d ()./-]{3,30}$/, 'expected a phone number (digits, spaces, ( ) . / -)'),
  extension: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
});

const identityDocument = z.strictObject({
  type: z.enum(identityDocumentTypes),
  number: text,
  issuingCountry: countrySchema,
  issuingState: text.optional(),
  issuedBy: text.optional(),
  issueDate: isoDate.optional(),
  expiryDate: isoDate.optional(),
  description: text.optional(),
});

/** What KYC knows of a subject (`SubjectPerson`); the filer's `subjects` entries. */
export const subjectPersonSchema = z.strictObject({
  firstName: text,
  middleName: text.optional(),
  lastName: text,
  birthDate: isoDate.optional(),
  gender: z.enum(['female', 'male']).optional(),
  country: countrySchema,
  nationality: countrySchema.optional(),
  address: postalAddress.optional(),
  idDocument: identityDocument.optional(),
  nationalIdNumber: text.optional(),
  taxIdNumber: text.optional(),
  phone: phoneNumber.optional(),
  email: z.email().optional(),
  occupation: text.optional(),
});

const paymentParty = z.looseObject({
  account: text,
  name: z.string().optional(),
  country: countrySchema.optional(),
  type: z.enum(['individual', 'organisation']).optional(),
  birthDate: isoDate.optional(),
});

const paymentRecord = z.looseObject({
  id: text,
  time: instant,
  payer: paymentParty,
  payee: paymentParty,
  amount,
  currency: currencySchema,
  remittanceInfo: z.string().optional(),
  purpose: z.string().optional(),
  channel: z.enum(paymentChannels).optional(),
});

/** An account at another institution (`CounterpartyAccount`). */
export const counterpartyAccountSchema = z
  .strictObject({
    institutionName: text,
    institutionCode: text.optional(),
    swift: z
      .string()
      .regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, 'expected an 8 or 11 character BIC')
      .optional(),
    number: text,
    branch: text.optional(),
  })
  .refine((value) => value.institutionCode !== undefined || value.swift !== undefined, {
    message: 'give institutionCode or swift',
  });

/** The reporting entity as registered with a goAML FIU (`GoamlReportingEntity`). */
export const goamlReportingEntitySchema = z.strictObject({
  rentityId: z.number().int().min(1).max(2_147_483_647),
  branch: text,
  localCurrency: currencySchema,
  reportingUserCode: z.string().min(4).max(50),
  location: postalAddress,
});

/** The filing institution of a FinCEN SAR (`FincenFiler`). */
export const fincenFilerSchema = z.strictObject({
  name: text,
  tin: text,
  tinType: z.enum(fincenTinTypes),
  address: postalAddress,
  contactOffice: z.strictObject({
    name: text,
    phone: text,
    phoneExtension: z
      .string()
      .regex(/^\d{1,6}$/)
      .optional(),
  }),
});

const reportCaseSchema = z
  .strictObject({
    caseId: text,
    filingDate: isoDate,
    activityPeriod: z.strictObject({ from: isoDate, to: isoDate }),
    reportingEntity: z.strictObject({
      goaml: goamlReportingEntitySchema.optional(),
      fincen: fincenFilerSchema.optional(),
    }),
    subjects: z
      .array(
        z.strictObject({
          accounts: z.array(z.strictObject({ id: text, number: text.optional() })),
          person: subjectPersonSchema,
        }),
      )
      .min(1, 'a report is about at least one subject'),
    payments: z.array(
      z.strictObject({
        record: paymentRecord,
        amountLocal: amount.optional(),
        amountUsd: amount.optional(),
        counterpartyAccount: counterpartyAccountSchema.optional(),
      }),
    ),
    typologies: z.array(z.strictObject({ id: text, reasons: z.array(z.string()) })),
    ipAddresses: z
      .array(
        z.strictObject({
          address: z.string().refine((value) => isIP(value) !== 0, 'expected an IPv4 or IPv6 address'),
          seenAt: instant.optional(),
        }),
      )
      .optional(),
    narrative: z.string(),
    regimes: z.strictObject({ ocse: z.boolean(), sextortion: z.boolean(), humanTrafficking: z.boolean() }),
    actionTaken: text.optional(),
    priorReport: z
      .strictObject({
        kind: z.enum(['continuing', 'correction']),
        documentNumber: z.string().regex(/^\d{1,14}$/, 'expected the prior BSA document number (up to 14 digits)'),
      })
      .optional(),
  })
  .superRefine((value, context) => {
    if (value.activityPeriod.from > value.activityPeriod.to) {
      context.addIssue({ code: 'custom', path: ['activityPeriod'], message: 'from is after to' });
    }
    const accounts = new Set<string>();
    value.subjects.forEach((subject, subjectIndex) => {
      subject.accounts.forEach((account, accountIndex) => {
        if (accounts.has(account.id)) {
          context.addIssue({
            code: 'custom',
            path: ['subjects', subjectIndex, 'accounts', accountIndex, 'id'],
            message: `account ${account.id} belongs to two subjects`,
          });
        }
        accounts.add(account.id);
      });
    });
    const paymentIds = new Set<string>();
    value.payments.forEach((payment, index) => {
      if (paymentIds.has(payment.record.id)) {
        context.addIssue({
          code: 'custom',
          path: ['payments', index, 'record', 'id'],
          message: 'duplicate payment id',
        });
      }
      paymentIds.add(payment.record.id);
    });
  });

/**
 * Checks a report case before a builder uses it: formats (dates, instants, countries,
 * currencies, IP addresses), required fields, a period that runs forwards, no account shared
 * by two subjects, no payment listed twice. Unknown fields are refused (a misspelt optional
 * field would otherwise vanish from the report without notice); payment records may carry
 * fields the builders do not read.
 *
 * @throws EngineError `REQUEST_INVALID` naming every bad field.
 */
export function parseReportCase(input: ReportCase): ReportCase {
  const parsed = reportCaseSchema.safeParse(input);
  if (!parsed.success) {
    throw new EngineError(
      'REQUEST_INVALID',
      `report case is invalid: ${describeIssues(parsed.error.issues, '(case)')}`,
    );
  }
  return input;
}
