import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import { forbiddenCharacterIn, type MtFields, readTextBlock } from './mt-text-block.js';
import {
  checkCharges,
  checkOperationCode,
  checkSenderToReceiver,
  institutionBic,
  instructedAmount,
  instructionCode,
  type MtParty,
  oneOf,
  partyOf,
  remittance,
  senderReference,
  timeOfDay,
  transactionTypeCode,
  valueDateAmount,
  type Where,
} from './mt103-fields.js';
import { completePayment, type PaymentDraft, type PaymentDraftField, problemText, SeenIds } from './payment-fields.js';
import { paymentInvalid, quoted } from './payment-invalid.js';
import type { PaymentReader } from './payment-reader.js';
import { type PaymentReadOptions, resolveReadOptions } from './read-options.js';
import { readWhole } from './read-whole.js';
import { type SwiftMessage, SwiftMessageScanner } from './swift-messages.js';

const orderingCustomer = ['50A', '50F', '50K'] as const;
const beneficiary = ['59', '59A', '59F'] as const;
const orderingInstitution = ['52A', '52D'] as const;
const accountWithInstitution = ['57A', '57B', '57C', '57D'] as const;

/**
 * Reads SWIFT MT103 (single customer credit transfer, STP and REMIT variants alike) as it
 * arrives: FIN messages `{1:…}{2:…}{3:…}{4:\r\n:20:…\r\n-}{5:…}`, one after another, with or
 * without `$` between them, or bare text blocks (`:20:` lines ended by a line `-`). Each message
 * is one `PaymentRecord`; the mapping is in `docs/payments-input.md`:
 *
 * - id = field 20 (the sender's reference), unique within the input;
 * - amount and currency = 33B (the instructed amount) when present, else 32A;
 * - time = 32A's value date at `00:00:00Z`, or at 13C's time with its UTC offset; the record
 *   never has a `localHour` (the message says when banks settle, not when the payer acted, so
 *   the night-time indicators cannot read an MT103);
 * - payer from 50A/50F/50K (country from 50F `3/`, else 50A's BIC, else 52A's BIC), payee from
 *   59/59A/59F (country from 59F `3/`, else 59A's BIC, else 57A's BIC), remittance from 70;
 * - the payer's agent BIC from 52A (the ordering institution), the payee's from 57A (the
 *   account with institution); instruction codes from each 23E (`HOLD`, `PHOB`, …), in order;
 *   the purpose from 26T (the transaction type code, a proprietary code); 72 is checked, not kept.
 *
 * Nothing is inferred: no party type, relationship or channel (MT103 has none).
 * A message whose block 2 names another MT is refused. Every problem throws `PAYMENT_INVALID`
 * naming the message number, the line and the field; a message longer than `maxTokenLength`
 * characters is refused, so memory stays bounded by one message.
 */
export class Mt103PaymentReader implements PaymentReader {
  private readonly scanner: SwiftMessageScanner;
  private readonly seen = new SeenIds();
  private messages = 0;

  constructor(
    private readonly output: PaymentRecord[],
    maxTokenLength: number,
    private readonly checkEvent?: PaymentEventCheck,
  ) {
    this.scanner = new SwiftMessageScanner(maxTokenLength, (message) => this.message(message));
  }

  write(text: string): void {
    this.scanner.push(text);
  }

  end(): void {
    this.scanner.end();
    if (this.messages === 0) throw paymentInvalid('', 'no MT103 message in the input');
  }

  private message(message: SwiftMessage): void {
    this.messages++;
    const at: Where = (line) => `message ${message.number}, line ${line}`;
    let text: { text: string; line: number } | undefined;
    for (const block of message.blocks) {
      if (block.id === '4') {
        text = block;
        continue;
      }
      const bad = forbiddenCharacterIn(block.text);
      if (bad !== undefined)
        throw paymentInvalid(at(block.line), `block ${block.id}: a character FIN cannot hold (${bad})`);
      if (block.id === '2') checkMessageType(block.text, at(block.line));
    }
    if (text === undefined) throw paymentInvalid(at(message.line), 'no text block "{4:" (is the message cut short?)');
    const fields = readTextBlock(text.text, text.line, message.bare, at);
    this.output.push(this.record(fields, text.line, at));
  }

  private record(fields: MtFields, blockLine: number, at: Where): PaymentRecord {
    const required = <T extends readonly string[]>(tags: T, label: string) => {
      const field = oneOf(fields, tags, at);
      if (field === undefined) throw paymentInvalid(at(blockLine), `missing field ${label}`);
      return field;
    };
    const reference = required(['20'], "20 (the sender's reference)");
    const settlement = required(['32A'], '32A (value date, currency, amount)');
    const payerField = required(orderingCustomer, '50a (50A, 50F or 50K: the ordering customer)');
    const payeeField = required(beneficiary, '59a (59, 59A or 59F: the beneficiary)');
    const operation = oneOf(fields, ['23B'], at);
    if (operation !== undefined) checkOperationCode(operation, at);
    const charges = oneOf(fields, ['71A'], at);
    if (charges !== undefined) checkCharges(charges, at);

    const id = senderReference(reference, at);
    const settled = valueDateAmount(settlement, at);
    const instructedField = oneOf(fields, ['33B'], at);
    const instructed = instructedField === undefined ? undefined : instructedAmount(instructedField, at);
    const timeField = fields.get('13C')?.[0];
    const time = `${settled.date}T${timeField === undefined ? '00:00:00Z' : timeOfDay(timeField, at)}`;
    const payer = partyOf(payerField, at);
    const payee = partyOf(payeeField, at);
    const payerBank = oneOf(fields, orderingInstitution, at);
    const payeeBank = oneOf(fields, accountWithInstitution, at);
    const payerBankBic = payerBank === undefined ? undefined : institutionBic(payerBank, at);
    const payeeBankBic = payeeBank === undefined ? undefined : institutionBic(payeeBank, at);
    const remittanceField = oneOf(fields, ['70'], at);
    const instructionFields = fields.get('23E') ?? [];
    const typeField = oneOf(fields, ['26T'], at);
    const senderToReceiver = oneOf(fields, ['72'], at);
    if (senderToReceiver !== undefined) checkSenderToReceiver(senderToReceiver, at);

    const draft: PaymentDraft = {
      id,
      time,
      amount: (instructed ?? settled).amount,
      currency: (instructed ?? settled).currency,
      payerAccount: payer.account,
      payerName: payer.name,
      payerCountry: payer.country ?? payerBankBic?.slice(4, 6),
      payerBirthDate: payer.birthDate,
      payerBirthCountry: payer.birthCountry,
      payerAgentBic: payerBankBic,
      payeeAccount: payee.account,
      payeeName: payee.name,
      payeeCountry: payee.country ?? payeeBankBic?.slice(4, 6),
      payeeAgentBic: payeeBankBic,
      remittanceInfo: remittanceField === undefined ? undefined : remittance(remittanceField, at),
      purpose: typeField === undefined ? undefined : transactionTypeCode(typeField, at),
      instructionCodes:
        instructionFields.length === 0 ? undefined : instructionFields.map((field) => instructionCode(field, at)),
    };
    const amountField = instructedField ?? settlement;
    const source = (party: MtParty, bank: typeof payerBank) => (party.country === undefined ? bank : undefined);
    const fieldOf: Partial<Record<PaymentDraftField, { tag: string; line: number } | undefined>> = {
      id: reference,
      time: timeField ?? settlement,
      amount: amountField,
      currency: amountField,
      payerAccount: payer,
      payerName: payer,
      payerCountry: source(payer, payerBank) ?? payer,
      payerBirthDate: payer,
      payerBirthCountry: payer,
      payerAgentBic: payerBank,
      payeeAgentBic: payeeBank,
      purpose: typeField,
      instructionCodes: instructionFields[0],
      payeeAccount: payee,
      payeeName: payee,
      payeeCountry: source(payee, payeeBank) ?? payee,
      remittanceInfo: remittanceField,
    };
    const completed = completePayment(
      draft,
      (field, reason) => {
        const from = fieldOf[field] ?? reference;
        const account = field === 'payerAccount' || field === 'payeeAccount';
        const label =
          reason === undefined && account
            ? `account in field ${from.tag} (a first line "/ACCOUNT")`
            : `field ${from.tag}`;
        throw paymentInvalid(at(from.line), problemText(label, reason));
      },
      { checkEvent: this.checkEvent },
    );
    // The hour of a value date or of a bank's time indication is not the payer's local hour.
    const { localHour: _notThePayers, ...record } = completed;
    if (!this.seen.claim(record.id)) {
      throw paymentInvalid(at(reference.line), `field 20: reference ${quoted(record.id)} repeats an earlier message's`);
    }
    return record;
  }
}

/** Block 2 (`I103…` input or `O103…` output): the message type must be 103. */
function checkMessageType(text: string, where: string): void {
  const type = /^[IO](\d{3})/.exec(text)?.[1];
  if (type === undefined)
    throw paymentInvalid(where, `block 2 does not start with I or O and a message type: ${quoted(text)}`);
  if (type !== '103') throw paymentInvalid(where, `an MT${type} message, not an MT103 (only MT103 is read)`);
}

/**
 * Parses a whole SWIFT MT103 input (one or many messages) into one `PaymentRecord` per message.
 * All or nothing: the first problem throws `PAYMENT_INVALID` naming the message, the line and
 * the field (`message 2, line 14: field 32A: the value date is not a real YYMMDD date: "261399"`),
 * and no record is returned. Inputs over `maxBytes` (64 MiB by default) throw `INPUT_TOO_LARGE`;
 * for larger files use `readPaymentsFile(path, 'mt103')`.
 *
 * @example parseMt103(readFileSync('mt103.fin')).length // the number of messages
 */
export function parseMt103(text: string | Buffer, options: PaymentReadOptions = {}): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  return readWhole(
    text,
    resolved.maxBytes,
    (output) => new Mt103PaymentReader(output, resolved.maxTokenLength, resolved.checkEvent),
  );
}
