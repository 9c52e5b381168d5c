import { splitEntityKey } from '../events/index.js';
import type { PaymentRecord } from '../payments/index.js';
import { fromPaymentEvent } from '../payments/index.js';
import type { TransactionSelection } from './report-filer.js';

/** An event as the case timeline and the event log carry it (plain data). */
export interface CaseEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * A case as a report reads it: its subject, its timeline, and the events read for it from the
 * event log (`reportEventQuery` says which: those its typologies name, which may predate the
 * case and not be on its timeline, and optionally the subject's payments in the period).
 */
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
  /** Events read from the log for this report (default none: only the timeline's). */
  readonly events?: readonly CaseEvent[];
}

/** What a report needs read from the event log; the cases module's `CaseEventQuery` has this shape. */
export interface ReportEventQuery {
  readonly ids: readonly string[];
  readonly entities?: {
    readonly refs: readonly { readonly type: string; readonly id: string }[];
    readonly fromMs: number;
    readonly toMs: number;
    readonly limit: number;
  };
}

/**
 * The most events a report reads by entity (the subject's other payments): a period holding more
 * is a readiness problem (narrow `transactions.from` / `to`), never a silently cut report.
 */
export const maxSubjectEvents = 5000;

/** A typology that alerted on the case: its name, its rules' reasons, the events it rests on. */
export interface CaseTypology {
  readonly id: string;
  readonly reasons: readonly string[];
  readonly eventIds: readonly string[];
  /** Epoch ms of its contributions (to place the period). */
  readonly times: readonly number[];
}

/** The subject's payments a report carries, and the subject's events they came from. */
export interface SelectedPayments {
  readonly payments: readonly PaymentRecord[];
  readonly events: readonly CaseEvent[];
}

const dayMs = 86_400_000;
/** Calendar dates are the payer's local dates: widen a day's UTC bounds by the largest offsets. */
const offsetSlackMs = 14 * 3_600_000;

/** The account a case is about: the id of its subject entity (`payment_account:acct-1` → `acct-1`). */
export function subjectAccount(file: CaseFile): string {
  return splitEntityKey(file.subject).id;
}

function isCaseEvent(detail: unknown): detail is CaseEvent {
  if (typeof detail !== 'object' || detail === null) return false;
  const value = detail as Record<string, unknown>;
  return (
    typeof value.id === 'string' &&
    typeof value.type === 'string' &&
    typeof value.entities === 'object' &&
    value.entities !== null &&
    typeof value.data === 'object' &&
    value.data !== null
  );
}

/** The typologies that alerted on the case (its `typology:<name>:…` timeline entries), merged by name. */
export function caseTypologies(file: CaseFile): CaseTypology[] {
  const typologies = new Map<string, { reasons: Set<string>; eventIds: Set<string>; times: number[] }>();
  for (const entry of file.timeline) {
    const name = /^typology:([a-z0-9_]+):/.exec(entry.ref)?.[1];
    if (name === undefined) continue;
    const typology = typologies.get(name) ?? { reasons: new Set(), eventIds: new Set(), times: [] };
    const contributions = (entry.detail as { contributions?: unknown } | null)?.contributions;
    for (const contribution of Array.isArray(contributions) ? contributions : []) {
      const { reason, eventId, timeMs } = (contribution ?? {}) as Record<string, unknown>;
      if (typeof reason === 'string') typology.reasons.add(reason);
      if (typeof eventId === 'string') typology.eventIds.add(eventId);
      if (typeof timeMs === 'number' && Number.isFinite(timeMs)) typology.times.push(timeMs);
    }
    typologies.set(name, typology);
  }
  return [...typologies].map(([id, typology]) => ({
    id,
    reasons: [...typology.reasons],
    eventIds: [...typology.eventIds],
    times: typology.times,
  }));
}

/** Every event the case knows, by id: its timeline's and those read from the log. */
function knownEvents(file: CaseFile): Map<string, CaseEvent> {
  const events = new Map<string, CaseEvent>();
  for (const event of file.events ?? []) events.set(event.id, event);
  for (const entry of file.timeline) {
    if ((entry.kind === 'event' || entry.kind === 'match') && isCaseEvent(entry.detail) && !events.has(entry.detail.id))
      events.set(entry.detail.id, { ...entry.detail, time: entry.time });
  }
  return events;
}

/**
 * The period in which the subject's other payments are looked for (epoch ms, both ends
 * included): `selection.from`/`to` when given (whole UTC days widened by ±14 h, the largest
 * offsets, since payments carry the payer's local time), otherwise from the case's first
 * alerting contribution minus `lookbackDays` to its last timeline entry or contribution.
 */
export function selectionPeriod(file: CaseFile, selection: TransactionSelection): { fromMs: number; toMs: number } {
  const times = [
    ...caseTypologies(file).flatMap((typology) => typology.times),
    ...file.timeline.map((entry) => Date.parse(entry.time)).filter((time) => !Number.isNaN(time)),
  ];
  const first = times.length === 0 ? 0 : Math.min(...times);
  const last = times.length === 0 ? 0 : Math.max(...times);
  return {
    fromMs:
      selection.from === undefined
        ? first - selection.lookbackDays * dayMs
        : Date.parse(`${selection.from}T00:00:00Z`) - offsetSlackMs,
    toMs: selection.to === undefined ? last : Date.parse(`${selection.to}T23:59:59.999Z`) + offsetSlackMs,
  };
}

/**
 * What the caller must read from the event log for this case's report: the events its
 * typologies name (by id) and, when the filer includes the subject's other payments, the
 * events naming the subject's account as payer or payee within `selectionPeriod`. Pure.
 */
export function reportEventQuery(file: CaseFile, selection: TransactionSelection): ReportEventQuery {
  const ids = [...new Set(caseTypologies(file).flatMap((typology) => typology.eventIds))];
  if (!selection.includeOtherSubjectPayments) return { ids };
  const account = subjectAccount(file);
  return {
    ids,
    entities: {
      refs: [
        { type: 'payment_account', id: account },
        { type: 'payee_account', id: account },
      ],
      ...selectionPeriod(file, selection),
      limit: maxSubjectEvents,
    },
  };
}

/** True when `record` is paid by or to `account`. */
export function involves(record: PaymentRecord, account: string): boolean {
  return record.payer.account === account || record.payee.account === account;
}

/**
 * The subject's payments a report carries: exactly those the case's typologies rest on (the
 * events their contributions name, whether on the timeline or read from the log) and, when the
 * filer includes them, the subject's other payments in `selectionPeriod`; never a payment that
 * does not involve the subject's account, whoever else joined the case. Oldest first. Pure.
 */
export function selectReportPayments(file: CaseFile, selection: TransactionSelection): SelectedPayments {
  const account = subjectAccount(file);
  const events = knownEvents(file);
  const chosen = new Set(caseTypologies(file).flatMap((typology) => typology.eventIds));
  if (selection.includeOtherSubjectPayments) {
    const period = selectionPeriod(file, selection);
    for (const event of events.values()) {
      const time = Date.parse(event.time);
      if (time >= period.fromMs && time <= period.toMs) chosen.add(event.id);
    }
  }
  const selected: { record: PaymentRecord; event: CaseEvent }[] = [];
  for (const id of chosen) {
    const event = events.get(id);
    const record = event === undefined ? undefined : fromPaymentEvent(event);
    if (event !== undefined && record !== undefined && involves(record, account)) selected.push({ record, event });
  }
  selected.sort(
    (a, b) => Date.parse(a.record.time) - Date.parse(b.record.time) || a.record.id.localeCompare(b.record.id),
  );
  return { payments: selected.map((item) => item.record), events: selected.map((item) => item.event) };
}
