import { type CsvProblem, CsvRecordReader } from '../../csv/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import {
  type CsvLayout,
  checkColumnMapping,
  columnOfDraftField,
  layoutFromHeader,
  type PaymentColumnMapping,
} from './payment-columns.js';
import { completePayment, type PaymentDraft, problemText, SeenIds } from './payment-fields.js';
import { paymentInvalid } from './payment-invalid.js';
import type { PaymentReader } from './payment-reader.js';
import { checkInputSize, type PaymentReadOptions, resolveReadOptions } from './read-options.js';
import { decodeWhole } from './utf8-text.js';

/**
 * Reads CSV payments as they arrive, with csv-parse in Prevail's one CSV dialect (`csv/`: RFC
 * 4180; quoted fields may hold commas, doubled quotes and line breaks, a CRLF inside one reading
 * as LF). The first record is the header; each later record is one payment, its fields found by
 * column name (`paymentColumns`, or the names `mapping` gives). A cell that is empty after
 * trimming is absent; `crypto_risk_tags` separates tags with `;`. Errors name the line a record
 * starts on and the file's column name; a record longer than `maxTokenLength` UTF-8 bytes (an
 * open quote swallowing the file) is an error, so memory stays bounded.
 */
export class CsvPaymentReader implements PaymentReader {
  private readonly records: CsvRecordReader;
  private readonly seen = new SeenIds();
  private layout: CsvLayout | undefined;

  constructor(
    private readonly output: PaymentRecord[],
    private readonly mapping: PaymentColumnMapping,
    private readonly maxTokenLength: number,
    private readonly checkEvent?: PaymentEventCheck,
  ) {
    checkColumnMapping(mapping);
    this.records = new CsvRecordReader((fields, line) => this.record(fields, line), {
      maxRecordBytes: maxTokenLength,
    });
  }

  write(text: string): void {
    this.refuse(this.records.write(text));
  }

  end(): void {
    this.refuse(this.records.end());
    if (this.layout === undefined) throw paymentInvalid('line 1', 'a CSV payments file needs a header row');
  }

  private refuse(problem: CsvProblem | undefined): void {
    if (problem === undefined) return;
    throw paymentInvalid(`line ${problem.line}`, this.reason(problem));
  }

  private reason(problem: CsvProblem): string {
    switch (problem.kind) {
      case 'unclosed-quote':
        return 'a quoted field never closes';
      case 'text-after-quote':
        return 'text after a closing quote';
      case 'quote-in-field':
        return 'a quote inside an unquoted field (quote the field and double the quote)';
      case 'too-long':
        return `a record longer than ${this.maxTokenLength} bytes (is a quote left open?)`;
      case 'malformed':
        return `not CSV: ${problem.detail}`;
    }
  }

  private record(fields: string[], line: number): void {
    const layout = this.layout;
    if (layout === undefined) {
      const resolved = layoutFromHeader(fields, this.mapping);
      if (typeof resolved === 'string') throw paymentInvalid(`line ${line}`, resolved);
      this.layout = resolved;
      return;
    }
    if (fields.length !== layout.width) {
      throw paymentInvalid(`line ${line}`, `${fields.length} fields, but the header has ${layout.width}`);
    }
    const draft: PaymentDraft = {};
    for (const [field, index] of layout.fields) draft[field] = fields[index];
    const record = completePayment(
      draft,
      (field, reason) => {
        const column = layout.columnName[field] ?? columnOfDraftField[field];
        throw paymentInvalid(`line ${line}`, problemText(`column ${JSON.stringify(column)}`, reason));
      },
      { checkEvent: this.checkEvent },
    );
    if (!this.seen.claim(record.id)) {
      throw paymentInvalid(`line ${line}`, `id ${JSON.stringify(record.id)} repeats an earlier payment`);
    }
    this.output.push(record);
  }
}

/**
 * Parses a whole CSV payments file (RFC 4180: quoted fields may hold commas, doubled quotes and
 * line breaks). A header row is required; `mapping` renames columns (`{ payer_account: 'Sender
 * IBAN' }`). All or nothing: the first problem throws `PAYMENT_INVALID` naming the line and the
 * column, and no record is returned.
 *
 * @example parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\nt1,2026-03-01T23:40:00+10:00,A,B,25,USD\n')
 */
export function parsePaymentCsv(
  text: string | Buffer,
  mapping: PaymentColumnMapping = {},
  options: PaymentReadOptions = {},
): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  checkInputSize(text, resolved.maxBytes);
  const output: PaymentRecord[] = [];
  const reader = new CsvPaymentReader(output, mapping, resolved.maxTokenLength, resolved.checkEvent);
  reader.write(decodeWhole(text));
  reader.end();
  return output;
}
