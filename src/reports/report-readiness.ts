import type { PaymentParty } from '../payments/index.js';
import { reportPayments, reportSubjects } from './case-report.js';
import { missingRateField } from './currency-rates.js';
import { camelToSnake } from './filer-keys.js';
import { missingOwnClientFields } from './goaml/goaml-parties.js';
import type { ReportFiler } from './report-filer.js';
import { type CaseFile, maxSubjectEvents, subjectAccount } from './report-transactions.js';

/** The report formats the readiness check knows. */
export type ReportFormat = 'goaml' | 'fincen';

/** goAML's own-client KYC fields, as the filer YAML names them. */
const ownClientFieldNames: Readonly<Record<string, string>> = {
  birthDate: 'birth_date',
  'nationalIdNumber (or idDocument)': 'national_id_number (or id_document)',
  nationality: 'nationality',
  phone: 'phone',
};

/**
 * What the filer must still add before `format` can be built for this case, each problem named
 * by its place in the filer YAML (`subjects.acct-1.birth_date: …`, `counterparties.acct-9.country:
 * …`, `currency.rates.SAR.USD: …`), every one at once; empty when the report can be built.
 * Checks the narrative, the format's reporting entity and section, the subject's KYC (goAML's own
 * client needs birth date, an identity number, nationality and a phone), every reported party's
 * country (goAML), a rate for every payment not already in the target currency (goAML's local
 * currency, FinCEN's USD), FinCEN's address parts, and that a goAML transactions report has a
 * transaction. `narrative` overrides the filer's. Pure.
 */
export function reportReadiness(
  file: CaseFile,
  filer: ReportFiler,
  format: ReportFormat,
  options: { readonly narrative?: string } = {},
): string[] {
  const problems: string[] = [];
  const add = (problem: string) => {
    if (!problems.includes(problem)) problems.push(problem);
  };
  const narrative = options.narrative ?? filer.narrative;
  if (narrative === undefined || narrative.trim() === '') add('narrative: write the analyst narrative of this report');
  const account = subjectAccount(file);
  if (!Object.hasOwn(filer.subjects, account))
    add(`subjects.${account}: the case's subject needs its KYC (at least first_name, last_name, country)`);
  const payments = reportPayments(file, filer);
  if (filer.transactions.includeOtherSubjectPayments && (file.events?.length ?? 0) >= maxSubjectEvents)
    add(
      `transactions: the period holds ${maxSubjectEvents} or more events of ${account}; narrow transactions.from and transactions.to`,
    );
  const subjects = new Map(
    reportSubjects(file, payments, filer).map((subject) => [subject.accounts[0]?.id as string, subject.person]),
  );

  if (format === 'goaml') {
    const entity = filer.reportingEntity.goaml;
    if (entity === undefined)
      add('reporting_entity.goaml: the goAML reporting entity (rentity_id, branch, local_currency, …)');
    if (filer.goaml === undefined) add('goaml: the goAML section (version, fiu, my_client_side, the FIU codes)');
    const ownRole = filer.goaml?.myClientSide === 'receiver' ? 'payee' : 'payer';
    if (filer.goaml !== undefined && filer.goaml.reportForm === 'transactions' && payments.length === 0)
      add(
        `transactions: the case names no payment of ${account}; a goAML transactions report needs one (or use report_code SAR)`,
      );
    for (const payment of payments) {
      for (const role of ['payer', 'payee'] as const) {
        const party: PaymentParty = payment[role];
        const person = subjects.get(party.account);
        if (party.country === undefined && person === undefined)
          add(`counterparties.${party.account}.country: goAML needs every party's country (payment ${payment.id})`);
        if (role === ownRole && person !== undefined && filer.goaml !== undefined) {
          for (const missing of missingOwnClientFields(person))
            add(
              `subjects.${party.account}.${ownClientFieldNames[missing] ?? camelToSnake(missing)}: goAML reports the reporting entity's own client with full KYC`,
            );
        }
      }
      if (
        entity !== undefined &&
        payment.currency !== entity.localCurrency &&
        filer.currency.rates[payment.currency]?.[entity.localCurrency] === undefined
      )
        add(
          `${missingRateField(payment.currency, entity.localCurrency)}: a rate for the payments in ${payment.currency} (goAML amount_local)`,
        );
    }
  } else {
    const entity = filer.reportingEntity.fincen;
    if (entity === undefined)
      add('reporting_entity.fincen: the FinCEN filing institution (name, tin, tin_type, address, contact_office)');
    else
      for (const part of ['state', 'postalCode'] as const)
        if (entity.address[part] === undefined)
          add(`reporting_entity.fincen.address.${camelToSnake(part)}: FinCEN requires the filer's state and ZIP code`);
    if (filer.fincen === undefined) add('fincen: the FinCEN section (version, transmitter, filer)');
    for (const payment of payments) {
      if (payment.currency !== 'USD' && filer.currency.rates[payment.currency]?.USD === undefined)
        add(
          `${missingRateField(payment.currency, 'USD')}: a rate for the payments in ${payment.currency} (FinCEN amounts are in USD)`,
        );
    }
  }
  return problems;
}
