import type { PaymentRecord } from '../payment-record.js';

/**
 * Writes payments as JSON Lines in the nested `PaymentRecord` shape, one record per line, each
 * line ending in `\n`: the shape `parsePaymentJsonl` reads back as equal records (for records
 * whose text has no leading or trailing whitespace, which readers trim).
 */
export function writePaymentJsonl(records: Iterable<PaymentRecord>): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
