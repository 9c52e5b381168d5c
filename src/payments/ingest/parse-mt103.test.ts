import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import { parseMt103 } from './parse-mt103.js';
import { detectPaymentFormat } from './payment-format.js';
import { readPaymentsFile, validatePaymentsFile } from './payments-file.js';
import type { PaymentReadOptions } from './read-options.js';
import { readPayments, streamPayments } from './read-payments.js';

/** FIN lines end with CRLF. */
const crlf = (...lines: string[]) => lines.join('\r\n');

/**
 * Three synthetic MT103s (made-up references, accounts and `TEST…` BICs): 50K/59 with 13C, 33B,
 * 52A and 57A and a `$` after it; 50F/59F structured; an output message with 50A/59A and a system
 * trailer. Line numbers matter to the tests below.
 */
const fin = `${crlf(
  '{1:F01TESTGB2LAXXX0000000000}{2:I103TESTPH2MXXXXN}{3:{108:TEST-MUR-1}{121:00000000-0000-4000-8000-000000000001}}{4:',
  ':20:TEST-REF-1',
  ':13C:/CLSTIME/0915+0100',
  ':23B:CRED',
  ':32A:260302PHP1900,',
  ':33B:GBP25,50',
  ':50K:/GB00TEST00000000000001',
  'TEST SENDER ONE',
  '1 TEST STREET',
  'TESTTOWN',
  ':52A:TESTGB2LXXX',
  ':57A:TESTPH2MXXX',
  ':59:/PH00TEST0000000000077',
  'TEST RECEIVER',
  'TEST CITY',
  ':70:SCHOOL FEES',
  'FOR MARCH',
  ':71A:SHA',
  '-}{5:{CHK:000000000000}}$',
  '{1:F01TESTDE2FAXXX0000000000}{2:I103TESTNL2AXXXXN}{4:',
  ':20:TEST-REF-2',
  ':23B:CRED',
  ':32A:260301EUR12,5',
  ':50F:/DE00TEST0000000002',
  '1/TEST SENDER TWO',
  '3/DE/TESTSTADT',
  '4/19610504',
  '5/GB/TESTTOWN',
  ':59F:/NL00TEST0000000002',
  '1/TEST SHOP',
  '2/2 TEST LANE',
  '3/NL/TESTDAM',
  ':71A:OUR',
  '-}',
  '',
  '{1:F01TESTUS33AXXX0000000000}{2:O1031200260301TESTAU2SAXXX00000000002603011200N}{4:',
  ':20:TEST-REF-3',
  ':23B:CRED',
  ':32A:991231USD7,',
  ':50A:/AU00TEST0000000003',
  'TESTAU2S',
  ':59A:/US00TEST0000000003',
  'TESTUS33',
  '-}{5:{CHK:000000000000}}{S:{SAC:}}',
)}\r\n`;

const expected: PaymentRecord[] = [
  {
    id: 'TEST-REF-1',
    time: '2026-03-02T09:15:00+01:00',
    payer: { account: 'GB00TEST00000000000001', name: 'TEST SENDER ONE', country: 'GB', agentBic: 'TESTGB2LXXX' },
    payee: { account: 'PH00TEST0000000000077', name: 'TEST RECEIVER', country: 'PH', agentBic: 'TESTPH2MXXX' },
    amount: 25.5,
    currency: 'GBP',
    remittanceInfo: 'SCHOOL FEES FOR MARCH',
  },
  {
    id: 'TEST-REF-2',
    time: '2026-03-01T00:00:00Z',
    payer: {
      account: 'DE00TEST0000000002',
      name: 'TEST SENDER TWO',
      country: 'DE',
      birthDate: '1961-05-04',
      birthCountry: 'GB',
    },
    payee: { account: 'NL00TEST0000000002', name: 'TEST SHOP', country: 'NL' },
    amount: 12.5,
    currency: 'EUR',
  },
  {
    id: 'TEST-REF-3',
    time: '1999-12-31T00:00:00Z',
    payer: { account: 'AU00TEST0000000003', country: 'AU' },
    payee: { account: 'US00TEST0000000003', country: 'US' },
    amount: 7,
    currency: 'USD',
  },
];

function rejects(run: () => unknown, pattern: RegExp, code = 'PAYMENT_INVALID'): EngineError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof EngineError, `expected an EngineError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.match(caught.message, pattern);
  assert.ok(caught.message.length < 400, 'an error message never repeats the input at length');
  return caught;
}

/** `fin` with one piece replaced. */
function withChange(from: string, to: string): string {
  assert.ok(fin.includes(from), `fixture lacks ${JSON.stringify(from)}`);
  return fin.replace(from, to);
}

/** The bytes of `text` in pieces of `size` bytes, cutting through characters and CRLFs. */
async function* piecesOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function streamed(
  chunks: AsyncIterable<Uint8Array | string>,
  options: PaymentReadOptions = {},
): Promise<PaymentRecord[][]> {
  const batches: PaymentRecord[][] = [];
  for await (const batch of streamPayments(chunks, 'mt103', options)) batches.push(batch);
  return batches;
}

/** A plainly fake single MT103 (bare text block, LF lines) numbered `index`. */
function bareMessage(index: number): string {
  return [
    `:20:TEST-${index}`,
    ':23B:CRED',
    `:32A:2603${String((index % 28) + 1).padStart(2, '0')}EUR${10 + (index % 90)},00`,
    `:50K:/GB00TEST${String(index % 50).padStart(10, '0')}`,
    'TEST SENDER',
    ':59:/PH00TEST0000000000077',
    'TEST RECEIVER',
    ':71A:SHA',
    '-',
    '',
  ].join('\n');
}

describe('parseMt103', () => {
  test('reads every message: 33B before 32A, 13C time with its offset, 50K/50F/50A, 59/59F/59A, BIC countries', () => {
    assert.deepEqual(parseMt103(fin), expected);
    assert.deepEqual(parseMt103(Buffer.from(fin)), expected);
    assert.deepEqual(readPayments(fin, 'mt103'), expected);
  });

  test('never sets a local hour, a party type, a relationship or a channel; no 26T, no purpose', () => {
    for (const record of parseMt103(fin)) {
      assert.equal(record.localHour, undefined, 'a value date or a bank time is not the payer hour');
      for (const key of ['channel', 'declaredRelationship', 'purpose', 'merchantCategory'] as const) {
        assert.equal(record[key], undefined, key);
      }
      assert.equal(record.payer.type, undefined);
      assert.equal(record.payee.type, undefined);
    }
  });

  test('bare text blocks, LF or CRLF, ended by "-", "$" or the end, and mixed with braced messages', () => {
    const bare = `${bareMessage(1)}$${bareMessage(2).replaceAll('\n', '\r\n')}${fin}${bareMessage(3).replace('\n-\n', '\n')}`;
    const records = parseMt103(bare);
    assert.deepEqual(
      records.map((record) => record.id),
      ['TEST-1', 'TEST-2', 'TEST-REF-1', 'TEST-REF-2', 'TEST-REF-3', 'TEST-3'],
    );
    assert.deepEqual(records[0], {
      id: 'TEST-1',
      time: '2026-03-02T00:00:00Z',
      payer: { account: 'GB00TEST0000000001', name: 'TEST SENDER' },
      payee: { account: 'PH00TEST0000000000077', name: 'TEST RECEIVER' },
      amount: 11,
      currency: 'EUR',
    });
  });

  test('messages separated by "$" and blank lines, a byte-order mark, fields out of order, unknown fields ignored', () => {
    const reordered = withChange(':71A:SHA\r\n', ':71A:SHA\r\n:72:/INS/TESTGB2L\r\n:77B:/ORDERRES/GB//TEST\r\n');
    const separated = `\uFEFF$\r\n${reordered.replace('$', '\r\n$\r\n\r\n')}`;
    assert.deepEqual(parseMt103(Buffer.from(separated)), expected);
  });

  test('odd but valid Unicode passes as written; accented names from exports are kept', () => {
    const records = parseMt103(withChange('TEST SENDER ONE', 'TËST SENDÉR 漢 😀'));
    assert.equal(records[0]?.payer.name, 'TËST SENDÉR 漢 😀');
  });

  test('23E instruction codes in order, 26T as the purpose, 52A/57A BICs as the agents; 72 checked, not kept', () => {
    const message = bareMessage(1).replace(
      ':71A:SHA',
      ':23E:HOLD\n:23E:PHOB/+00 000 0000\n:26T:K90\n:52A:TESTGB2LXXX\n:57A:/D/TEST\nTESTPH2M\n:71A:SHA\n:72:/ACC/TEST\n//MORE',
    );
    const [record] = parseMt103(message);
    assert.deepEqual(record?.instructionCodes, ['HOLD', 'PHOB']);
    assert.equal(record?.purpose, 'K90');
    assert.equal(record?.payer.agentBic, 'TESTGB2LXXX');
    assert.equal(record?.payee.agentBic, 'TESTPH2M');
    assert.equal(record?.payee.country, 'PH', "57A's BIC gives the country when 59 has none");
    assert.equal(parseMt103(bareMessage(1))[0]?.instructionCodes, undefined);
    const other = parseMt103(bareMessage(1).replace(':71A:SHA', ':52D:TEST BANK\nTEST TOWN\n:71A:SHA'));
    assert.equal(other[0]?.payer.agentBic, undefined, '52D names a bank without a BIC');
  });

  test('the account of 50F may be a CODE/CC/ID identifier; 52A/57A give countries only when the party gives none', () => {
    const records = parseMt103(
      withChange(':50F:/DE00TEST0000000002', ':50F:CCPT/DE/TEST-PASSPORT-2').replace(
        ':71A:OUR',
        ':52A:TESTFR2PXXX\r\n:57A:TESTBE2BXXX\r\n:71A:OUR',
      ),
    );
    assert.equal(records[1]?.payer.account, 'CCPT/DE/TEST-PASSPORT-2');
    assert.equal(records[1]?.payer.country, 'DE', '50F 3/ wins over 52A');
    assert.equal(records[1]?.payee.country, 'NL', '59F 3/ wins over 57A');
    const noCountry = parseMt103(withChange(':52A:TESTGB2LXXX', ':52A:/D/TEST-CLEARING\r\nTESTIE2DXXX'));
    assert.equal(noCountry[0]?.payer.country, 'IE');
    const unknown = parseMt103(withChange(':52A:TESTGB2LXXX\r\n', ''));
    assert.equal(unknown[0]?.payer.country, undefined, 'no ordering institution: no country, none invented');
  });
});

describe('parseMt103 refuses hostile and broken input with the message, line and field', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /^no MT103 message in the input$/],
    ['not FIN', 'hello', /^line 1, column 1: expected a SWIFT message/],
    [
      'truncated inside block 4',
      fin.slice(0, fin.indexOf('FOR MARCH')),
      /^message 1, line 1: the input ends inside block 4/,
    ],
    [
      'truncated before the closing brace',
      fin.slice(0, fin.indexOf('-}') + 1),
      /^message 1, line 1: the input ends inside block 4/,
    ],
    [
      'truncated message followed by the next one',
      withChange('-}{5:{CHK:000000000000}}$', ''),
      /^line 20, column 1: a "\{" inside block 4 of message 1 \(opened at line 1\)/,
    ],
    [
      'unbalanced: a "}" too many',
      withChange('-}\r\n\r\n', '-}}\r\n\r\n'),
      /^line 34, column 3: a "\}" that closes no block$/,
    ],
    [
      'unbalanced: block 3 never closes',
      withChange('{121:00000000-0000-4000-8000-000000000001}}', '{121:00000000-0000-4000-8000-000000000001}'),
      /^message 1, line 1: the input ends inside block 3/,
    ],
    [
      'block 4 without its "-" line',
      withChange(':71A:OUR\r\n-}', ':71A:OUR\r\n}'),
      /^message 2, line 34: block 4 does not end with a line "-"/,
    ],
    [
      'text after the "-" line',
      withChange(':71A:OUR\r\n-}', ':71A:OUR\r\n-\r\n:72:X\r\n-}'),
      /^message 2, line 34: text after the line "-"/,
    ],
    ['an unknown block', withChange('{S:{SAC:}}', '{7:X}'), /^line 44, column 25: unknown block \{7:/],
    [
      'another message type',
      withChange('{2:I103TESTNL2A', '{2:I202TESTNL2A'),
      /^message 2, line 20: an MT202 message, not an MT103/,
    ],
    [
      'missing 20',
      withChange(':20:TEST-REF-2\r\n', ''),
      /^message 2, line 20: missing field 20 \(the sender's reference\)$/,
    ],
    ['missing 32A', withChange(':32A:260301EUR12,5\r\n', ''), /^message 2, line 20: missing field 32A/],
    [
      'missing 50a',
      withChange(':50A:/AU00TEST0000000003\r\nTESTAU2S\r\n', ''),
      /^message 3, line 36: missing field 50a \(50A, 50F or 50K/,
    ],
    [
      'missing 59a',
      withChange(':59:/PH00TEST0000000000077\r\nTEST RECEIVER\r\nTEST CITY\r\n', ''),
      /^message 1, line 1: missing field 59a/,
    ],
    [
      'no text block',
      withChange('{4:\r\n:20:TEST-REF-3', '{3:\r\n:20:TEST-REF-3'),
      /^message 3, line 36: no text block/,
    ],
    [
      'a field given twice',
      withChange(':23B:CRED\r\n:32A:260301', ':32A:260301EUR1,\r\n:32A:260301'),
      /^message 2, line 23: field 32A: given twice \(first at line 22\)$/,
    ],
    [
      'two options of one field',
      withChange(':59F:/NL00TEST', ':59:/NL00TEST0000000009\r\nTEST\r\n:59F:/NL00TEST'),
      /^message 2, line 31: fields 59 and 59F both given/,
    ],
    [
      '32A month 13',
      withChange(':32A:260301EUR', ':32A:261399EUR'),
      /^message 2, line 23: field 32A: the value date is not a real YYMMDD date: "261399"$/,
    ],
    [
      '32A 30 February',
      withChange(':32A:260301EUR', ':32A:260230EUR'),
      /field 32A: the value date is not a real YYMMDD date: "260230"$/,
    ],
    ['32A letters as date', withChange(':32A:260301EUR', ':32A:2603AAEUR'), /field 32A: the value date is not a real/],
    [
      'amount with a thousands dot',
      withChange('EUR12,5', 'EUR1.000,00'),
      /^message 2, line 23: field 32A: not an MT amount .*: "1\.000,00"$/,
    ],
    ['negative amount', withChange('EUR12,5', 'EUR-5'), /field 32A: not an MT amount .*: "-5"$/],
    ['a comma alone', withChange('EUR12,5', 'EUR,'), /field 32A: not an MT amount .*: ","$/],
    ['no decimal comma', withChange('EUR12,5', 'EUR1250'), /field 32A: not an MT amount/],
    [
      'a huge amount',
      withChange('EUR12,5', 'EUR1234567890123456,'),
      /field 32A: not an MT amount .*: "1234567890123456,"$/,
    ],
    ['a zero amount', withChange('EUR12,5', 'EUR0,'), /^message 2, line 23: field 32A: must be a positive amount/],
    [
      '33B zero',
      withChange(':33B:GBP25,50', ':33B:GBP0,00'),
      /^message 1, line 6: field 33B: must be a positive amount/,
    ],
    [
      'lower-case currency',
      withChange('EUR12,5', 'eur12,5'),
      /^message 2, line 23: field 32A: not an ISO 4217 currency code: "eur"$/,
    ],
    [
      "32A's currency when 33B gives the record's",
      withChange(':32A:260302PHP', ':32A:260302P H'),
      /^message 1, line 5: field 32A: not an ISO 4217 currency code: "P H"$/,
    ],
    [
      'a digit in the currency',
      withChange(':33B:GBP', ':33B:GB1'),
      /^message 1, line 6: field 33B: not an ISO 4217 currency code: "GB1"$/,
    ],
    [
      '13C out of range',
      withChange('/CLSTIME/0915+0100', '/CLSTIME/2515+0100'),
      /^message 1, line 3: field 13C: not a time indication/,
    ],
    [
      'NUL in a name',
      withChange('TEST SENDER ONE', 'TEST\u0000SENDER'),
      /^message 1, line 8: a character FIN text cannot hold \(U\+0000\)$/,
    ],
    [
      'a C1 control',
      withChange('TEST SHOP', 'TEST\u0085SHOP'),
      /^message 2, line 30: a character FIN text cannot hold \(U\+0085\)$/,
    ],
    [
      'a tab',
      withChange('TEST CITY', 'TEST\tCITY'),
      /^message 1, line 15: a character FIN text cannot hold \(U\+0009\)$/,
    ],
    ['U+FFFE', withChange('SCHOOL FEES', 'SCHOOL\uFFFEFEES'), /^message 1, line 16: .*\(U\+FFFE\)$/],
    ['an unpaired surrogate', withChange('FOR MARCH', 'FOR \uD800MARCH'), /^message 1, line 17: .*\(U\+D800\)$/],
    [
      'NUL in a header block',
      withChange('{108:TEST-MUR-1}', '{108:TEST\u0000}'),
      /^message 1, line 1: block 3: a character FIN cannot hold \(U\+0000\)$/,
    ],
    [
      'a colon line that is no tag',
      withChange('TEST RECEIVER', ':ABC:TEST'),
      /^message 1, line 14: ":ABC:TES" is not a field tag/,
    ],
    [
      'text before the first field',
      withChange('{4:\r\n:20:TEST-REF-3', '{4:\r\nHELLO\r\n:20:TEST-REF-3'),
      /^message 3, line 37: text before the first field/,
    ],
    [
      'a repeated reference',
      withChange(':20:TEST-REF-3', ':20:TEST-REF-1'),
      /^message 3, line 37: field 20: reference "TEST-REF-1" repeats an earlier message's$/,
    ],
    [
      'a reference over 16 characters',
      withChange(':20:TEST-REF-3', ':20:TEST-REF-3-TOO-LONG'),
      /^message 3, line 37: field 20: line 1 has 19 characters, at most 16$/,
    ],
    [
      'a reference with //',
      withChange(':20:TEST-REF-3', ':20:TEST//3'),
      /field 20: a reference may not start or end with/,
    ],
    [
      '50K without an account',
      withChange(':50K:/GB00TEST00000000000001\r\n', ':50K:'),
      /^message 1, line 7: missing account in field 50K \(a first line "\/ACCOUNT"\)$/,
    ],
    [
      '50K over 4 lines',
      withChange('TESTTOWN\r\n', 'TESTTOWN\r\nMORE\r\nEVEN MORE\r\n'),
      /^message 1, line 7: field 50K: 6 lines, at most 5$/,
    ],
    [
      '50F birth date 30 February',
      withChange('4/19610504', '4/19610230'),
      /^message 2, line 24: field 50F: 4\/ is not a real YYYYMMDD date of birth: "19610230"$/,
    ],
    [
      '50F country not alpha-2',
      withChange('3/DE/TESTSTADT', '3/DEU/TESTSTADT'),
      /^message 2, line 24: field 50F: not an ISO 3166-1 alpha-2 country code: "DEU"$/,
    ],
    ['50F unnumbered line', withChange('1/TEST SENDER TWO', 'TEST SENDER TWO'), /field 50F: expected lines "n\/text"/],
    [
      '50F bad identifier',
      withChange(':50F:/DE00TEST0000000002', ':50F:PASSPORT 2'),
      /field 50F: the first line must be \/ACCOUNT or CODE\/CC\/IDENTIFIER/,
    ],
    [
      '52A not a BIC',
      withChange(':52A:TESTGB2LXXX', ':52A:TEST'),
      /^message 1, line 11: field 52A: not a BIC .*: "TEST"$/,
    ],
    ['59A not a BIC', withChange('TESTUS33\r\n', 'TEST US33\r\n'), /^message 3, line 42: field 59A: not a BIC/],
    [
      '71A unknown charges',
      withChange(':71A:OUR', ':71A:ALL'),
      /^message 2, line 33: field 71A: expected BEN, OUR or SHA, got "ALL"$/,
    ],
    [
      '32A the largest amount 15 characters can hold plus cents',
      withChange('EUR12,5', 'EUR999999999999999,99'),
      /^message 2, line 23: field 32A: not an MT amount .*: "999999999999999,99"$/,
    ],
    [
      '32A date 991399',
      withChange(':32A:260301EUR', ':32A:991399EUR'),
      /^message 2, line 23: field 32A: the value date is not a real YYMMDD date: "991399"$/,
    ],
    ['32A date 000000', withChange(':32A:260301EUR', ':32A:000000EUR'), /field 32A: the value date is not a real/],
    ['32A 29 February 2027', withChange(':32A:260301EUR', ':32A:270229EUR'), /field 32A: the value date is not a real/],
    [
      '32A an amount with two commas',
      withChange('EUR12,5', 'EUR12,5,0'),
      /^message 2, line 23: field 32A: not an MT amount .*: "12,5,0"$/,
    ],
    ['32A a NaN amount', withChange('EUR12,5', 'EURNaN'), /field 32A: not an MT amount .*: "NaN"$/],
    [
      'a block nested inside block 4',
      withChange(':70:SCHOOL FEES', ':70:SCHOOL {4:FEES}'),
      /^line 16, column 12: a "\{" inside block 4 of message 1 \(opened at line 1\)/,
    ],
    [
      'a block inside a block inside block 3 left open',
      withChange('{108:TEST-MUR-1}', '{108:{108:{108:TEST}}'),
      /^message 1, line 1: the input ends inside block 3/,
    ],
    [
      '23E unknown code',
      withChange(':71A:OUR', ':23E:CASH\r\n:71A:OUR'),
      /^message 2, line 33: field 23E: "CASH" is not an MT103 instruction code/,
    ],
    [
      '23E lower case',
      withChange(':71A:OUR', ':23E:hold\r\n:71A:OUR'),
      /^message 2, line 33: field 23E: not an instruction code with optional \/information/,
    ],
    [
      '23E information over 30 characters',
      withChange(':71A:OUR', `:23E:PHOB/${'1'.repeat(31)}\r\n:71A:OUR`),
      /^message 2, line 33: field 23E: line 1 has 36 characters, at most 35$/,
    ],
    [
      '23E over two lines',
      withChange(':71A:OUR', ':23E:HOLD\r\nMORE\r\n:71A:OUR'),
      /^message 2, line 33: field 23E: 2 lines, at most 1$/,
    ],
    [
      '23E repeated 10,000 times',
      withChange(':71A:OUR', `${':23E:HOLD\r\n'.repeat(10_000)}:71A:OUR`),
      /^message 2, line 33: field 23E: 10000 instruction codes, at most 20$/,
    ],
    [
      '26T not 3 characters',
      withChange(':71A:OUR', ':26T:K9\r\n:71A:OUR'),
      /^message 2, line 33: field 26T: not a code of 3 letters or digits: "K9"$/,
    ],
    [
      '26T given twice',
      withChange(':71A:OUR', ':26T:K90\r\n:26T:K91\r\n:71A:OUR'),
      /^message 2, line 34: field 26T: given twice \(first at line 33\)$/,
    ],
    [
      '72 over 6 lines',
      withChange(':71A:OUR', `:72:/ACC/1${'\r\n//MORE'.repeat(6)}\r\n:71A:OUR`),
      /^message 2, line 33: field 72: 7 lines, at most 6$/,
    ],
    [
      '72 a line over 35 characters',
      withChange(':71A:OUR', `:72:/ACC/${'X'.repeat(40)}\r\n:71A:OUR`),
      /^message 2, line 33: field 72: line 1 has 45 characters, at most 35$/,
    ],
    [
      '57A BIC in lower case',
      withChange(':57A:TESTPH2MXXX', ':57A:testph2mxxx'),
      /^message 1, line 12: field 57A: not a BIC .*: "testph2mxxx"$/,
    ],
    [
      'a zero-width joiner and a right-to-left override pass FIN checks but not the BIC',
      withChange(':52A:TESTGB2LXXX', ':52A:TEST\u200DGB2L\u202EXXX'),
      /^message 1, line 11: field 52A: not a BIC/,
    ],
    [
      'NUL inside the reference',
      withChange(':20:TEST-REF-2', ':20:TEST\u0000REF'),
      /^message 2, line 21: a character FIN text cannot hold \(U\+0000\)$/,
    ],
    [
      'a lone CR inside a field line',
      withChange('TEST RECEIVER', 'TEST\rRECEIVER'),
      /^message 1, line 14: a carriage return \(U\+000D\) without a line feed/,
    ],
    [
      '23B not a code',
      withChange(':23B:CRED\r\n:32A:991231', ':23B:CR\r\n:32A:991231'),
      /^message 3, line 38: field 23B: not a code/,
    ],
  ];
  for (const [name, input, pattern] of cases) {
    test(name, () => {
      rejects(() => parseMt103(input), pattern);
    });
  }

  test('a 1 MB field is refused by the field limits, and a 2 MiB message by maxTokenLength', () => {
    rejects(
      () => parseMt103(withChange(':70:SCHOOL FEES', `:70:${'A'.repeat(1_000_000)}`)),
      /^message 1, line 16: field 70: line 1 has 1000000 characters, at most 35$/,
    );
    rejects(
      () => parseMt103(withChange(':71A:SHA\r\n', `:71A:SHA\r\n:72:${'B'.repeat(2 * 1024 * 1024)}\r\n`)),
      /^message 1, line 1: longer than 1048576 characters/,
    );
  });

  test('the engine check refuses a payment at its field (an account with a space)', () => {
    rejects(
      () =>
        parseMt103(withChange('/GB00TEST00000000000001', '/GB00 TEST 0001'), {
          checkEvent: (event) =>
            /\s/.test(event.entities.payment_account ?? '')
              ? [{ path: 'entities.payment_account', message: 'no spaces' }]
              : [],
        }),
      /^message 1, line 7: field 50K: transaction "TEST-REF-1" is refused by the engine: entities\.payment_account: no spaces$/,
    );
  });
});

describe('MT103 streams and files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'prevail-mt103-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test('any chunking gives the records of the whole input', async () => {
    for (const size of [1, 2, 7, 64, 4096]) {
      assert.deepEqual((await streamed(piecesOf(fin, size))).flat(), expected, `pieces of ${size} bytes`);
    }
  });

  test('CRLF and LF mixed inside one message read alike; many messages with the last one broken give nothing', () => {
    const mixed = bareMessage(7)
      .split('\n')
      .map((line, index) => (index % 2 === 0 ? `${line}\r` : line))
      .join('\n');
    assert.deepEqual(parseMt103(mixed), parseMt103(bareMessage(7)));
    const many = Array.from({ length: 2000 }, (_, index) => bareMessage(index)).join('');
    assert.equal(parseMt103(many).length, 2000);
    const broken = `${many}${bareMessage(2000).replace('EUR', 'EUR-')}`;
    rejects(() => parseMt103(broken), /^message 2001, line 18003: field 32A: not an MT amount/);
    rejects(() => readPayments(broken, 'mt103'), /^message 2001, line 18003: field 32A/);
  });

  test('thousands of messages stream in batches', async () => {
    const count = 5000;
    const text = Array.from({ length: count }, (_, index) => bareMessage(index)).join('');
    const batches = await streamed(piecesOf(text, 65_536), { batchSize: 1000 });
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [1000, 1000, 1000, 1000, 1000],
    );
    assert.equal(batches[4]?.[999]?.id, `TEST-${count - 1}`);
  });

  test('an unclosed block or an endless bare block is refused after a bounded read, not held whole', async () => {
    for (const head of ['{1:F01TESTGB2LAXXX0000000000}{4:\r\n:20:TEST-1\r\n', ':20:TEST-1\r\n:70:']) {
      let pieces = 0;
      async function* endless(): AsyncGenerator<string> {
        yield head;
        for (;;) {
          pieces++;
          assert.ok(pieces < 1000, 'the reader kept reading');
          yield 'MORE TEXT\r\n'.repeat(100);
        }
      }
      await assert.rejects(
        streamed(endless(), { maxTokenLength: 50_000 }),
        (error: unknown) =>
          error instanceof EngineError && /^message 1, line 1: longer than 50000 characters/.test(error.message),
      );
      assert.ok(pieces < 60, `stopped after ${pieces} pieces`);
    }
  });

  test('validatePaymentsFile throws the first problem and readPaymentsFile reads a valid file', async () => {
    const good = join(directory, 'good.fin');
    writeFileSync(good, fin);
    assert.deepEqual(await validatePaymentsFile(good, 'mt103'), { count: 3 });
    const batches: PaymentRecord[][] = [];
    for await (const batch of readPaymentsFile(good, 'mt103', { batchSize: 2 })) batches.push(batch);
    assert.deepEqual(batches, [expected.slice(0, 2), expected.slice(2)]);
    const bad = join(directory, 'bad.fin');
    writeFileSync(bad, withChange(':32A:991231USD7,', ':32A:991231USD7'));
    await assert.rejects(
      validatePaymentsFile(bad, 'mt103'),
      (error: unknown) =>
        error instanceof EngineError &&
        error.code === 'PAYMENT_INVALID' &&
        /^message 3, line 39: field 32A: not an MT amount/.test(error.message),
    );
  });
});

describe('detectPaymentFormat for SWIFT MT', () => {
  test('FIN blocks and bare text blocks are mt103; another MT type is an error, not a guess', () => {
    assert.equal(detectPaymentFormat(fin), 'mt103');
    assert.equal(detectPaymentFormat(Buffer.from(`\uFEFF\r\n${fin}`)), 'mt103');
    assert.equal(detectPaymentFormat(bareMessage(1)), 'mt103');
    assert.equal(detectPaymentFormat('{4:\r\n:20:TEST\r\n'), 'mt103');
    assert.equal(detectPaymentFormat(`$\r\n${fin}`), 'mt103');
    assert.equal(detectPaymentFormat('{"id":"a"}'), 'jsonl');
    rejects(() => detectPaymentFormat('{1:F01TESTGB2LAXXX0000000000}{2:I202TESTNL2AXXXXN}{4:'), /MT202/);
  });
});

describe('MT103 under random damage', () => {
  /** Characters that matter to the structure, plus controls and non-Latin text. */
  const pieces = [
    '{',
    '}',
    ':',
    '$',
    '-',
    '\r\n',
    '\n',
    '/',
    ',',
    '{4:',
    '-}',
    ':20:',
    ':32A:',
    'A',
    '9',
    '\u0000',
    'é',
    '😀',
  ];
  const damage = fc.tuple(
    fc.nat({ max: fin.length }),
    fc.nat({ max: 40 }),
    fc.array(fc.constantFrom(...pieces), { maxLength: 6 }),
  );

  async function outcome(run: () => Promise<PaymentRecord[]> | PaymentRecord[]): Promise<string> {
    try {
      return JSON.stringify(await run());
    } catch (error) {
      assert.ok(error instanceof EngineError, `not an EngineError: ${String(error)}`);
      assert.equal(error.code, 'PAYMENT_INVALID', error.message);
      assert.ok(error.message.length < 400);
      return `error: ${error.message}`;
    }
  }

  test('a damaged input reads, or is PAYMENT_INVALID, the same whole or in pieces of any size', async () => {
    await fc.assert(
      fc.asyncProperty(damage, fc.integer({ min: 1, max: 300 }), async ([at, cut, inserted], size) => {
        const text = fin.slice(0, at) + inserted.join('') + fin.slice(at + cut);
        const whole = await outcome(() => parseMt103(text));
        const pieces = await outcome(async () => (await streamed(piecesOf(text, size))).flat());
        assert.equal(pieces, whole);
      }),
      { numRuns: 400, seed: 103 },
    );
  });
});
