import { EngineError } from '../../core/index.js';

/** The longest piece of an input value an error message repeats, so a message never carries a whole input. */
export const maxQuotedLength = 40;

/**
 * A `PAYMENT_INVALID` error: `where` says where in the input (`line 12, column 7`, a JSON path,
 * `line 5, column "payer_country"`) and `reason` what is wrong with it. Every parser builds its
 * errors here so they read alike: `line 12, column 7: missing DbtrAcct/Id/IBAN or DbtrAcct/Id/Othr/Id`.
 */
export function paymentInvalid(where: string, reason: string): EngineError {
  return new EngineError('PAYMENT_INVALID', where === '' ? reason : `${where}: ${reason}`);
}

/**
 * A value quoted for an error message, cut to `maxQuotedLength` characters: messages name the
 * offending value so it can be found, never reproduce an input at length.
 */
export function quoted(value: string): string {
  return JSON.stringify(value.length > maxQuotedLength ? `${value.slice(0, maxQuotedLength)}…` : value);
}
