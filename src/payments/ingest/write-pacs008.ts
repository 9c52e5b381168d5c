import { randomUUID } from 'node:crypto';
import { EngineError } from '../../core/index.js';
import { escapeXmlText as escapeXml, unwritableCharacter, unwritableReason } from '../../xml/index.js';
import type { PaymentParty, PaymentRecord } from '../payment-record.js';
import { completePayment, zonedTimeProblem } from './payment-fields.js';
import { quoted } from './payment-invalid.js';
import { draftFromNestedObject, nestedFieldPath } from './record-draft.js';

/** The namespace the writer declares: pacs.008.001.08, the version SWIFT CBPR+ and most schemes use. */
export const pacs008Namespace = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';

/** The namespace of Prevail's supplementary-data extension (`SplmtryData/Envlp/Prevail`). */
export const prevailExtensionNamespace = 'urn:prevail:payments:extension:1';

/** Options of `writePacs008`. */
export interface Pacs008WriteOptions {
  /** `GrpHdr/MsgId`, 1–35 characters; a random id by default. */
  readonly messageId?: string;
  /** `GrpHdr/CreDtTm`, an ISO-8601 date-time; now (UTC) by default. */
  readonly createdAt?: string;
}

/** Options of `pacs008Chunks`. */
export interface Pacs008ChunkOptions extends Pacs008WriteOptions {
  /**
   * `GrpHdr/NbOfTxs`: the header is written before the records are read, so the count must be
   * known; when the records turn out to be a different number, the last chunk throws.
   */
  readonly numberOfTransactions: number;
  /** Transactions per yielded chunk, 1,000 by default. */
  readonly transactionsPerChunk?: number;
}

const ibanPattern = /^[A-Z]{2}[0-9]{2}[A-Za-z0-9]{1,30}$/;
const purposeCodePattern = /^[A-Z0-9]{1,4}$/;
/** `LclInstrm/Cd` is an ExternalLocalInstrument1Code (up to 35 characters). */
const localInstrumentCodePattern = /^[A-Z0-9]{1,35}$/;
/** `InstrForCdtrAgt/Cd` in pacs.008.001.08 is an Instruction3Code: only these four. */
const creditorAgentInstructions: ReadonlySet<string> = new Set(['CHQB', 'HOLD', 'PHOB', 'TELB']);

/**
 * A positive number as a plain decimal (`0.0000001`, never `1e-7`: `xs:decimal` has no exponent),
 * with the shortest digits that read back as the same number.
 */
export function formatAmount(amount: number): string {
  const text = String(amount);
  const exponentAt = text.indexOf('e');
  if (exponentAt === -1) return text;
  const exponent = Number(text.slice(exponentAt + 1));
  const [whole = '', fraction = ''] = text.slice(0, exponentAt).split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function unwritable(index: number, record: PaymentRecord, reason: string): EngineError {
  return new EngineError('PAYMENT_INVALID', `record ${index} (id ${quoted(String(record.id))}): ${reason}`);
}

/**
 * Checks that a record can be written and read back as it is: it must pass the readers' own
 * checks, hold only characters XML can carry, and carry birth data only for an individual
 * (pacs.008 has birth data only under `PrvtId`, which reads back as `individual`).
 */
function checkWritable(record: PaymentRecord, index: number): void {
  completePayment(
    draftFromNestedObject(record as unknown as Readonly<Record<string, unknown>>),
    (field, reason) => {
      const path = nestedFieldPath[field];
      throw unwritable(index, record, reason === undefined ? `missing ${path}` : `${path}: ${reason}`);
    },
    { zoneRequired: true },
  );
  const texts: [string, string | undefined][] = [
    ['id', record.id],
    ['payer.account', record.payer.account],
    ['payer.name', record.payer.name],
    ['payee.account', record.payee.account],
    ['payee.name', record.payee.name],
    ['remittanceInfo', record.remittanceInfo],
    ['purpose', record.purpose],
    ['categoryPurpose', record.categoryPurpose],
    ['localInstrument', record.localInstrument],
    ['serviceLevel', record.serviceLevel],
    ['declaredRelationship', record.declaredRelationship],
    ['merchantCategory', record.merchantCategory],
    ['fundingInstrument', record.fundingInstrument],
    ['payeeDocument', record.payeeDocument],
    ...(record.cryptoRiskTags ?? []).map((tag): [string, string] => ['cryptoRiskTags', tag]),
  ];
  for (const [path, text] of texts) {
    const reason = text === undefined ? undefined : unwritableReason(path, text);
    if (reason !== undefined) throw unwritable(index, record, reason);
  }
  const instruction = record.instructionCodes?.find((code) => !creditorAgentInstructions.has(code));
  if (instruction !== undefined) {
    throw unwritable(
      index,
      record,
      `instructionCodes: pacs.008.001.08 carries only CHQB, HOLD, PHOB and TELB in InstrForCdtrAgt/Cd, not ${quoted(instruction)}`,
    );
  }
  for (const side of ['payer', 'payee'] as const) {
    const party = record[side];
    if ((party.birthDate !== undefined || party.birthCountry !== undefined) && party.type !== 'individual') {
      throw unwritable(
        index,
        record,
        `${side} has birth data but is not an individual (pacs.008 carries it under PrvtId only)`,
      );
    }
  }
}

function element(name: string, text: string | undefined): string {
  return text === undefined || text === '' ? '' : `<${name}>${escapeXml(text)}</${name}>`;
}

function partyXml(name: string, party: PaymentParty): string {
  let identification = '';
  const other = `<Othr><Id>${escapeXml(party.account)}</Id></Othr>`;
  if (party.type === 'individual') {
    const birth =
      party.birthDate === undefined && party.birthCountry === undefined
        ? ''
        : `<DtAndPlcOfBirth>${element('BirthDt', party.birthDate)}<CityOfBirth>NOTPROVIDED</CityOfBirth>${element('CtryOfBirth', party.birthCountry)}</DtAndPlcOfBirth>`;
    identification = `<Id><PrvtId>${birth}${other}</PrvtId></Id>`;
  } else if (party.type === 'organisation') {
    identification = `<Id><OrgId>${other}</OrgId></Id>`;
  }
  const address = party.country === undefined ? '' : `<PstlAdr><Ctry>${party.country}</Ctry></PstlAdr>`;
  return `<${name}>${element('Nm', party.name)}${address}${identification}</${name}>`;
}

function accountXml(name: string, account: string): string {
  const id = ibanPattern.test(account) ? `<IBAN>${account}</IBAN>` : `<Othr><Id>${escapeXml(account)}</Id></Othr>`;
  return `<${name}><Id>${id}</Id></${name}>`;
}

function agentXml(name: string, bic: string | undefined): string {
  const id = bic === undefined ? '<Othr><Id>NOTPROVIDED</Id></Othr>' : `<BICFI>${bic}</BICFI>`;
  return `<${name}><FinInstnId>${id}</FinInstnId></${name}>`;
}

/** A code-or-proprietary choice (`SvcLvl`, `LclInstrm`, `CtgyPurp`, `Purp`): `Cd` when `code` matches, else `Prtry`. */
function choiceXml(name: string, value: string | undefined, code: RegExp): string {
  if (value === undefined) return '';
  return code.test(value) ? `<${name}><Cd>${value}</Cd></${name}>` : `<${name}>${element('Prtry', value)}</${name}>`;
}

/** `PmtTpInf` in schema order (`SvcLvl`, `LclInstrm`, `CtgyPurp`), or nothing when the record has none of them. */
function paymentTypeXml(record: PaymentRecord): string {
  const inner =
    choiceXml('SvcLvl', record.serviceLevel, purposeCodePattern) +
    choiceXml('LclInstrm', record.localInstrument, localInstrumentCodePattern) +
    choiceXml('CtgyPurp', record.categoryPurpose, purposeCodePattern);
  return inner === '' ? '' : `<PmtTpInf>${inner}</PmtTpInf>`;
}

function extensionXml(record: PaymentRecord): string {
  const inner =
    element('Channel', record.channel) +
    element('DeclaredRelationship', record.declaredRelationship) +
    element('MerchantCategory', record.merchantCategory) +
    element('FundingInstrument', record.fundingInstrument) +
    element('PayeeDocument', record.payeeDocument) +
    (record.cryptoRiskTags ?? []).map((tag) => element('CryptoRiskTag', tag)).join('');
  if (inner === '') return '';
  return `<SplmtryData><Envlp><Prevail xmlns="${prevailExtensionNamespace}">${inner}</Prevail></Envlp></SplmtryData>`;
}

/** One record as a `CdtTrfTxInf` element on one line, children in schema order. */
function transactionXml(record: PaymentRecord): string {
  const id = escapeXml(record.id);
  const amount = `Ccy="${record.currency}">${formatAmount(record.amount)}`;
  const purpose = choiceXml('Purp', record.purpose, purposeCodePattern);
  const instructions = (record.instructionCodes ?? [])
    .map((code) => `<InstrForCdtrAgt><Cd>${code}</Cd></InstrForCdtrAgt>`)
    .join('');
  const remittance =
    record.remittanceInfo === undefined ? '' : `<RmtInf>${element('Ustrd', record.remittanceInfo)}</RmtInf>`;
  return (
    `<CdtTrfTxInf><PmtId><EndToEndId>${id}</EndToEndId><TxId>${id}</TxId></PmtId>${paymentTypeXml(record)}` +
    `<IntrBkSttlmAmt ${amount}</IntrBkSttlmAmt><AccptncDtTm>${escapeXml(record.time)}</AccptncDtTm>` +
    `<InstdAmt ${amount}</InstdAmt><ChrgBr>SHAR</ChrgBr>` +
    partyXml('Dbtr', record.payer) +
    accountXml('DbtrAcct', record.payer.account) +
    agentXml('DbtrAgt', record.payer.agentBic) +
    agentXml('CdtrAgt', record.payee.agentBic) +
    partyXml('Cdtr', record.payee) +
    accountXml('CdtrAcct', record.payee.account) +
    instructions +
    purpose +
    remittance +
    extensionXml(record) +
    '</CdtTrfTxInf>\n'
  );
}

function headerXml(options: Pacs008ChunkOptions): string {
  const messageId = options.messageId ?? `PREVAIL${randomUUID().replaceAll('-', '').slice(0, 28)}`;
  if (messageId.length < 1 || messageId.length > 35 || unwritableCharacter(messageId) !== undefined) {
    throw new EngineError('CONFIG_INVALID', 'messageId must be 1–35 characters XML can carry');
  }
  const createdAt = options.createdAt ?? new Date().toISOString();
  const problem = zonedTimeProblem(createdAt);
  if (problem !== undefined) throw new EngineError('CONFIG_INVALID', `createdAt: ${problem}`);
  const count = options.numberOfTransactions;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new EngineError('CONFIG_INVALID', `numberOfTransactions must be a whole number ≥ 0, got ${count}`);
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${pacs008Namespace}">\n<FIToFICstmrCdtTrf>\n` +
    `<GrpHdr><MsgId>${escapeXml(messageId)}</MsgId><CreDtTm>${createdAt}</CreDtTm><NbOfTxs>${count}</NbOfTxs>` +
    '<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>\n'
  );
}

const footerXml = '</FIToFICstmrCdtTrf>\n</Document>\n';

/**
 * Writes payments as one pacs.008.001.08 document, in pieces: the header, then one piece per
 * `transactionsPerChunk` transactions, then the footer, so a file of a million payments is
 * written without ever holding it as one string. Each record is one `CdtTrfTxInf` on its own
 * line (`AccptncDtTm` = the record's time with its offset; `TxId` and `EndToEndId` = its id;
 * `InstdAmt` and `IntrBkSttlmAmt` = its amount) and its extras go into the Prevail
 * supplementary-data extension, so `parsePacs008` reads back records equal to these.
 *
 * A record that fails the readers' checks or holds a character XML cannot carry throws
 * `PAYMENT_INVALID` naming its index and id; a record count other than `numberOfTransactions`
 * throws after the last record (discard what was written).
 *
 * @example for (const piece of pacs008Chunks(records, { numberOfTransactions: records.length })) out.write(piece);
 */
export function* pacs008Chunks(records: Iterable<PaymentRecord>, options: Pacs008ChunkOptions): Generator<string> {
  const perChunk = options.transactionsPerChunk ?? 1000;
  if (!Number.isSafeInteger(perChunk) || perChunk < 1) {
    throw new EngineError('CONFIG_INVALID', `transactionsPerChunk must be a whole number ≥ 1, got ${perChunk}`);
  }
  yield headerXml(options);
  let pieces: string[] = [];
  let count = 0;
  for (const record of records) {
    checkWritable(record, count);
    pieces.push(transactionXml(record));
    count++;
    if (pieces.length >= perChunk) {
      yield pieces.join('');
      pieces = [];
    }
  }
  if (count !== options.numberOfTransactions) {
    throw new EngineError(
      'PAYMENT_INVALID',
      `numberOfTransactions is ${options.numberOfTransactions} but ${count} records were given: GrpHdr/NbOfTxs would be wrong`,
    );
  }
  if (pieces.length > 0) yield pieces.join('');
  yield footerXml;
}

/**
 * Writes payments as one pacs.008.001.08 document string (`pacs008Chunks` joined, with
 * `NbOfTxs` counted). `parsePacs008(writePacs008(records))` deep-equals `records` for every
 * record the writer accepts whose text has no leading or trailing whitespace (readers trim)
 * and whose `localHour` is the hour of its time (readers derive it).
 */
export function writePacs008(records: readonly PaymentRecord[], options: Pacs008WriteOptions = {}): string {
  return [...pacs008Chunks(records, { ...options, numberOfTransactions: records.length })].join('');
}
