import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type PaymentParty, type PaymentRecord, paymentChannels } from '../payment-record.js';
import { parsePacs008 } from './parse-iso20022.js';
import { parsePaymentJsonl } from './parse-jsonl.js';
import { localHourOf } from './payment-fields.js';
import { readPayments } from './read-payments.js';
import { writePaymentJsonl } from './write-jsonl.js';
import { pacs008Chunks, writePacs008 } from './write-pacs008.js';

/** Characters that stress escaping and decoding: markup, quotes, line breaks, non-Latin, astral. */
const characters = [
  'a',
  'Z',
  '7',
  ' ',
  '&',
  '<',
  '>',
  '"',
  "'",
  ';',
  ',',
  '\n',
  '\r',
  '\t',
  'é',
  'ß',
  '漢',
  '😀',
  ']]>',
];

/** Non-empty text without leading or trailing whitespace (readers trim), with any of `characters` inside. */
const text = fc
  .array(fc.constantFrom(...characters), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join('').trim())
  .filter((value) => value !== '');

const twoDigits = (max: number, min = 0) => fc.integer({ min, max }).map((value) => String(value).padStart(2, '0'));

const time = fc
  .record({
    year: fc.integer({ min: 1970, max: 2099 }).map(String),
    month: twoDigits(12, 1),
    day: twoDigits(28, 1),
    hour: twoDigits(23),
    minute: twoDigits(59),
    second: twoDigits(59),
    fraction: fc.constantFrom('', '.5', '.123'),
    // ISO 20022 times state their zone (a time without one is refused: XML times without a zone).
    offset: fc.constantFrom('Z', '+10:00', '-05:30', '+00:00'),
  })
  .map((t) => `${t.year}-${t.month}-${t.day}T${t.hour}:${t.minute}:${t.second}${t.fraction}${t.offset}`);

const date = fc
  .record({ year: fc.integer({ min: 1900, max: 2020 }), month: twoDigits(12, 1), day: twoDigits(28, 1) })
  .map((d) => `${d.year}-${d.month}-${d.day}`);

const country = fc.constantFrom('AU', 'PH', 'US', 'GB', 'ZZ');

/** Only the keys whose value is defined (records never hold `undefined`). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

const party: fc.Arbitrary<PaymentParty> = fc
  .record({
    account: fc.oneof(text, fc.constantFrom('GB33TEST12345678901234', 'PH-WALLET-1')),
    name: fc.option(text, { nil: undefined }),
    country: fc.option(country, { nil: undefined }),
    type: fc.option(fc.constantFrom('individual', 'organisation') as fc.Arbitrary<PaymentParty['type']>, {
      nil: undefined,
    }),
    birthDate: fc.option(date, { nil: undefined }),
    birthCountry: fc.option(country, { nil: undefined }),
    agentBic: fc.option(fc.constantFrom('TESTGB2L', 'TESTPH2MXXX', 'TSTWUS33A1B'), { nil: undefined }),
  })
  .map((generated) => {
    // Birth data travels under PrvtId only, so only individuals carry it.
    const individual = generated.type === 'individual';
    return defined({
      ...generated,
      birthDate: individual ? generated.birthDate : undefined,
      birthCountry: individual ? generated.birthCountry : undefined,
    }) as PaymentParty;
  });

const amount = fc.oneof(
  fc.integer({ min: 1, max: 100_000_000 }).map((cents) => cents / 100),
  fc.double({ min: 1e-9, max: 1e17, noNaN: true, noDefaultInfinity: true }),
);

const record: fc.Arbitrary<PaymentRecord> = fc
  .record({
    id: text,
    time,
    payer: party,
    payee: party,
    amount,
    currency: fc.constantFrom('USD', 'EUR', 'PHP', 'AUD'),
    remittanceInfo: fc.option(text, { nil: undefined }),
    purpose: fc.option(fc.oneof(fc.constantFrom('FAMI', 'EDUC', 'GDDS'), text), { nil: undefined }),
    categoryPurpose: fc.option(fc.oneof(fc.constantFrom('SUPP', 'GP2P'), text), { nil: undefined }),
    localInstrument: fc.option(fc.oneof(fc.constantFrom('INST', 'CARD', 'CPP', 'SDCL'), text), { nil: undefined }),
    serviceLevel: fc.option(fc.oneof(fc.constantFrom('SEPA', 'URGP', 'G001'), text), { nil: undefined }),
    instructionCodes: fc.option(fc.uniqueArray(fc.constantFrom('CHQB', 'HOLD', 'PHOB', 'TELB'), { minLength: 1 }), {
      nil: undefined,
    }),
    channel: fc.option(fc.constantFrom(...paymentChannels), { nil: undefined }),
    declaredRelationship: fc.option(text, { nil: undefined }),
    merchantCategory: fc.option(text, { nil: undefined }),
    cryptoRiskTags: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fundingInstrument: fc.option(text, { nil: undefined }),
    payeeDocument: fc.option(text, { nil: undefined }),
  })
  .map((generated) => defined({ ...generated, localHour: localHourOf(generated.time) }) as PaymentRecord);

const records = fc.uniqueArray(record, { selector: (item) => item.id, maxLength: 8 });

describe('round trips', () => {
  test('parsePacs008(writePacs008(records)) deep-equals the records', () => {
    fc.assert(
      fc.property(records, (generated) => {
        const xml = writePacs008(generated, { createdAt: '2026-03-01T00:00:00Z', messageId: 'TEST-ROUND-TRIP' });
        assert.deepEqual(parsePacs008(xml), generated);
      }),
      { numRuns: 300 },
    );
  });

  test('the chunked writer streams the same document, and streamed reading gives the same records', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 3 }), (generated, perChunk) => {
        const options = { createdAt: '2026-03-01T00:00:00Z', messageId: 'TEST-CHUNKS' };
        const pieces = [
          ...pacs008Chunks(generated, {
            ...options,
            numberOfTransactions: generated.length,
            transactionsPerChunk: perChunk,
          }),
        ];
        assert.equal(pieces.length, 2 + Math.ceil(generated.length / perChunk));
        assert.equal(pieces.join(''), writePacs008(generated, options));
        assert.deepEqual(readPayments(pieces.join(''), 'pacs008'), generated);
      }),
      { numRuns: 100 },
    );
  });

  test('parsePaymentJsonl(writePaymentJsonl(records)) deep-equals the records', () => {
    fc.assert(
      fc.property(records, (generated) => {
        assert.deepEqual(parsePaymentJsonl(writePaymentJsonl(generated)), generated);
      }),
      { numRuns: 300 },
    );
  });
});
