import { EngineError } from '../../core/index.js';
import { paymentInvalid } from './payment-invalid.js';

/** The payments input formats. Names are CLI and API keys: never rename one. */
export const paymentFormats = ['pacs008', 'pain001', 'tazama', 'jsonl', 'csv', 'mt103'] as const;

/** One payments input format. */
export type PaymentFormat = (typeof paymentFormats)[number];

/** A format name from user input, or `CONFIG_INVALID` listing the known ones. */
export function parsePaymentFormat(name: string): PaymentFormat {
  if ((paymentFormats as readonly string[]).includes(name)) return name as PaymentFormat;
  throw new EngineError(
    'CONFIG_INVALID',
    `unknown payments format ${JSON.stringify(name)} (${paymentFormats.join(', ')})`,
  );
}

/** How much of the input detection looks at. */
const headLength = 64 * 1024;

const messageElement = /<(?:[A-Za-z_][\w.-]*:)?(FIToFICstmrCdtTrf|CstmrCdtTrfInitn)[\s/>]/;

/** A SWIFT FIN block (`{1:`…`{5:`; JSON never has a digit after `{`) or a bare MT text block, after any `$` separators. */
const swiftStart = /^(?:\$\s*)*(?:\{[1-5]:|:20:)/;
/** Block 2 of the first FIN message: `{2:I103` (input) or `{2:O103` (output). */
const swiftType = /\{2:[IO](\d{3})/;

/**
 * Guesses the format from the first 64 KiB of an input: XML (first non-blank character `<`)
 * whose message element is `FIToFICstmrCdtTrf` → `pacs008`, `CstmrCdtTrfInitn` → `pain001`;
 * JSON (`{` or `[`) mentioning `"FIToFICstmrCdtTrf"` → `tazama`; any other `{` → `jsonl`;
 * SWIFT FIN text (`{1:` to `{5:` blocks, or a bare text block starting with `:20:`) → `mt103`;
 * anything else → `csv`. XML that is neither message, and FIN text whose first block 2 names
 * another message type (`{2:I202`), throw `PAYMENT_INVALID`.
 */
export function detectPaymentFormat(bytes: Uint8Array | string): PaymentFormat {
  const head =
    typeof bytes === 'string'
      ? bytes.slice(0, headLength)
      : Buffer.from(bytes.subarray(0, headLength)).toString('utf8');
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('<')) {
    const found = messageElement.exec(text)?.[1];
    if (found === 'FIToFICstmrCdtTrf') return 'pacs008';
    if (found === 'CstmrCdtTrfInitn') return 'pain001';
    throw paymentInvalid(
      '',
      'XML, but neither a pacs.008 (FIToFICstmrCdtTrf) nor a pain.001 (CstmrCdtTrfInitn) message',
    );
  }
  if (swiftStart.test(text)) {
    const type = swiftType.exec(text)?.[1];
    if (type !== undefined && type !== '103') {
      throw paymentInvalid('', `a SWIFT MT${type} message, not an MT103 (the one SWIFT MT type read)`);
    }
    return 'mt103';
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    if (/"FIToFICstmrCdtTrf"\s*:/.test(text)) return 'tazama';
    if (text.startsWith('{')) return 'jsonl';
  }
  return 'csv';
}
