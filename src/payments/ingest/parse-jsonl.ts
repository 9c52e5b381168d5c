import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import { parseJsonText } from './json-text.js';
import { columnOfDraftField, draftFromFlatObject } from './payment-columns.js';
import { completePayment, type PaymentDraft, problemText, SeenIds } from './payment-fields.js';
import { paymentInvalid } from './payment-invalid.js';
import type { PaymentReader } from './payment-reader.js';
import { checkInputSize, type PaymentReadOptions, resolveReadOptions } from './read-options.js';
import { draftFromNestedObject, nestedFieldPath } from './record-draft.js';
import { LineSplitter } from './text-lines.js';
import { decodeWhole } from './utf8-text.js';

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads JSON Lines payments as they arrive: one object per line, either the flat snake_case
 * shape (the CSV column names) or the nested `PaymentRecord` shape (`payer: {account, ...}`);
 * an object with a `payer` or `payee` key is read as nested. Blank lines are skipped; keys the
 * shape does not define are ignored. Errors name the line and the field.
 */
export class JsonlPaymentReader implements PaymentReader {
  private readonly lines: LineSplitter;
  private readonly seen = new SeenIds();

  constructor(
    private readonly output: PaymentRecord[],
    maxTokenLength: number,
    private readonly checkEvent?: PaymentEventCheck,
  ) {
    this.lines = new LineSplitter(maxTokenLength, (text, number) => this.line(text, number));
  }

  write(text: string): void {
    this.lines.push(text);
  }

  end(): void {
    this.lines.end();
  }

  private line(text: string, number: number): void {
    if (text.trim() === '') return;
    const where = `line ${number}`;
    const value = parseJsonText(text, where);
    if (!isObject(value)) throw paymentInvalid(where, 'expected one JSON object per line');
    const nested = value.payer !== undefined || value.payee !== undefined;
    let draft: PaymentDraft;
    if (nested) {
      for (const side of ['payer', 'payee'] as const) {
        const party = value[side];
        if (party !== undefined && !isObject(party)) throw paymentInvalid(where, `field ${side}: expected an object`);
      }
      draft = draftFromNestedObject(value);
    } else {
      draft = draftFromFlatObject(value);
    }
    const record = completePayment(
      draft,
      (field, reason) => {
        const name = nested ? nestedFieldPath[field] : columnOfDraftField[field];
        throw paymentInvalid(where, problemText(`field ${name}`, reason));
      },
      { checkEvent: this.checkEvent },
    );
    if (!this.seen.claim(record.id))
      throw paymentInvalid(where, `id ${JSON.stringify(record.id)} repeats an earlier payment`);
    this.output.push(record);
  }
}

/**
 * Parses JSON Lines payments (one object per line, flat snake_case or nested `PaymentRecord`
 * shape). All or nothing: the first problem throws `PAYMENT_INVALID` naming the line and the
 * field, and no record is returned.
 */
export function parsePaymentJsonl(text: string | Buffer, options: PaymentReadOptions = {}): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  checkInputSize(text, resolved.maxBytes);
  const output: PaymentRecord[] = [];
  const reader = new JsonlPaymentReader(output, resolved.maxTokenLength, resolved.checkEvent);
  reader.write(decodeWhole(text));
  reader.end();
  return output;
}
