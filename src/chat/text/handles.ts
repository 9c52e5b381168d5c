import { type CountryCode, findPhoneNumbersInText } from 'libphonenumber-js/min';
import type { ExtractedHandle, HandleKind } from '../chat-analysis.js';
import { isBase58CheckAddress, isBech32Address, isPlainEthereumAddress } from './crypto-address.js';

export interface HandleOptions {
  /** Region for phone numbers written without `+` (ISO 3166 alpha-2); without it only `+…` numbers are read. */
  readonly defaultPhoneRegion?: CountryCode;
}

const maxHandles = 50;

/** Words near which a run of 16–20 letters and digits is read as a gift-card code. */
const giftCardContext =
  /\b(codes?|cards?|gift|pin|c[oó]digos?|carte|cartes|cart[aã]o|tarjetas?|steam|apple|itunes|google|amazon|razer|sephora|roblox|xbox|playstation|psn|nintendo|vanilla)\b/i;

/**
 * Grouped gift-card code shapes: 4-4-4-4(-4), 4-6-4/5, 5-5-5(-5) with dashes (any case), or 4×4(-5)
 * groups with spaces in capitals and digits only (so a lower-case word before a code is not a group).
 */
const groupedCode =
  /(?<![A-Za-z0-9-])(?:[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3,4}|[A-Z0-9]{4}(?: [A-Z0-9]{4}){3,4}|[A-Za-z0-9]{4}-[A-Za-z0-9]{6}-[A-Za-z0-9]{4,5}|[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){2,3})(?![A-Za-z0-9-])/g;
/** An IBAN printed in groups of four: not a gift card even when its checksum fails. */
const ibanShape = /^[A-Z]{2}\d{2}[A-Z0-9]{11,}$/;
const runCode = /(?<![A-Za-z0-9])[A-Za-z0-9]{16,20}(?![A-Za-z0-9])/g;
const email =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
const cashtag = /(?<![\w$])\$([A-Za-z][A-Za-z0-9_-]{0,19})(?![\w-])/g;
const payPalMe = /\bpaypal\.me\/([A-Za-z0-9]{1,20})\b/gi;
const venmo = /\bvenmo\s*(?:me\s*)?(?:at\s*|:\s*)?@([A-Za-z0-9_-]{5,30})\b/gi;
const base58Candidate = /(?<![A-Za-z0-9])[13LMTD][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])/g;
const bech32Candidate = /(?<![A-Za-z0-9])(?:bc|tb|ltc|BC|TB|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9])/g;
const ethereumCandidate = /(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])/g;
const ibanCandidate = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])/g;

/** True when an IBAN (upper case, no spaces) passes the ISO 13616 mod-97 check. */
export function isIban(value: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value)) return false;
  const moved = value.slice(4) + value.slice(0, 4);
  let remainder = 0;
  for (const char of moved) {
    const digits = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** ASCII digits in a text, and its longest run of ASCII letters and digits: one pass. */
function shapeOf(text: string): { digits: number; longestRun: number } {
  let digits = 0;
  let run = 0;
  let longestRun = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const digit = code >= 48 && code <= 57;
    if (digit) digits += 1;
    if (digit || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      run += 1;
      if (run > longestRun) longestRun = run;
    } else run = 0;
  }
  return { digits, longestRun };
}

function hasLettersAndDigits(value: string, letters: number, digits: number): boolean {
  return (value.match(/[A-Za-z]/g)?.length ?? 0) >= letters && (value.match(/\d/g)?.length ?? 0) >= digits;
}

/**
 * Payment handles named in a message, as graph entities (`<kind>:<value>`): gift-card code shapes
 * (grouped shapes anywhere; an ungrouped 16–20 character run only beside a card word), `$cashtags`,
 * `paypal.me/…` and `venmo @…` handles, wallet addresses that pass their checksum, phone numbers
 * (`libphonenumber-js`, E.164), emails, and IBANs that pass mod-97. Read from the raw text; at most
 * 50 per message; overlapping finds keep the first kind tried (wallets, IBANs and emails before
 * codes and phones). Pure and total: never throws.
 */
export function extractHandles(text: string, options: HandleOptions = {}): ExtractedHandle[] {
  const handles: ExtractedHandle[] = [];
  const taken: [number, number][] = [];
  const add = (kind: HandleKind, value: string, start: number, end: number) => {
    if (handles.length >= maxHandles) return;
    if (taken.some(([s, e]) => start < e && s < end)) return;
    taken.push([start, end]);
    handles.push({ kind, value, entityId: `${kind}:${value}`, rawStart: start, rawEnd: end });
  };
  // Every pattern below needs something most chat lines lack (digits, a long run of letters and
  // digits, `@`, `$`, `/`): one pass over the text finds which can match at all, and only those
  // run. Each guard is a necessary condition of its pattern, so the handles found are the same.
  const { digits, longestRun } = shapeOf(text);
  if (digits >= 1 && longestRun >= 9) {
    for (const match of text.matchAll(bech32Candidate)) {
      if (isBech32Address(match[0]))
        add('crypto_wallet', match[0].toLowerCase(), match.index, match.index + match[0].length);
    }
  }
  if (longestRun >= 26) {
    for (const match of text.matchAll(base58Candidate)) {
      if (isBase58CheckAddress(match[0])) add('crypto_wallet', match[0], match.index, match.index + match[0].length);
    }
  }
  if (longestRun >= 42) {
    for (const match of text.matchAll(ethereumCandidate)) {
      if (isPlainEthereumAddress(match[0]))
        add('crypto_wallet', match[0].toLowerCase(), match.index, match.index + match[0].length);
    }
  }
  if (digits >= 2) {
    for (const match of text.matchAll(ibanCandidate)) {
      const value = match[0].replace(/ /g, '').toUpperCase();
      if (isIban(value)) add('iban', value, match.index, match.index + match[0].length);
    }
  }
  const at = text.includes('@');
  if (at) {
    for (const match of text.matchAll(email))
      add('email', match[0].toLowerCase(), match.index, match.index + match[0].length);
  }
  if (text.includes('$')) {
    for (const match of text.matchAll(cashtag)) {
      add('p2p_handle', `$${(match[1] as string).toLowerCase()}`, match.index, match.index + match[0].length);
    }
  }
  if (text.includes('/')) {
    for (const match of text.matchAll(payPalMe)) {
      add('p2p_handle', `paypal.me/${(match[1] as string).toLowerCase()}`, match.index, match.index + match[0].length);
    }
  }
  if (at) {
    for (const match of text.matchAll(venmo)) {
      add('p2p_handle', `venmo/@${(match[1] as string).toLowerCase()}`, match.index, match.index + match[0].length);
    }
  }
  if (digits >= 2) {
    for (const match of text.matchAll(groupedCode)) {
      const value = match[0].replace(/[- ]/g, '').toUpperCase();
      if (match[0].includes(' ') && ibanShape.test(value)) continue;
      if (hasLettersAndDigits(value, 2, 2)) add('gift_card_code', value, match.index, match.index + match[0].length);
    }
  }
  if (digits >= 3 && longestRun >= 16 && giftCardContext.test(text)) {
    for (const match of text.matchAll(runCode)) {
      if (hasLettersAndDigits(match[0], 3, 3))
        add('gift_card_code', match[0].toUpperCase(), match.index, match.index + match[0].length);
    }
  }
  if (digits >= 7) {
    const found = findPhoneNumbersInText(
      text,
      options.defaultPhoneRegion !== undefined ? { defaultCountry: options.defaultPhoneRegion } : undefined,
    );
    for (const phone of found) add('phone_number', phone.number.number, phone.startsAt, phone.endsAt);
  }
  return handles;
}
