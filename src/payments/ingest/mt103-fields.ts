import type { MtField, MtFields } from './mt-text-block.js';
import { isIsoDate } from './payment-fields.js';
import { paymentInvalid, quoted } from './payment-invalid.js';

/**
 * The syntax of the MT103 fields Prevail reads, as the SWIFT network enforces it (so every real
 * MT103 fits), each check throwing `PAYMENT_INVALID` at `where(line)` naming the field. The limits
 * also bound what one field can carry: a megabyte of remittance text is refused, not stored.
 */

/** Names a position for an error: `message 3, line 41`. */
export type Where = (line: number) => string;

/** What a party field (50a, 59a) says about its party, with the tags the values come from. */
export interface MtParty {
  readonly tag: string;
  readonly account?: string | undefined;
  readonly name?: string | undefined;
  readonly country?: string | undefined;
  readonly birthDate?: string | undefined;
  readonly birthCountry?: string | undefined;
  readonly line: number;
}

const bicPattern = /^[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
const amountPattern = /^\d+,\d*$/;
const timeIndication = /^\/([A-Z0-9]{1,8})\/(\d{2})(\d{2})([+-])(\d{2})(\d{2})$/;

function fail(where: Where, field: MtField, reason: string): never {
  throw paymentInvalid(where(field.line), `field ${field.tag}: ${reason}`);
}

/**
 * The one field among `tags` (the options of one field, e.g. 50A, 50F, 50K), or `undefined`.
 * Two options, or a field given twice, are errors: MT103 has one of each.
 */
export function oneOf(fields: MtFields, tags: readonly string[], where: Where): MtField | undefined {
  let found: MtField | undefined;
  for (const tag of tags) {
    const list = fields.get(tag);
    if (list === undefined) continue;
    const first = list[0] as MtField;
    if (list.length > 1) fail(where, list[1] as MtField, `given twice (first at line ${first.line})`);
    if (found !== undefined) {
      throw paymentInvalid(where(first.line), `fields ${found.tag} and ${first.tag} both given (MT103 has one)`);
    }
    found = first;
  }
  return found;
}

/** Checks a field's shape: at most `maxLines` lines of at most `maxLength` characters. */
function checkLines(field: MtField, maxLines: number, maxLength: number, where: Where): void {
  if (field.lines.length > maxLines) {
    fail(where, field, `${field.lines.length} lines, at most ${maxLines}`);
  }
  field.lines.forEach((line, index) => {
    if (line.length > maxLength) {
      fail(where, field, `line ${index + 1} has ${line.length} characters, at most ${maxLength}`);
    }
  });
}

/** Field 20, the sender's reference (`16x`, no `/` at either end, no `//`). */
export function senderReference(field: MtField, where: Where): string {
  checkLines(field, 1, 16, where);
  const text = field.lines[0] ?? '';
  if (text.trim() === '') fail(where, field, 'empty');
  if (text.startsWith('/') || text.endsWith('/') || text.includes('//')) {
    fail(where, field, `a reference may not start or end with "/" nor hold "//": ${quoted(text)}`);
  }
  return text;
}

/** Field 23B, the bank operation code (`4!c`): checked, not mapped. */
export function checkOperationCode(field: MtField, where: Where): void {
  checkLines(field, 1, 4, where);
  if (!/^[A-Z0-9]{4}$/.test(field.lines[0] ?? '')) fail(where, field, `not a code of 4 letters or digits`);
}

/** Field 71A, the details of charges (`BEN`, `OUR` or `SHA`): checked, not mapped. */
export function checkCharges(field: MtField, where: Where): void {
  checkLines(field, 1, 3, where);
  if (!/^(?:BEN|OUR|SHA)$/.test(field.lines[0] ?? '')) {
    fail(where, field, `expected BEN, OUR or SHA, got ${quoted(field.lines[0] ?? '')}`);
  }
}

/**
 * An MT amount (`15d`): digits, a decimal comma that SWIFT requires, at most 15 characters
 * (`1000,00`, `1000,`, `0,5`), as the decimal text the shared checks read (`1000.00`).
 */
function amountText(text: string, field: MtField, where: Where): string {
  if (text.length > 15 || !amountPattern.test(text)) {
    fail(
      where,
      field,
      `not an MT amount (digits and one decimal comma, at most 15 characters, e.g. 1000,00): ${quoted(text)}`,
    );
  }
  return text.replace(',', '.');
}

/** An ISO 4217 code's shape (`[A-Z]{3}`), checked here too for 32A's currency when 33B gives the record's. */
function currencyCode(text: string, field: MtField, where: Where): string {
  if (!/^[A-Z]{3}$/.test(text)) fail(where, field, `not an ISO 4217 currency code: ${quoted(text)}`);
  return text;
}

/** `YYMMDD` as `YYYY-MM-DD`: years 00–79 are 2000–2079, 80–99 are 1980–1999 (SWIFT's window). */
function valueDate(text: string, field: MtField, where: Where): string {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  const year = match === null ? 0 : Number(match[1]);
  const date = match === null ? '' : `${year < 80 ? 2000 + year : 1900 + year}-${match[2]}-${match[3]}`;
  if (!isIsoDate(date)) fail(where, field, `the value date is not a real YYMMDD date: ${quoted(text)}`);
  return date;
}

/** Field 32A: value date `YYYY-MM-DD`, currency and amount (decimal text). */
export function valueDateAmount(field: MtField, where: Where): { date: string; currency: string; amount: string } {
  checkLines(field, 1, Number.POSITIVE_INFINITY, where); // the amount's own limit bounds the line
  const text = field.lines[0] ?? '';
  return {
    date: valueDate(text.slice(0, 6), field, where),
    currency: currencyCode(text.slice(6, 9), field, where),
    amount: amountText(text.slice(9), field, where),
  };
}

/** Field 33B: the instructed currency and amount (decimal text). */
export function instructedAmount(field: MtField, where: Where): { currency: string; amount: string } {
  checkLines(field, 1, Number.POSITIVE_INFINITY, where);
  const text = field.lines[0] ?? '';
  return { currency: currencyCode(text.slice(0, 3), field, where), amount: amountText(text.slice(3), field, where) };
}

/**
 * Field 13C, a time indication `/CODE/hhmm±hhmm` (`/CLSTIME/0915+0100`): the time of day and
 * the offset from UTC as ISO-8601 `hh:mm:00±hh:mm`.
 */
export function timeOfDay(field: MtField, where: Where): string {
  checkLines(field, 1, 24, where);
  const match = timeIndication.exec(field.lines[0] ?? '');
  const [, , hour = '', minute = '', sign = '', offsetHour = '', offsetMinute = ''] = match ?? [];
  if (
    match === null ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(offsetHour) > 13 ||
    Number(offsetMinute) > 59
  ) {
    fail(where, field, `not a time indication /CODE/hhmm±hhmm: ${quoted(field.lines[0] ?? '')}`);
  }
  return `${hour}:${minute}:00${sign}${offsetHour}:${offsetMinute}`;
}

/** Field 70, remittance information (`4*35x`): its lines joined with a space. */
export function remittance(field: MtField, where: Where): string {
  checkLines(field, 4, 35, where);
  return field.lines.map((line) => line.trim()).join(' ');
}

/** The country of a BIC (its 5th and 6th characters), checking the BIC's shape (`4!a2!a2!c[3!c]`). */
function bicCountry(text: string, field: MtField, where: Where): string {
  const match = bicPattern.exec(text);
  if (match === null) fail(where, field, `not a BIC (4!a2!a2!c[3!c]): ${quoted(text)}`);
  return match[1] as string;
}

/** An account line `/34x` (its text without the slash), or `undefined` when the first line is not one. */
function accountLine(field: MtField, where: Where): string | undefined {
  const first = field.lines[0] ?? '';
  if (!first.startsWith('/')) return undefined;
  const account = first.slice(1);
  if (account.trim() === '' || account.length > 34) {
    fail(where, field, `the account line must hold 1 to 34 characters after "/": ${quoted(first)}`);
  }
  return account;
}

/**
 * An institution field (52A, 57A: an optional party identifier line, then a BIC): the BIC, whose
 * 5th and 6th characters are its country. Options other than A (a name and address, a location)
 * name no BIC.
 */
export function institutionBic(field: MtField, where: Where): string | undefined {
  if (!field.tag.endsWith('A')) return undefined;
  checkLines(field, 2, 37, where);
  if (field.lines.length === 2 && !(field.lines[0] ?? '').startsWith('/')) {
    fail(where, field, 'the first of two lines must be a party identifier starting with "/"');
  }
  const bic = field.lines[field.lines.length - 1] ?? '';
  bicCountry(bic, field, where);
  return bic;
}

/** The instruction codes field 23E may hold (the SWIFT network refuses any other). */
const instructionCodes: ReadonlySet<string> = new Set([
  'CHQB',
  'CORT',
  'HOLD',
  'INTC',
  'PHOB',
  'PHOI',
  'PHON',
  'REPA',
  'SDVA',
  'TELB',
  'TELE',
  'TELI',
]);

/**
 * Field 23E, an instruction (`4!c[/30x]`, e.g. `HOLD`, `PHOB/+63 2 0000 0000`): its code. The
 * additional information after the slash is checked, not kept (it may hold a phone number).
 */
export function instructionCode(field: MtField, where: Where): string {
  checkLines(field, 1, 35, where);
  const match = /^([A-Z]{4})(?:\/(.{1,30}))?$/.exec(field.lines[0] ?? '');
  if (match === null)
    fail(
      where,
      field,
      `not an instruction code with optional /information (4!c[/30x]): ${quoted(field.lines[0] ?? '')}`,
    );
  const code = match[1] as string;
  if (!instructionCodes.has(code)) {
    fail(where, field, `${quoted(code)} is not an MT103 instruction code (${[...instructionCodes].join(', ')})`);
  }
  return code;
}

/** Field 26T, the transaction type code (`3!c`, e.g. `K90`, a code of the sender's country's reporting list). */
export function transactionTypeCode(field: MtField, where: Where): string {
  checkLines(field, 1, 3, where);
  const code = field.lines[0] ?? '';
  if (!/^[A-Z0-9]{3}$/.test(code)) fail(where, field, `not a code of 3 letters or digits: ${quoted(code)}`);
  return code;
}

/** Field 72, sender to receiver information (`6*35x`): checked, not mapped (its codes are bilateral). */
export function checkSenderToReceiver(field: MtField, where: Where): void {
  checkLines(field, 6, 35, where);
}

/** Structured lines `n/text` (50F, 59F) by number, in order; `numbers` are the ones the option allows. */
function numberedLines(field: MtField, lines: readonly string[], numbers: string, where: Where): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const line of lines) {
    const match = /^(\d)\/(.*)$/.exec(line);
    if (match === null || !numbers.includes(match[1] as string)) {
      fail(where, field, `expected lines "n/text" with n one of ${[...numbers].join(', ')}, got ${quoted(line)}`);
    }
    const [, number = '', text = ''] = match;
    const list = result.get(number);
    if (list === undefined) result.set(number, [text]);
    else list.push(text);
  }
  return result;
}

/** `CC/TOWN` (or `CC`): the country code before the first slash. */
function countryOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const slash = text.indexOf('/');
  return slash === -1 ? text : text.slice(0, slash);
}

/**
 * The ordering customer (50A, 50F or 50K) or the beneficiary (59, 59A or 59F):
 * - `50K`, `59`: an optional account line `/ACCOUNT`, then up to 4 lines of name and address,
 *   the first being the name (addresses are not kept: the record has no field for them);
 * - `50A`, `59A`: an optional account line, then the party's BIC, whose country it gives;
 * - `50F`: the party identifier (`/ACCOUNT`, or `CODE/CC/ID` such as `CCPT/GB/123`, kept whole as
 *   the account), then numbered lines: `1/` name (repeated lines joined with a space), `2/`
 *   address, `3/CC/TOWN` country, `4/YYYYMMDD` birth date, `5/CC/TOWN` place of birth, `6/` and
 *   `7/` identification numbers, `8/` more of the line before (2, 6 and 7 are checked, not kept);
 * - `59F`: an optional account line, then `1/` name, `2/` address and `3/CC/TOWN` country.
 */
export function partyOf(field: MtField, where: Where): MtParty {
  const tag = field.tag;
  const line = field.line;
  if (tag === '50F') {
    checkLines(field, 5, 35, where);
    const first = field.lines[0] ?? '';
    let account: string | undefined;
    if (first.startsWith('/')) account = accountLine(field, where);
    else if (/^[A-Z]{4}\/[A-Z]{2}\/.{1,27}$/.test(first)) account = first;
    else fail(where, field, `the first line must be /ACCOUNT or CODE/CC/IDENTIFIER, got ${quoted(first)}`);
    const numbered = numberedLines(field, field.lines.slice(1), '12345678', where);
    const birth = numbered.get('4')?.[0];
    let birthDate: string | undefined;
    if (birth !== undefined) {
      birthDate = /^\d{8}$/.test(birth) ? `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}` : birth;
      if (!isIsoDate(birthDate)) fail(where, field, `4/ is not a real YYYYMMDD date of birth: ${quoted(birth)}`);
    }
    return {
      tag,
      line,
      account,
      name: numbered.get('1')?.join(' '),
      country: countryOf(numbered.get('3')?.[0]),
      birthDate,
      birthCountry: countryOf(numbered.get('5')?.[0]),
    };
  }
  const account = accountLine(field, where);
  const rest = account === undefined ? field.lines : field.lines.slice(1);
  if (tag === '50A' || tag === '59A') {
    checkLines(field, 2, 35, where);
    if (rest.length !== 1) fail(where, field, 'expected an optional /ACCOUNT line and a BIC');
    return { tag, line, account, country: bicCountry(rest[0] ?? '', field, where) };
  }
  checkLines(field, 5, 35, where);
  if (rest.length > 4) fail(where, field, `${rest.length} lines of name and address, at most 4`);
  if (tag === '59F') {
    const numbered = numberedLines(field, rest, '123', where);
    return {
      tag,
      line,
      account,
      name: numbered.get('1')?.join(' '),
      country: countryOf(numbered.get('3')?.[0]),
    };
  }
  return { tag, line, account, name: rest[0] };
}
