import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import {
  completePayment,
  type PaymentDraft,
  type PaymentDraftField,
  problemText,
  type SeenIds,
} from './payment-fields.js';
import { paymentInvalid, quoted } from './payment-invalid.js';

/** A value found in a message, with its JSON path (`FIToFICstmrCdtTrf.CdtTrfTxInf.Dbtr.Nm`). */
interface Found {
  readonly value: unknown;
  readonly path: string;
}

/**
 * Where a message sits in its input: `line` for JSON Lines (`line 4`), `prefix` for an array of
 * messages (`[3].`). Errors read `line 4: FIToFICstmrCdtTrf.GrpHdr.CreDtTm: ...` or
 * `[3].FIToFICstmrCdtTrf.CdtTrfTxInf.Dbtr.Nm: expected text`.
 */
export interface MessageLocation {
  readonly line: string;
  readonly prefix: string;
}

function fail(location: MessageLocation, path: string, reason: string | undefined): never {
  const full = `${location.prefix}${path}`.replace(/\.$/, '') || 'the message';
  throw paymentInvalid(location.line, problemText(full, reason));
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Walks `keys` down from `from`. A repeated element (a JSON array, as Tazama writes `Othr`) is
 * entered at its first item, and the path says so (`Othr[0].Id`). A missing step gives an
 * undefined value with the path it would have had; a step into text or a number is an error.
 */
function walk(from: Found, keys: readonly string[], location: MessageLocation): Found {
  let { value, path } = from;
  for (const key of keys) {
    if (Array.isArray(value)) {
      path = `${path}[0]`;
      value = value[0];
    }
    if (value === undefined || value === null) {
      value = undefined;
      path = join(path, key);
      continue;
    }
    if (!isRecord(value)) fail(location, path, 'expected an object');
    value = value[key];
    path = join(path, key);
  }
  return { value, path };
}

function present(found: Found): boolean {
  return found.value !== undefined && found.value !== null && found.value !== '';
}

/** The first candidate that holds a value, else the first one (so a missing field names where it belongs). */
function firstPresent(candidates: readonly Found[]): Found {
  return candidates.find(present) ?? candidates[0] ?? { value: undefined, path: '' };
}

/** Text that may repeat (`Ustrd`, `CryptoRiskTag`): one string or an array of strings. */
function repeatedText(found: Found, location: MessageLocation): string[] | undefined {
  if (!present(found)) return undefined;
  const items = Array.isArray(found.value) ? found.value : [found.value];
  const texts: string[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'string') {
      const path = Array.isArray(found.value) ? `${found.path}[${index}]` : found.path;
      fail(location, path, 'expected text');
    }
    if (item.trim() !== '') texts.push(item.trim());
  }
  return texts.length === 0 ? undefined : texts;
}

/** `InstrForCdtrAgt` (one object or an array of them): the `Cd` of each, in order. */
function instructionCodes(found: Found, location: MessageLocation): unknown[] | undefined {
  if (!present(found)) return undefined;
  const items = Array.isArray(found.value) ? found.value : [found.value];
  const codes: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const path = Array.isArray(found.value) ? `${found.path}[${index}]` : found.path;
    const code = walk({ value: item, path }, ['Cd'], location);
    if (present(code)) codes.push(code.value);
  }
  return codes.length === 0 ? undefined : codes;
}

function partyType(party: Found, location: MessageLocation): Found {
  const individual = walk(party, ['Id', 'PrvtId'], location);
  if (present(individual)) return { value: 'individual', path: individual.path };
  const organisation = walk(party, ['Id', 'OrgId'], location);
  return present(organisation) ? { value: 'organisation', path: organisation.path } : organisation;
}

/**
 * Reads one Tazama pacs.008 message (the JSON form Tazama's TMS API takes at
 * `/v1/evaluate/iso20022/pacs.008.001.10`) into one record per `CdtTrfTxInf` (Tazama sends one,
 * as an object; an array is read item by item). The mapping is the XML one with JSON paths;
 * Tazama keeps `RmtInf` and `SplmtryData` beside `CdtTrfTxInf`, so both places are read, the
 * transaction's first. Amounts may be JSON numbers or decimal strings.
 *
 * Errors carry the message's `location`; ids must be new to `seen`.
 */
export function recordsOfTazamaMessage(
  message: unknown,
  location: MessageLocation,
  seen: SeenIds,
  checkEvent?: PaymentEventCheck,
): PaymentRecord[] {
  if (!isRecord(message)) return fail(location, '', 'expected a JSON object');
  const type = message.TxTp;
  if (typeof type === 'string' && !type.startsWith('pacs.008')) {
    fail(location, 'TxTp', `only pacs.008 messages are read, this is ${quoted(type)}`);
  }
  const root: Found = { value: message, path: '' };
  const body = walk(root, ['FIToFICstmrCdtTrf'], location);
  if (!isRecord(body.value)) fail(location, body.path, body.value === undefined ? undefined : 'expected an object');
  const transactions = walk(body, ['CdtTrfTxInf'], location);
  const items: Found[] = Array.isArray(transactions.value)
    ? transactions.value.map((value, index) => ({ value, path: `${transactions.path}[${index}]` }))
    : present(transactions)
      ? [transactions]
      : [];
  const count = walk(body, ['GrpHdr', 'NbOfTxs'], location);
  if (present(count) && String(count.value).trim() !== String(items.length)) {
    fail(location, count.path, `is ${quoted(String(count.value))} but the message has ${items.length} CdtTrfTxInf`);
  }
  return items.map((transaction) => {
    const record = recordOfTransaction(body, transaction, location, checkEvent);
    if (!seen.claim(record.id))
      fail(location, transaction.path, `transaction id ${quoted(record.id)} repeats an earlier one`);
    return record;
  });
}

function recordOfTransaction(
  body: Found,
  transaction: Found,
  location: MessageLocation,
  checkEvent: PaymentEventCheck | undefined,
): PaymentRecord {
  const at = (from: Found, ...keys: string[]) => walk(from, keys, location);
  const found: Partial<Record<PaymentDraftField, Found>> = {};
  const endToEnd = at(transaction, 'PmtId', 'EndToEndId');
  found.id = firstPresent([
    at(transaction, 'PmtId', 'TxId'),
    endToEnd.value === 'NOTPROVIDED' ? { value: undefined, path: endToEnd.path } : endToEnd,
    at(transaction, 'PmtId', 'InstrId'),
  ]);
  found.time = firstPresent([at(transaction, 'AccptncDtTm'), at(body, 'GrpHdr', 'CreDtTm')]);
  const amountElement = present(at(transaction, 'InstdAmt')) ? 'InstdAmt' : 'IntrBkSttlmAmt';
  const amount = at(transaction, amountElement);
  const nested = isRecord(amount.value) && isRecord(amount.value.Amt);
  found.amount = nested ? at(amount, 'Amt', 'Amt') : at(amount, 'Amt');
  found.currency = nested ? at(amount, 'Amt', 'Ccy') : at(amount, 'Ccy');
  for (const [side, party, account, agent] of [
    ['payer', 'Dbtr', 'DbtrAcct', 'DbtrAgt'],
    ['payee', 'Cdtr', 'CdtrAcct', 'CdtrAgt'],
  ] as const) {
    const partyFound = at(transaction, party);
    const accountFound = at(transaction, account);
    found[`${side}Account`] = firstPresent([
      at(accountFound, 'Id', 'IBAN'),
      at(accountFound, 'Id', 'Othr', 'Id'),
      at(partyFound, 'Id', 'PrvtId', 'Othr', 'Id'),
      at(partyFound, 'Id', 'OrgId', 'Othr', 'Id'),
    ]);
    found[`${side}Name`] = at(partyFound, 'Nm');
    found[`${side}Country`] = firstPresent([
      at(partyFound, 'PstlAdr', 'Ctry'),
      at(partyFound, 'CtryOfRes'),
      at(transaction, agent, 'FinInstnId', 'PstlAdr', 'Ctry'),
    ]);
    found[`${side}Type`] = partyType(partyFound, location);
    found[`${side}BirthDate`] = at(partyFound, 'Id', 'PrvtId', 'DtAndPlcOfBirth', 'BirthDt');
    found[`${side}BirthCountry`] = at(partyFound, 'Id', 'PrvtId', 'DtAndPlcOfBirth', 'CtryOfBirth');
    found[`${side}AgentBic`] = firstPresent([
      at(transaction, agent, 'FinInstnId', 'BICFI'),
      at(transaction, agent, 'FinInstnId', 'BIC'),
    ]);
  }
  found.purpose = firstPresent([at(transaction, 'Purp', 'Cd'), at(transaction, 'Purp', 'Prtry')]);
  const paymentType = at(transaction, 'PmtTpInf');
  const codeOrProprietary = (element: string) =>
    firstPresent([at(paymentType, element, 'Cd'), at(paymentType, element, 'Prtry')]);
  found.categoryPurpose = codeOrProprietary('CtgyPurp');
  found.localInstrument = codeOrProprietary('LclInstrm');
  found.serviceLevel = codeOrProprietary('SvcLvl');
  const instructions = at(transaction, 'InstrForCdtrAgt');
  const remittance = firstPresent([at(transaction, 'RmtInf', 'Ustrd'), at(body, 'RmtInf', 'Ustrd')]);
  const extension = firstPresent([
    at(transaction, 'SplmtryData', 'Envlp', 'Prevail'),
    at(body, 'SplmtryData', 'Envlp', 'Prevail'),
  ]);
  found.channel = at(extension, 'Channel');
  found.declaredRelationship = at(extension, 'DeclaredRelationship');
  found.merchantCategory = at(extension, 'MerchantCategory');
  found.fundingInstrument = at(extension, 'FundingInstrument');
  found.payeeDocument = at(extension, 'PayeeDocument');
  const tags = at(extension, 'CryptoRiskTag');

  const draft: PaymentDraft = {};
  for (const [field, value] of Object.entries(found) as [PaymentDraftField, Found][]) draft[field] = value.value;
  draft.remittanceInfo = repeatedText(remittance, location)?.join(' ');
  draft.cryptoRiskTags = repeatedText(tags, location);
  draft.instructionCodes = instructionCodes(instructions, location);
  found.remittanceInfo = remittance;
  found.cryptoRiskTags = tags;
  found.instructionCodes = instructions;
  return completePayment(draft, (field, reason) => fail(location, found[field]?.path ?? field, reason), {
    zoneRequired: true,
    checkEvent,
  });
}
