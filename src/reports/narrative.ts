import type { AlertedTypology, SuspiciousPayment } from './report-case.js';
import { formatDecimal } from './text-fitting.js';

/** What a report's free-text narrative is made of. */
export interface NarrativeParts {
  /** Key terms written first, on their own line, so the FIU's search finds them whatever follows. */
  readonly keyTerms: readonly string[];
  /** The analyst's narrative, kept as written (line breaks included). */
  readonly narrative: string;
  /** Listed under "Typologies that alerted", one line per reason. */
  readonly typologies: readonly AlertedTypology[];
  /** Listed under "Suspicious payments" when given (formats without transaction records). */
  readonly payments?: readonly SuspiciousPayment[];
}

/** One payment as a narrative line: time, id, amount (and USD), channel, route. */
export function describePayment(payment: SuspiciousPayment): string {
  const { record } = payment;
  const usd =
    payment.amountUsd !== undefined && record.currency !== 'USD' ? ` (USD ${formatDecimal(payment.amountUsd, 2)})` : '';
  const route = `${record.payer.country ?? '??'} to ${record.payee.country ?? '??'}`;
  const channel = record.channel === undefined ? '' : `, ${record.channel}`;
  return `${record.time} ${record.id}: ${formatDecimal(record.amount, 2)} ${record.currency}${usd}${channel}, ${route}`;
}

/**
 * Composes a narrative: the key terms (space-separated) first, then the analyst's text, then the
 * typologies that alerted with their reasons, then (when given) one line per payment. Sections
 * are separated by a blank line; empty sections are left out. The result is not cut: each
 * format fits it to its own limit afterwards, so the key terms always survive.
 */
export function composeNarrative(parts: NarrativeParts): string {
  const sections: string[] = [];
  if (parts.keyTerms.length > 0) sections.push(parts.keyTerms.join(' '));
  if (parts.narrative.trim() !== '') sections.push(parts.narrative.trim());
  const reasons = parts.typologies.flatMap((typology) =>
    typology.reasons.length === 0
      ? [`- ${typology.id}`]
      : typology.reasons.map((reason) => `- ${typology.id}: ${reason}`),
  );
  if (reasons.length > 0) sections.push(['Typologies that alerted:', ...reasons].join('\n'));
  if (parts.payments !== undefined && parts.payments.length > 0) {
    sections.push(
      ['Suspicious payments:', ...parts.payments.map((payment) => `- ${describePayment(payment)}`)].join('\n'),
    );
  }
  return sections.join('\n\n');
}
