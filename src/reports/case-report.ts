import { splitEntityKey } from '../events/index.js';
import type { PaymentRecord } from '../payments/index.js';
import { fromPaymentEvent, ocseTypology } from '../payments/index.js';
import type {
  AlertedTypology,
  ObservedIpAddress,
  ReportCase,
  ReportingEntity,
  ReportSubject,
  SuspiciousPayment,
} from './report-case.js';

/** A case as the engine keeps it: its subject and timeline (the plain data, no storage types). */
export interface CaseFile {
  readonly id: number | string;
  /** Entity key of the subject, e.g. `payment_account:acct-1`. */
  readonly subject: string;
  readonly timeline: readonly {
    readonly kind: string;
    readonly ref: string;
    readonly time: string;
    readonly summary: string;
    readonly detail: unknown;
  }[];
}

/** What the case does not hold and the filer supplies: who files, who the subjects are (KYC), when. */
export interface CaseReportSettings {
  readonly reportingEntity: ReportingEntity;
  /** KYC per payment account id: the engine keeps no identity data beyond what events carried. */
  readonly subjects: Readonly<Record<string, ReportSubject['person']>>;
  /** `YYYY-MM-DD`: the builders read no clock. */
  readonly filingDate: string;
  /** The analyst's narrative; the builders prepend the key terms. */
  readonly narrative: string;
  /** Local-currency units per unit of each payment currency (goAML `amount_local`), if known. */
  readonly localRates?: Readonly<Record<string, number>>;
  readonly actionTaken?: string;
}

/** The OCSE pack's sextortion typologies (the pack owns their names): they set the sextortion regime. */
const sextortionTypologies = new Set<string>([ocseTypology.sextortionVictim, ocseTypology.sextortionMule]);

interface TimelineEvent {
  readonly id: string;
  readonly type: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

function isTimelineEvent(detail: unknown): detail is TimelineEvent {
  if (typeof detail !== 'object' || detail === null) return false;
  const value = detail as Record<string, unknown>;
  return typeof value.id === 'string' && typeof value.type === 'string' && typeof value.entities === 'object';
}

/**
 * Assembles the report input for a case: its payments (the `payment.sent` events of its
 * timeline), the typologies that alerted with their reasons, the IP addresses its events named,
 * the activity period, and the regime flags (OCSE unless only sextortion typologies alerted;
 * sextortion when one did). Subjects are the accounts of the case (its subject and the payers
 * and payees of its payments) for which `settings.subjects` gives KYC. Pure.
 */
export function reportCaseFromCase(file: CaseFile, settings: CaseReportSettings): ReportCase {
  const payments: PaymentRecord[] = [];
  const ips = new Map<string, string>();
  const typologies = new Map<string, Set<string>>();
  for (const entry of file.timeline) {
    if ((entry.kind === 'event' || entry.kind === 'match') && isTimelineEvent(entry.detail)) {
      const event = entry.detail;
      const record = fromPaymentEvent({ ...event, time: entry.time });
      if (record !== undefined && !payments.some((known) => known.id === record.id)) payments.push(record);
      const ip = event.entities.ip;
      if (ip !== undefined && !ips.has(ip)) ips.set(ip, entry.time);
    }
    const typology = /^typology:([a-z0-9_]+):/.exec(entry.ref)?.[1];
    if (typology !== undefined) {
      const reasons = typologies.get(typology) ?? new Set<string>();
      const contributions = (entry.detail as { contributions?: { reason?: unknown }[] } | null)?.contributions ?? [];
      for (const contribution of contributions)
        if (typeof contribution.reason === 'string') reasons.add(contribution.reason);
      typologies.set(typology, reasons);
    }
  }
  payments.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const accounts = new Set<string>([splitEntityKey(file.subject).id]);
  for (const payment of payments) {
    accounts.add(payment.payer.account);
    accounts.add(payment.payee.account);
  }
  const subjects: ReportSubject[] = [...accounts]
    .filter((account) => Object.hasOwn(settings.subjects, account))
    .map((account) => ({ accounts: [{ id: account }], person: settings.subjects[account] as ReportSubject['person'] }));
  const suspicious: SuspiciousPayment[] = payments.map((record) => {
    const rate = settings.localRates?.[record.currency];
    return rate === undefined ? { record } : { record, amountLocal: Math.round(record.amount * rate * 100) / 100 };
  });
  const alerted: AlertedTypology[] = [...typologies].map(([id, reasons]) => ({ id, reasons: [...reasons] }));
  const names = [...typologies.keys()];
  const sextortion = names.some((name) => sextortionTypologies.has(name));
  const ocse = names.length === 0 || names.some((name) => !sextortionTypologies.has(name));
  const times = file.timeline.map((entry) => entry.time).sort();
  const ipAddresses: ObservedIpAddress[] = [...ips].map(([address, seenAt]) => ({ address, seenAt }));
  return {
    caseId: String(file.id),
    filingDate: settings.filingDate,
    // Calendar dates as the times were written (the payer's local date).
    activityPeriod: {
      from: (payments[0]?.time ?? times[0] ?? settings.filingDate).slice(0, 10),
      to: (payments[payments.length - 1]?.time ?? times[times.length - 1] ?? settings.filingDate).slice(0, 10),
    },
    reportingEntity: settings.reportingEntity,
    subjects,
    payments: suspicious,
    typologies: alerted,
    ...(ipAddresses.length > 0 ? { ipAddresses } : {}),
    narrative: settings.narrative,
    regimes: { ocse, sextortion, humanTrafficking: false },
    ...(settings.actionTaken === undefined ? {} : { actionTaken: settings.actionTaken }),
  };
}
