import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { parsePaymentCsv } from './parse-csv.js';

const header =
  'id,time,payer_account,payer_name,payer_country,payer_type,payer_birth_date,payer_birth_country,payee_account,payee_name,payee_country,payee_type,amount,currency,remittance_info,purpose,channel,declared_relationship,merchant_category,funding_instrument,payee_document,crypto_risk_tags';

function rejects(run: () => unknown, pattern: RegExp, code = 'PAYMENT_INVALID'): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parsePaymentCsv', () => {
  test('reads every documented column with RFC 4180 quoting: commas, doubled quotes, line breaks', () => {
    const csv = [
      header,
      't1,2026-03-01T23:40:00+10:00,AU-1,"Sender, Test",AU,individual,1961-05-04,GB,PH-7,"Receiver ""Test""",PH,individual,50.00,AUD,"line one',
      'line two",FAMI,mto_online,parent,,card-1,,mixer; kiosk',
      '',
      't2,2026-03-02T09:15:00Z,DE-2,,DE,organisation,,,NL-3,,,, 12.5 ,EUR,,,,,,,,',
    ].join('\r\n');
    assert.deepEqual(parsePaymentCsv(csv), [
      {
        id: 't1',
        time: '2026-03-01T23:40:00+10:00',
        localHour: 23,
        payer: {
          account: 'AU-1',
          name: 'Sender, Test',
          country: 'AU',
          type: 'individual',
          birthDate: '1961-05-04',
          birthCountry: 'GB',
        },
        payee: { account: 'PH-7', name: 'Receiver "Test"', country: 'PH', type: 'individual' },
        amount: 50,
        currency: 'AUD',
        remittanceInfo: 'line one\nline two',
        purpose: 'FAMI',
        channel: 'mto_online',
        declaredRelationship: 'parent',
        fundingInstrument: 'card-1',
        cryptoRiskTags: ['mixer', 'kiosk'],
      },
      {
        id: 't2',
        time: '2026-03-02T09:15:00Z',
        localHour: 9,
        payer: { account: 'DE-2', country: 'DE', type: 'organisation' },
        payee: { account: 'NL-3' },
        amount: 12.5,
        currency: 'EUR',
      },
    ]);
  });

  test('reads the agent BICs, payment type and instruction-code columns; a bad BIC names its column', () => {
    const csv = [
      'id,time,payer_account,payee_account,amount,currency,payer_agent_bic,payee_agent_bic,local_instrument,service_level,instruction_codes,category_purpose',
      't1,2026-03-01T23:40:00+10:00,AU-1,PH-7,50,AUD,TESTAU2S,TESTPH2MXXX,CPP,G001,HOLD; PHOB,SUPP',
    ].join('\n');
    const [record] = parsePaymentCsv(csv);
    assert.deepEqual(record?.payer, { account: 'AU-1', agentBic: 'TESTAU2S' });
    assert.deepEqual(record?.payee, { account: 'PH-7', agentBic: 'TESTPH2MXXX' });
    assert.deepEqual(
      [record?.localInstrument, record?.serviceLevel, record?.instructionCodes, record?.categoryPurpose],
      ['CPP', 'G001', ['HOLD', 'PHOB'], 'SUPP'],
    );
    rejects(
      () => parsePaymentCsv(csv.replace('TESTAU2S', 'TESTAU')),
      /^line 2: column "payer_agent_bic": not a BIC .*"TESTAU"$/,
    );
    rejects(
      () => parsePaymentCsv(csv.replace('HOLD; PHOB', 'HOLD; PAY CASH')),
      /^line 2: column "instruction_codes": not an instruction code/,
    );
  });

  test('a mapping renames columns; unknown columns are ignored; column order is free', () => {
    const csv = 'Amount,Sender,Receiver,Ref,When,Cur,notes\n25,S-1,R-1,x-1,2026-03-01T02:00:00-05:00,USD,ignored\n';
    const mapping = {
      amount: 'Amount',
      payer_account: 'Sender',
      payee_account: 'Receiver',
      id: 'Ref',
      time: 'When',
      currency: 'Cur',
    };
    assert.deepEqual(parsePaymentCsv(csv, mapping), [
      {
        id: 'x-1',
        time: '2026-03-01T02:00:00-05:00',
        localHour: 2,
        payer: { account: 'S-1' },
        payee: { account: 'R-1' },
        amount: 25,
        currency: 'USD',
      },
    ]);
  });

  test('one CSV dialect with te-csv hash lists: a quoted field with a newline, a quote, a BOM and CRLF', () => {
    const header = 'id,time,payer_account,payee_account,amount,currency,remittance_info';
    const csv = [
      `\uFEFF${header}`,
      't1,2026-03-01T10:00:00Z, "A" ,B,5,USD,"say ""hi"""',
      't2,2026-03-01T10:00:00Z,A,B,5,USD,"two',
      'lines, one CRLF"',
      '',
      't3,2026-03-01T10:00:00Z,A,B,5,USD,"lone\rCR"',
    ].join('\r\n');
    for (const input of [csv, Buffer.from(`${csv}\r\n`)]) {
      const records = parsePaymentCsv(input);
      assert.deepEqual(
        records.map((record) => [record.id, record.payer.account, record.remittanceInfo]),
        [
          ['t1', 'A', 'say "hi"'],
          ['t2', 'A', 'two\nlines, one CRLF'],
          ['t3', 'A', 'lone\rCR'],
        ],
      );
    }
    rejects(
      () => parsePaymentCsv(`${header}\r\nt4,2026-03-01T10:00:00Z,A,B,5,USD,3"inch\r\n`),
      /^line 2: a quote inside/,
    );
    rejects(
      () => parsePaymentCsv(`${header}\nt5,2026-03-01T10:00:00Z,A,B,5,USD,ok\nt6,T,"A\nA"x,B,5,USD,x\n`),
      /^line 4: text after a closing quote$/,
    );
  });

  test('errors name the line a record starts on and the column as the file names it; nothing is returned', () => {
    const mapping = { payer_country: 'Sender Country' };
    const csv = `id,time,payer_account,payee_account,amount,currency,Sender Country\nt1,2026-03-01T10:00:00Z,A,B,5,USD,AU\n"t2",2026-03-01T10:00:00Z,"A\nA",B,5,USD,Australia\n`;
    rejects(
      () => parsePaymentCsv(csv, mapping),
      /^line 3: column "Sender Country": not an ISO 3166-1 alpha-2 country code: "Australia"$/,
    );
    rejects(
      () => parsePaymentCsv(`${header}\nt1,2026-03-01T10:00:00Z,A,,,,,,B,,,,,USD,,,,,,,,\n`),
      /^line 2: missing column "amount"$/,
    );
    rejects(
      () => parsePaymentCsv('id,time\n'),
      /^line 1: the header lacks columns payer_account, payee_account, amount, currency$/,
    );
    rejects(
      () => parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\n', { payer_account: 'Sender' }),
      /lacks column "Sender" \(payer_account\)/,
    );
    rejects(() => parsePaymentCsv('id,id,time,payer_account,payee_account,amount,currency\n'), /repeats column "id"/);
    rejects(() => parsePaymentCsv(''), /^line 1: a CSV payments file needs a header row$/);
    rejects(
      () => parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\nt1,x,A,B,5\n'),
      /^line 2: 5 fields, but the header has 6$/,
    );
    rejects(
      () => parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\nt1,"open,A,B,5,USD\n'),
      /^line 2: a quoted field never closes/,
    );
    rejects(
      () => parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\nt1,5" screen,A,B,5,USD\n'),
      /^line 2: a quote inside an unquoted field/,
    );
    rejects(
      () => parsePaymentCsv('id,time,payer_account,payee_account,amount,currency\n"t1"x,T,A,B,5,USD\n'),
      /^line 2: text after a closing quote$/,
    );
    const twice =
      'id,time,payer_account,payee_account,amount,currency\nt1,2026-03-01T10:00:00Z,A,B,5,USD\nt1,2026-03-01T10:00:00Z,A,B,5,USD\n';
    rejects(() => parsePaymentCsv(twice), /^line 3: id "t1" repeats an earlier payment$/);
    rejects(() => parsePaymentCsv('id\n', { nonsense: 'x' } as never), /unknown field "nonsense"/, 'CONFIG_INVALID');
  });
});
