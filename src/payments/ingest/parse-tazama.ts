import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import type { PaymentEventCheck } from './event-check.js';
import { parseJsonText } from './json-text.js';
import { SeenIds } from './payment-fields.js';
import type { PaymentReader } from './payment-reader.js';
import { type PaymentReadOptions, resolveReadOptions } from './read-options.js';
import { readWhole } from './read-whole.js';
import { recordsOfTazamaMessage } from './tazama-message.js';
import { LineSplitter } from './text-lines.js';

/**
 * Reads Tazama pacs.008 JSON as it arrives, in one of two shapes, told apart by the first line:
 * JSON Lines (the first line is a whole JSON object: one message per line, read line by line
 * in bounded memory, errors at `line N: path`) or one JSON document (a message, or an array of
 * messages; held whole up to `maxBytes`, errors at `[i].path`).
 */
export class TazamaPaymentReader implements PaymentReader {
  private readonly seen = new SeenIds();
  private mode: 'undecided' | 'lines' | 'document' = 'undecided';
  private held = '';
  private readonly lines: LineSplitter;

  constructor(
    private readonly output: PaymentRecord[],
    private readonly maxBytes: number,
    private readonly maxTokenLength: number,
    private readonly checkEvent?: PaymentEventCheck,
  ) {
    this.lines = new LineSplitter(maxTokenLength, (text, number) => {
      if (text.trim() === '') return;
      const message = parseJsonText(text, `line ${number}`);
      this.output.push(
        ...recordsOfTazamaMessage(message, { line: `line ${number}`, prefix: '' }, this.seen, this.checkEvent),
      );
    });
  }

  write(text: string): void {
    if (this.mode === 'lines') {
      this.lines.push(text);
      return;
    }
    this.held += text;
    if (this.mode === 'undecided') this.decide(false);
    else if (this.held.length > this.maxBytes) this.tooLarge();
  }

  end(): void {
    if (this.mode === 'undecided') this.decide(true);
    if (this.mode === 'lines') {
      this.lines.end();
      return;
    }
    if (this.mode === 'undecided' || this.held.trim() === '') return;
    const document = parseJsonText(this.held, 'the document');
    this.held = '';
    this.output.push(...recordsOfTazamaMessages(document, this.seen, this.checkEvent));
  }

  private decide(atEnd: boolean): void {
    const start = this.held.search(/\S/);
    if (start === -1) return;
    if (this.held[start] === '[') {
      this.mode = 'document';
      return;
    }
    const newline = this.held.indexOf('\n', start);
    if (newline === -1 && !atEnd) {
      if (this.held.length > this.maxTokenLength) this.mode = 'document';
      return;
    }
    const firstLine = newline === -1 ? this.held : this.held.slice(0, newline);
    this.mode = isWholeObject(firstLine) && newline !== -1 ? 'lines' : 'document';
    if (this.mode === 'lines') {
      const held = this.held;
      this.held = '';
      this.lines.push(held);
    }
  }

  private tooLarge(): never {
    throw new EngineError(
      'INPUT_TOO_LARGE',
      `a Tazama JSON document (not JSON Lines) is held whole, and this one is over ${this.maxBytes} characters; send one message per line instead`,
    );
  }
}

function isWholeObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Records of an already-parsed document: one message, or an array of messages (`[i].` in errors). */
function recordsOfTazamaMessages(
  document: unknown,
  seen: SeenIds,
  checkEvent: PaymentEventCheck | undefined,
): PaymentRecord[] {
  if (!Array.isArray(document)) return recordsOfTazamaMessage(document, { line: '', prefix: '' }, seen, checkEvent);
  const records: PaymentRecord[] = [];
  for (const [index, message] of document.entries()) {
    records.push(...recordsOfTazamaMessage(message, { line: '', prefix: `[${index}].` }, seen, checkEvent));
  }
  return records;
}

/**
 * Parses Tazama's pacs.008 JSON (the abridged ISO 20022 form its TMS API accepts, `TxTp:
 * "pacs.008.001.10"`): one message, an array of messages, or JSON Lines with one message per
 * line; text or an already-parsed value. Each `CdtTrfTxInf` becomes a record with the same
 * mapping as the XML reader (`docs/payments-input.md`).
 *
 * All or nothing: the first problem throws `PAYMENT_INVALID` with its JSON path
 * (`[3].FIToFICstmrCdtTrf.CdtTrfTxInf.Dbtr.Nm: expected text`) and no record is returned.
 */
export function parseTazamaPacs008(json: unknown, options: PaymentReadOptions = {}): PaymentRecord[] {
  const resolved = resolveReadOptions(options);
  if (typeof json === 'string' || json instanceof Uint8Array) {
    return readWhole(
      json,
      resolved.maxBytes,
      (output) => new TazamaPaymentReader(output, resolved.maxBytes, resolved.maxTokenLength, resolved.checkEvent),
    );
  }
  return recordsOfTazamaMessages(json, new SeenIds(), resolved.checkEvent);
}
