import type { PaymentParty, PaymentRecord } from '../payments/index.js';
import { ocseTypology } from '../payments/index.js';
import { convertAmount } from './currency-rates.js';
import type { ObservedIpAddress, ReportCase, ReportSubject, SuspiciousPayment } from './report-case.js';
import type { ReportFiler } from './report-filer.js';
import { type CaseFile, caseTypologies, selectReportPayments, subjectAccount } from './report-transactions.js';

/** The OCSE pack's sextortion typologies (the pack owns their names): they set the sextortion regime. */
const sextortionTypologies = new Set<string>([ocseTypology.sextortionVictim, ocseTypology.sextortionMule]);

/** A payment party with the facts the filer supplied for its account filled in where the payment has none. */
function withFacts(party: PaymentParty, filer: ReportFiler): PaymentParty {
  const facts = filer.counterparties[party.account];
  if (facts === undefined) return party;
  return {
    ...party,
    ...(party.name === undefined && facts.name !== undefined ? { name: facts.name } : {}),
    ...(party.country === undefined && facts.country !== undefined ? { country: facts.country } : {}),
    ...(party.type === undefined && facts.type !== undefined ? { type: facts.type } : {}),
    ...(party.birthDate === undefined && facts.birthDate !== undefined ? { birthDate: facts.birthDate } : {}),
  };
}

/** The payments a case's report carries, with the counterparties' facts the filer supplied. */
export function reportPayments(file: CaseFile, filer: ReportFiler): PaymentRecord[] {
  return selectReportPayments(file, filer.transactions).payments.map((record) => ({
    ...record,
    payer: withFacts(record.payer, filer),
    payee: withFacts(record.payee, filer),
  }));
}

/**
 * The accounts a report is about, with their KYC: the case's subject first, then the other
 * parties of its payments for which the filer gives KYC (a counterparty the filer also knows).
 */
export function reportSubjects(
  file: CaseFile,
  payments: readonly PaymentRecord[],
  filer: ReportFiler,
): ReportSubject[] {
  const accounts = new Set<string>([subjectAccount(file)]);
  for (const payment of payments) {
    accounts.add(payment.payer.account);
    accounts.add(payment.payee.account);
  }
  return [...accounts]
    .filter((account) => Object.hasOwn(filer.subjects, account))
    .map((account) => ({ accounts: [{ id: account }], person: filer.subjects[account] as ReportSubject['person'] }));
}

/**
 * Assembles the report input for a case (pure): the subject's payments its typologies rest on
 * (and, when the filer chooses, its other payments in the period; never other customers'), the
 * typologies that alerted with their reasons, the IP addresses of the reported payments, the
 * activity period (first to last reported payment), the regime flags (OCSE unless only
 * sextortion typologies alerted; sextortion when one did), amounts converted with the filer's
 * one rate table (goAML local currency and USD, where a rate is given), and the counterparties'
 * facts and accounts the filer supplied. Subjects are the case's subject and the payments'
 * other parties for which the filer gives KYC. What is still missing is `reportReadiness`'s to
 * name; this function does not check.
 */
export function reportCaseFromCase(
  file: CaseFile,
  filer: ReportFiler,
  options: { readonly filingDate: string; readonly narrative: string },
): ReportCase {
  const selected = selectReportPayments(file, filer.transactions);
  const payments = reportPayments(file, filer);
  const local = filer.reportingEntity.goaml?.localCurrency;
  const rates = filer.currency.rates;
  const counterSide = filer.goaml?.myClientSide === 'receiver' ? 'payer' : 'payee';
  const suspicious: SuspiciousPayment[] = payments.map((record) => {
    const amountLocal = local === undefined ? undefined : convertAmount(record.amount, record.currency, local, rates);
    const amountUsd = convertAmount(record.amount, record.currency, 'USD', rates);
    const counterpartyAccount = filer.counterparties[record[counterSide].account]?.account;
    return {
      record,
      ...(amountLocal === undefined || record.currency === local ? {} : { amountLocal }),
      ...(amountUsd === undefined || record.currency === 'USD' ? {} : { amountUsd }),
      ...(counterpartyAccount === undefined ? {} : { counterpartyAccount }),
    };
  });
  const typologies = caseTypologies(file);
  const names = typologies.map((typology) => typology.id);
  const sextortion = names.some((name) => sextortionTypologies.has(name));
  const ocse = names.length === 0 || names.some((name) => !sextortionTypologies.has(name));
  const ips = new Map<string, string>();
  for (const event of selected.events) {
    const ip = event.entities.ip;
    if (ip !== undefined && !ips.has(ip)) ips.set(ip, event.time);
  }
  const ipAddresses: ObservedIpAddress[] = [...ips].map(([address, seenAt]) => ({ address, seenAt }));
  // Calendar dates as the times were written (the payer's local date): the earliest and latest
  // date, which need not be those of the first and last payment in time when offsets differ.
  const days = (
    payments.length > 0 ? payments.map((payment) => payment.time) : file.timeline.map((entry) => entry.time)
  )
    .map((time) => time.slice(0, 10))
    .sort();
  return {
    caseId: String(file.id),
    filingDate: options.filingDate,
    activityPeriod: { from: days[0] ?? options.filingDate, to: days[days.length - 1] ?? options.filingDate },
    reportingEntity: filer.reportingEntity,
    subjects: reportSubjects(file, payments, filer),
    payments: suspicious,
    typologies: typologies.map((typology) => ({ id: typology.id, reasons: [...typology.reasons] })),
    ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
    narrative: options.narrative,
    regimes: { ocse, sextortion, humanTrafficking: false },
    ...(filer.actionTaken === undefined ? {} : { actionTaken: filer.actionTaken }),
  };
}
