import { type PartyType, type PaymentChannel, type PaymentRecord, paymentChannels } from '../payment-record.js';
import { checkPaymentEvent, type PaymentEventCheck } from './event-check.js';
import { quoted } from './payment-invalid.js';

/**
 * One payment as a format read it, before any check: every field is whatever the input held
 * (text from XML and CSV; text, numbers or arrays from JSON). `completePayment` turns it into a
 * `PaymentRecord` or names the first field that is wrong. The names are `PaymentRecord`'s,
 * flattened (`payerCountry` is `payer.country`).
 */
export interface PaymentDraft {
  id?: unknown;
  time?: unknown;
  amount?: unknown;
  currency?: unknown;
  /** Only JSON Lines and CSV carry it; every other format derives it from `time`. */
  localHour?: unknown;
  payerAccount?: unknown;
  payerName?: unknown;
  payerCountry?: unknown;
  payerType?: unknown;
  payerBirthDate?: unknown;
  payerBirthCountry?: unknown;
  payerAgentBic?: unknown;
  payeeAccount?: unknown;
  payeeName?: unknown;
  payeeCountry?: unknown;
  payeeType?: unknown;
  payeeBirthDate?: unknown;
  payeeBirthCountry?: unknown;
  payeeAgentBic?: unknown;
  remittanceInfo?: unknown;
  purpose?: unknown;
  categoryPurpose?: unknown;
  localInstrument?: unknown;
  serviceLevel?: unknown;
  /** An array of strings, or one string with codes separated by `;` (CSV). */
  instructionCodes?: unknown;
  channel?: unknown;
  declaredRelationship?: unknown;
  merchantCategory?: unknown;
  fundingInstrument?: unknown;
  payeeDocument?: unknown;
  /** An array of strings, or one string with tags separated by `;` (CSV). */
  cryptoRiskTags?: unknown;
}

/** A field of a `PaymentDraft`. */
export type PaymentDraftField = keyof PaymentDraft;

/**
 * Reports a bad field and never returns: `reason` says what is wrong, or is `undefined` when a
 * required field is missing. Each format turns the field into its own name for it (an element
 * path, a column, a JSON path) and throws `PAYMENT_INVALID` with the position.
 */
export type FieldFailure = (field: PaymentDraftField, reason: string | undefined) => never;

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const decimal = /^\+?(?:\d+(?:\.\d*)?|\.\d+)$/;
const currencyCode = /^[A-Z]{3}$/;
const countryCode = /^[A-Z]{2}$/;
/** A BIC (ISO 9362): 4 letters (institution), 2 letters (country), 2 letters or digits (location), an optional branch. */
const bicCode = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
/** An instruction code (ISO Instruction3Code, MT103 23E): 4 letters or digits. */
const instructionCode = /^[A-Z0-9]{4}$/;
/** The most instruction codes one payment may carry (the `payment.sent` event's limit; real messages have one or two). */
const maxInstructionCodes = 20;
const channels: ReadonlySet<string> = new Set(paymentChannels);

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (daysInMonth[month - 1] ?? 0) + (leap ? 1 : 0);
}

/** Sentinel of `readTime`: the time is valid but has no offset, so no local hour. */
const noOffset = -1;

/**
 * Reads a time once for both checks: the local hour (0–23) when it carries an offset,
 * `noOffset` when it does not, or the reason it is not a valid time.
 */
function readTime(text: string): number | string {
  const match = isoDateTime.exec(text);
  if (match === null) return `not an ISO-8601 date-time (YYYY-MM-DDThh:mm:ss±hh:mm): ${quoted(text)}`;
  const [, year, month, day, hour, minute, second, offset] = match;
  const valid =
    validCalendarDate(Number(year), Number(month), Number(day)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    (second === undefined || Number(second) <= 59) &&
    !Number.isNaN(Date.parse(text));
  if (!valid) return `not a valid date-time: ${quoted(text)}`;
  return offset === undefined ? noOffset : Number(hour);
}

/**
 * Why `text` is not a time the engine accepts, or `undefined` when it is one: an ISO-8601
 * date-time `YYYY-MM-DDThh:mm[:ss[.fraction]]` with an optional offset (`Z` or `±hh:mm`), a real
 * calendar date, hours 0–23, and `Date.parse` must read it.
 */
export function timeProblem(text: string): string | undefined {
  const result = readTime(text);
  return typeof result === 'string' ? result : undefined;
}

/**
 * Why `text` is not a time an ISO 20022 message may carry, or `undefined` when it is one: a time
 * `timeProblem` accepts that also states its zone (`Z` or `±hh:mm`). A time without a zone is
 * ambiguous (the reader's own zone would decide the instant), so ISO 20022 inputs refuse it.
 */
export function zonedTimeProblem(text: string): string | undefined {
  const result = readTime(text);
  if (typeof result === 'string') return result;
  return result === noOffset ? zonelessReason(text) : undefined;
}

function zonelessReason(text: string): string {
  return `has no zone: expected YYYY-MM-DDThh:mm:ss with Z or ±hh:mm, got ${quoted(text)}`;
}

/** How `completePayment` checks beyond the rules every format shares. */
export interface CompleteOptions {
  /** Refuse a time without a zone (ISO 20022 XML and Tazama JSON, whose stated format has one). */
  readonly zoneRequired?: boolean;
  /** The engine's checks of the record's `payment.sent` event. */
  readonly checkEvent?: PaymentEventCheck | undefined;
}

/**
 * The hour 0–23 as written in an ISO-8601 time that carries an offset (`Z` included: the hour
 * is then the UTC hour, the best the message tells); `undefined` when the time has no offset,
 * since its zone is then unknown, or is not a valid time. The payer's channel records the time
 * in the payer's offset, so this is the payer's local hour (the night-time indicator reads it).
 *
 * @example localHourOf('2026-03-01T23:40:00+10:00') // 23
 */
export function localHourOf(time: string): number | undefined {
  const result = readTime(time);
  return typeof result === 'number' && result !== noOffset ? result : undefined;
}

/** True for `YYYY-MM-DD` naming a real calendar day. */
export function isIsoDate(text: string): boolean {
  const match = isoDate.exec(text);
  return match !== null && validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Reads a draft into a `PaymentRecord`, checking every field the way all formats share: id,
 * time, payer and payee accounts, amount and currency are required; the amount is a positive
 * decimal; currencies match `[A-Z]{3}` and countries `[A-Z]{2}`; party types are `individual`
 * or `organisation`; birth dates are `YYYY-MM-DD`; agent BICs are BICs (ISO 9362); instruction
 * codes have 4 letters or digits; the channel is one of `paymentChannels`.
 * Text is trimmed and empty text counts as absent. The result only has the optional fields that
 * are present (never a key holding `undefined`). With `options.zoneRequired` the time must state
 * its zone; with `options.checkEvent` the record's `payment.sent` event must also pass the
 * engine's checks. The first problem goes to `fail`.
 */
export function completePayment(draft: PaymentDraft, fail: FieldFailure, options: CompleteOptions = {}): PaymentRecord {
  const id = requiredText(draft, 'id', fail);
  const time = requiredText(draft, 'time', fail);
  const timeRead = readTime(time);
  if (typeof timeRead === 'string') fail('time', timeRead);
  if (options.zoneRequired === true && timeRead === noOffset) fail('time', zonelessReason(time));
  const amount = amountOf(draft, fail);
  const currency = requiredText(draft, 'currency', fail);
  if (!currencyCode.test(currency)) fail('currency', `not an ISO 4217 currency code: ${quoted(currency)}`);
  const payerAccount = requiredText(draft, 'payerAccount', fail);
  const payeeAccount = requiredText(draft, 'payeeAccount', fail);
  const record: Mutable<PaymentRecord> = {
    id,
    time,
    payer: party(
      draft,
      fail,
      payerAccount,
      'payerName',
      'payerCountry',
      'payerType',
      'payerBirthDate',
      'payerBirthCountry',
      'payerAgentBic',
    ),
    payee: party(
      draft,
      fail,
      payeeAccount,
      'payeeName',
      'payeeCountry',
      'payeeType',
      'payeeBirthDate',
      'payeeBirthCountry',
      'payeeAgentBic',
    ),
    amount,
    currency,
  };
  const localHour = localHourField(draft, timeRead === noOffset ? undefined : (timeRead as number), fail);
  if (localHour !== undefined) record.localHour = localHour;
  const remittanceInfo = optionalText(draft, 'remittanceInfo', fail);
  if (remittanceInfo !== undefined) record.remittanceInfo = remittanceInfo;
  const purpose = optionalText(draft, 'purpose', fail);
  if (purpose !== undefined) record.purpose = purpose;
  const categoryPurpose = optionalText(draft, 'categoryPurpose', fail);
  if (categoryPurpose !== undefined) record.categoryPurpose = categoryPurpose;
  const localInstrument = optionalText(draft, 'localInstrument', fail);
  if (localInstrument !== undefined) record.localInstrument = localInstrument;
  const serviceLevel = optionalText(draft, 'serviceLevel', fail);
  if (serviceLevel !== undefined) record.serviceLevel = serviceLevel;
  const instructionCodes = listOf(draft, 'instructionCodes', fail);
  if (instructionCodes !== undefined) {
    const bad = instructionCodes.find((code) => !instructionCode.test(code));
    if (bad !== undefined) fail('instructionCodes', `not an instruction code of 4 letters or digits: ${quoted(bad)}`);
    if (instructionCodes.length > maxInstructionCodes) {
      fail('instructionCodes', `${instructionCodes.length} instruction codes, at most ${maxInstructionCodes}`);
    }
    record.instructionCodes = instructionCodes;
  }
  const channel = optionalText(draft, 'channel', fail);
  if (channel !== undefined) {
    if (!channels.has(channel))
      fail('channel', `not a known channel (${paymentChannels.join(', ')}): ${quoted(channel)}`);
    record.channel = channel as PaymentChannel;
  }
  const declaredRelationship = optionalText(draft, 'declaredRelationship', fail);
  if (declaredRelationship !== undefined) record.declaredRelationship = declaredRelationship;
  const merchantCategory = optionalText(draft, 'merchantCategory', fail);
  if (merchantCategory !== undefined) record.merchantCategory = merchantCategory;
  const tags = listOf(draft, 'cryptoRiskTags', fail);
  if (tags !== undefined) record.cryptoRiskTags = tags;
  const fundingInstrument = optionalText(draft, 'fundingInstrument', fail);
  if (fundingInstrument !== undefined) record.fundingInstrument = fundingInstrument;
  const payeeDocument = optionalText(draft, 'payeeDocument', fail);
  if (payeeDocument !== undefined) record.payeeDocument = payeeDocument;
  if (options.checkEvent !== undefined) checkPaymentEvent(record, options.checkEvent, fail);
  return record;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function optionalText(draft: PaymentDraft, field: PaymentDraftField, fail: FieldFailure): string | undefined {
  const value = draft[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail(field, `expected text, got ${describe(value)}`);
  const text = value.trim();
  return text === '' ? undefined : text;
}

function requiredText(draft: PaymentDraft, field: PaymentDraftField, fail: FieldFailure): string {
  return optionalText(draft, field, fail) ?? fail(field, undefined);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${quoted(String(value))}`;
}

function amountOf(draft: PaymentDraft, fail: FieldFailure): number {
  const value = draft.amount;
  let amount: number;
  if (typeof value === 'number') {
    amount = value;
  } else {
    const text = requiredText(draft, 'amount', fail);
    if (!decimal.test(text)) return fail('amount', `not a decimal amount: ${quoted(text)}`);
    amount = Number(text);
  }
  if (!Number.isFinite(amount) || amount <= 0)
    fail('amount', `must be a positive amount, got ${quoted(String(value))}`);
  return amount;
}

function localHourField(draft: PaymentDraft, derived: number | undefined, fail: FieldFailure): number | undefined {
  const given = draft.localHour;
  if (given === undefined || given === null || given === '') return derived;
  const hour = typeof given === 'string' && /^\d{1,2}$/.test(given.trim()) ? Number(given.trim()) : given;
  if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) {
    return fail('localHour', `must be a whole hour 0–23, got ${describe(given)}`);
  }
  return hour;
}

/** A list field (`cryptoRiskTags`, `instructionCodes`): an array of text, or one text with items separated by `;`. */
function listOf(
  draft: PaymentDraft,
  field: 'cryptoRiskTags' | 'instructionCodes',
  fail: FieldFailure,
): readonly string[] | undefined {
  const value = draft[field];
  if (value === undefined || value === null) return undefined;
  const items = typeof value === 'string' ? value.split(';') : value;
  if (!Array.isArray(items)) return fail(field, `expected a list of text, got ${describe(value)}`);
  const list: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return fail(field, `expected text items, got ${describe(item)}`);
    const text = item.trim();
    if (text !== '') list.push(text);
  }
  return list.length === 0 ? undefined : list;
}

function party(
  draft: PaymentDraft,
  fail: FieldFailure,
  account: string,
  nameField: PaymentDraftField,
  countryField: PaymentDraftField,
  typeField: PaymentDraftField,
  birthDateField: PaymentDraftField,
  birthCountryField: PaymentDraftField,
  agentBicField: PaymentDraftField,
): PaymentRecord['payer'] {
  const result: Mutable<PaymentRecord['payer']> = { account };
  const name = optionalText(draft, nameField, fail);
  if (name !== undefined) result.name = name;
  const country = optionalText(draft, countryField, fail);
  if (country !== undefined) {
    if (!countryCode.test(country)) fail(countryField, `not an ISO 3166-1 alpha-2 country code: ${quoted(country)}`);
    result.country = country;
  }
  const type = optionalText(draft, typeField, fail);
  if (type !== undefined) {
    if (type !== 'individual' && type !== 'organisation') {
      fail(typeField, `must be individual or organisation, got ${quoted(type)}`);
    }
    result.type = type as PartyType;
  }
  const birthDate = optionalText(draft, birthDateField, fail);
  if (birthDate !== undefined) {
    if (!isIsoDate(birthDate)) fail(birthDateField, `not a YYYY-MM-DD date: ${quoted(birthDate)}`);
    result.birthDate = birthDate;
  }
  const birthCountry = optionalText(draft, birthCountryField, fail);
  if (birthCountry !== undefined) {
    if (!countryCode.test(birthCountry)) {
      fail(birthCountryField, `not an ISO 3166-1 alpha-2 country code: ${quoted(birthCountry)}`);
    }
    result.birthCountry = birthCountry;
  }
  const agentBic = optionalText(draft, agentBicField, fail);
  if (agentBic !== undefined) {
    if (!bicCode.test(agentBic)) fail(agentBicField, `not a BIC (4!a2!a2!c[3!c]): ${quoted(agentBic)}`);
    result.agentBic = agentBic;
  }
  return result;
}

/** `describe(field)`: the message text for a failure, `missing X` or `X: reason`. */
export function problemText(label: string, reason: string | undefined): string {
  return reason === undefined ? `missing ${label}` : `${label}: ${reason}`;
}

/**
 * Keeps ids unique within one input: the engine derives event ids from them, so a repeated id
 * would silently merge two payments. Holds every id seen (about 100 bytes each).
 */
export class SeenIds {
  private readonly ids = new Set<string>();

  /** False when `id` was already seen; records it otherwise. */
  claim(id: string): boolean {
    const before = this.ids.size;
    this.ids.add(id);
    return this.ids.size !== before;
  }
}
