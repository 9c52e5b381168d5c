import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { EngineError } from '../../core/index.js';
import type { PaymentRecord } from '../payment-record.js';
import { parsePacs008, parsePain001 } from './parse-iso20022.js';

/** Three synthetic transactions: birth data, a +10:00 night-time payment, repeated Ustrd, fallbacks. */
const pacs008 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>TEST-MSG-1</MsgId>
      <CreDtTm>2026-03-02T09:15:00Z</CreDtTm>
      <NbOfTxs>3</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
    </GrpHdr>
    <CdtTrfTxInf>
      <PmtId><InstrId>I-1</InstrId><EndToEndId>E-1</EndToEndId><TxId>TX-1</TxId></PmtId><PmtTpInf><SvcLvl><Cd>G001</Cd></SvcLvl><LclInstrm><Prtry>TEST-WALLET</Prtry></LclInstrm><CtgyPurp><Cd>GP2P</Cd></CtgyPurp></PmtTpInf>
      <IntrBkSttlmAmt Ccy="PHP">1900.00</IntrBkSttlmAmt>
      <AccptncDtTm>2026-03-01T23:40:00+10:00</AccptncDtTm>
      <InstdAmt Ccy="AUD">50.00</InstdAmt>
      <ChrgBr>SHAR</ChrgBr>
      <Dbtr>
        <Nm>Test Sender One</Nm>
        <PstlAdr><TwnNm>Testville</TwnNm><Ctry>AU</Ctry></PstlAdr>
        <Id><PrvtId>
          <DtAndPlcOfBirth><BirthDt>1961-05-04</BirthDt><CityOfBirth>Testtown</CityOfBirth><CtryOfBirth>GB</CtryOfBirth></DtAndPlcOfBirth>
        </PrvtId></Id>
      </Dbtr>
      <DbtrAcct><Id><IBAN>AU00TEST0000000001</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>TESTAU2S</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>TESTPHMM</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>Test Receiver</Nm><PstlAdr><Ctry>PH</Ctry></PstlAdr><Id><PrvtId><Othr><Id>R-77</Id></Othr></PrvtId></Id></Cdtr>
      <CdtrAcct><Id><Othr><Id>PH-WALLET-77</Id></Othr></Id></CdtrAcct><InstrForCdtrAgt><Cd>HOLD</Cd></InstrForCdtrAgt><InstrForCdtrAgt><Cd>PHOB</Cd><InstrInf>+00 000</InstrInf></InstrForCdtrAgt>
      <Purp><Cd>FAMI</Cd></Purp>
      <RmtInf><Ustrd>school fees</Ustrd><Ustrd>for March</Ustrd></RmtInf>
      <SplmtryData><Envlp><Prevail xmlns="urn:prevail:payments:extension:1">
        <Channel>mto_online</Channel><DeclaredRelationship>parent</DeclaredRelationship>
        <FundingInstrument>card-1234</FundingInstrument>
      </Prevail></Envlp></SplmtryData>
    </CdtTrfTxInf>
    <CdtTrfTxInf>
      <PmtId><InstrId>I-2</InstrId><EndToEndId>E-2</EndToEndId></PmtId>
      <IntrBkSttlmAmt Ccy="EUR">12.5</IntrBkSttlmAmt>
      <ChrgBr>DEBT</ChrgBr>
      <Dbtr><Nm>Test Company Ltd</Nm><Id><OrgId><Othr><Id>ORG-5</Id></Othr></OrgId></Id></Dbtr>
      <DbtrAgt><FinInstnId><PstlAdr><Ctry>DE</Ctry></PstlAdr></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>TESTNL2A</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>Test Shop</Nm><CtryOfRes>NL</CtryOfRes></Cdtr>
      <CdtrAcct><Id><IBAN>NL00TEST0000000002</IBAN></Id></CdtrAcct>
      <Purp><Prtry>ONLINE-GOODS</Prtry></Purp>
    </CdtTrfTxInf>
    <CdtTrfTxInf>
      <PmtId><InstrId>I-3</InstrId><EndToEndId>NOTPROVIDED</EndToEndId></PmtId>
      <IntrBkSttlmAmt Ccy="USD">7</IntrBkSttlmAmt>
      <AccptncDtTm>2026-03-01T02:05:00-03:00</AccptncDtTm>
      <ChrgBr>SHAR</ChrgBr>
      <Dbtr><Nm>Test Sender Three</Nm></Dbtr>
      <DbtrAcct><Id><Othr><Id>ACC-3</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId/></DbtrAgt>
      <CdtrAgt><FinInstnId/></CdtrAgt>
      <Cdtr><Nm>Test Receiver</Nm></Cdtr>
      <CdtrAcct><Id><Othr><Id>PH-WALLET-77</Id></Othr></Id></CdtrAcct>
      <RmtInf><Ustrd><![CDATA[gift & thanks]]></Ustrd></RmtInf>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>
`;

const expected: PaymentRecord[] = [
  {
    id: 'TX-1',
    time: '2026-03-01T23:40:00+10:00',
    localHour: 23,
    payer: {
      account: 'AU00TEST0000000001',
      name: 'Test Sender One',
      country: 'AU',
      type: 'individual',
      birthDate: '1961-05-04',
      birthCountry: 'GB',
      agentBic: 'TESTAU2S',
    },
    payee: { account: 'PH-WALLET-77', name: 'Test Receiver', country: 'PH', type: 'individual', agentBic: 'TESTPHMM' },
    amount: 50,
    currency: 'AUD',
    remittanceInfo: 'school fees for March',
    purpose: 'FAMI',
    categoryPurpose: 'GP2P',
    localInstrument: 'TEST-WALLET',
    serviceLevel: 'G001',
    instructionCodes: ['HOLD', 'PHOB'],
    channel: 'mto_online',
    declaredRelationship: 'parent',
    fundingInstrument: 'card-1234',
  },
  {
    id: 'E-2',
    time: '2026-03-02T09:15:00Z',
    localHour: 9,
    payer: { account: 'ORG-5', name: 'Test Company Ltd', country: 'DE', type: 'organisation' },
    payee: { account: 'NL00TEST0000000002', name: 'Test Shop', country: 'NL', agentBic: 'TESTNL2A' },
    amount: 12.5,
    currency: 'EUR',
    purpose: 'ONLINE-GOODS',
  },
  {
    id: 'I-3',
    time: '2026-03-01T02:05:00-03:00',
    localHour: 2,
    payer: { account: 'ACC-3', name: 'Test Sender Three' },
    payee: { account: 'PH-WALLET-77', name: 'Test Receiver' },
    amount: 7,
    currency: 'USD',
    remittanceInfo: 'gift & thanks',
  },
];

function rejects(run: () => unknown, pattern: RegExp): EngineError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof EngineError, `expected an EngineError, got ${String(caught)}`);
  assert.equal(caught.code, 'PAYMENT_INVALID');
  assert.match(caught.message, pattern);
  return caught;
}

/** `pacs008` with the second transaction's text replaced. */
function withChange(from: string, to: string): string {
  assert.ok(pacs008.includes(from), `fixture lacks ${from}`);
  return pacs008.replace(from, to);
}

describe('parsePacs008', () => {
  test('reads every transaction: per-transaction times and offsets, InstdAmt first, birth data, fallbacks', () => {
    assert.deepEqual(parsePacs008(pacs008), expected);
  });

  test('reads bytes and ignores namespace prefixes and message versions', () => {
    const prefixed = pacs008
      .replace(/<(\/?)([A-Za-z])/g, '<$1ns0:$2')
      .replace(
        'xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10"',
        'xmlns:ns0="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.02"',
      );
    assert.match(prefixed, /<ns0:CdtTrfTxInf>/);
    assert.deepEqual(parsePacs008(Buffer.from(prefixed)), expected);
  });

  test('reads a message element inside a business-message envelope', () => {
    const body = pacs008.replace('<?xml version="1.0" encoding="UTF-8"?>\n', '');
    const enveloped = `<BizMsg><AppHdr><Fr>test</Fr></AppHdr>${body}</BizMsg>`;
    assert.deepEqual(parsePacs008(enveloped), expected);
  });

  test('a malformed document gives the line and column, and nothing is returned', () => {
    const broken = withChange('<Nm>Test Company Ltd</Nm>', '<Nm>Test Company Ltd</Name>');
    rejects(() => parsePacs008(broken), /^line 39, column 40: unexpected close tag/);
    rejects(() => parsePacs008(pacs008.replace('</Document>\n', '')), /^line \d+, column \d+: unclosed tag: Document/);
  });

  test('one bad transaction among good ones fails the whole message at the line where it starts', () => {
    const missingAccount = withChange('<CdtrAcct><Id><IBAN>NL00TEST0000000002</IBAN></Id></CdtrAcct>', '');
    rejects(
      () => parsePacs008(missingAccount),
      /^line 35, column 5: missing CdtrAcct\/Id\/IBAN, CdtrAcct\/Id\/Othr\/Id or Cdtr\/Id\/\*\/Othr\/Id$/,
    );
    const badAmount = withChange(
      '<IntrBkSttlmAmt Ccy="EUR">12.5</IntrBkSttlmAmt>',
      '<IntrBkSttlmAmt Ccy="EUR">-12.5</IntrBkSttlmAmt>',
    );
    rejects(() => parsePacs008(badAmount), /^line 35, column 5: IntrBkSttlmAmt: not a decimal amount: "-12.5"/);
    const badCurrency = withChange('Ccy="EUR"', 'Ccy="eur"');
    rejects(() => parsePacs008(badCurrency), /^line 35, column 5: IntrBkSttlmAmt\/@Ccy: not an ISO 4217 currency code/);
    const badCountry = withChange('<CtryOfRes>NL</CtryOfRes>', '<CtryOfRes>Netherlands</CtryOfRes>');
    rejects(() => parsePacs008(badCountry), /^line 35, column 5: Cdtr\/CtryOfRes: not an ISO 3166-1 alpha-2/);
    const badChannel = pacs008.replace('<Channel>mto_online</Channel>', '<Channel>pigeon</Channel>');
    rejects(
      () => parsePacs008(badChannel),
      /^line 10, column 5: SplmtryData\/Envlp\/Prevail\/Channel: not a known channel/,
    );
    const badTime = pacs008.replace('2026-03-01T23:40:00+10:00', '2026-02-30T23:40:00+10:00');
    rejects(() => parsePacs008(badTime), /^line 10, column 5: AccptncDtTm: not a valid date-time/);
    const noTime = pacs008.replace('<CreDtTm>2026-03-02T09:15:00Z</CreDtTm>', '');
    rejects(() => parsePacs008(noTime), /^line 35, column 5: missing AccptncDtTm or GrpHdr\/CreDtTm/);
    const badBic = withChange('<BICFI>TESTNL2A</BICFI>', '<BICFI>TEST NL2A</BICFI>');
    rejects(() => parsePacs008(badBic), /^line 35, column 5: CdtrAgt\/FinInstnId\/BICFI: not a BIC .*: "TEST NL2A"$/);
    const badInstruction = pacs008.replace('<Cd>HOLD</Cd>', '<Cd>HOLD CASH</Cd>');
    rejects(
      () => parsePacs008(badInstruction),
      /^line 10, column 5: InstrForCdtrAgt\/Cd: not an instruction code of 4 letters or digits: "HOLD CASH"$/,
    );
  });

  test('an older message version names the agent BIC `BIC`; a transaction without PmtTpInf has none of its fields', () => {
    const older = pacs008.replaceAll('<BICFI>', '<BIC>').replaceAll('</BICFI>', '</BIC>');
    assert.deepEqual(parsePacs008(older), expected);
    const [, second] = parsePacs008(pacs008);
    for (const key of ['localInstrument', 'serviceLevel', 'categoryPurpose', 'instructionCodes'] as const) {
      assert.equal(second?.[key], undefined, key);
    }
  });

  test('transaction ids are unique within the message, and NbOfTxs must match when present', () => {
    rejects(
      () => parsePacs008(pacs008.replace('<TxId>TX-1</TxId>', '<TxId>E-2</TxId>')),
      /^line 35, column 5: transaction id "E-2" repeats/,
    );
    rejects(
      () => parsePacs008(pacs008.replace('<NbOfTxs>3</NbOfTxs>', '<NbOfTxs>4</NbOfTxs>')),
      /GrpHdr\/NbOfTxs is "4" but the message has 3/,
    );
    assert.equal(parsePacs008(pacs008.replace('<NbOfTxs>3</NbOfTxs>', '')).length, 3);
  });

  test('refuses a pain.001, another message, or no message at all', () => {
    rejects(
      () => parsePacs008(pain001),
      /expected FIToFICstmrCdtTrf inside Document, found CstmrCdtTrfInitn \(this is a pain\.001 message\)/,
    );
    rejects(() => parsePacs008('<Document><BkToCstmrStmt/></Document>'), /found BkToCstmrStmt/);
    rejects(() => parsePacs008('<Other/>'), /no FIToFICstmrCdtTrf element/);
  });
});

describe('XML safety', () => {
  test('billion laughs: a DOCTYPE with nested entities is refused before any expansion', () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, level) => {
        const previous = level === 0 ? 'lol' : `lol${level}`;
        return ` <!ENTITY lol${level + 1} "${`&${previous};`.repeat(10)}">`;
      }),
      ']>',
      '<Document><FIToFICstmrCdtTrf><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>',
    ].join('\n');
    const error = rejects(() => parsePacs008(laughs), /^line 13, column \d+: a DOCTYPE is not allowed/);
    assert.ok(error.message.length < 200, 'the message does not carry an expansion');
  });

  test('an external entity is refused and the file it names is never read into the error', () => {
    const directory = mkdtempSync(join(tmpdir(), 'prevail-xxe-'));
    try {
      const secret = join(directory, 'secret.txt');
      writeFileSync(secret, 'SECRET-MARKER-7f3a');
      for (const target of [pathToFileURL(secret).href, 'file:///etc/passwd']) {
        const xml = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "${target}">]>\n<Document><FIToFICstmrCdtTrf><GrpHdr><MsgId>&e;</MsgId></GrpHdr></FIToFICstmrCdtTrf></Document>`;
        const error = rejects(() => parsePacs008(xml), /a DOCTYPE is not allowed/);
        assert.doesNotMatch(error.message, /SECRET-MARKER|root:/);
        assert.doesNotMatch(JSON.stringify(error), /SECRET-MARKER|root:/);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('undefined entities and processing instructions are refused; predefined entities are read', () => {
    rejects(
      () => parsePacs008(pacs008.replace('Test Receiver</Nm><PstlAdr>', 'Test &foo; Receiver</Nm><PstlAdr>')),
      /^line 26, column \d+: undefined entity/,
    );
    rejects(
      () => parsePacs008(pacs008.replace('<CdtTrfTxInf>', '<?run something?><CdtTrfTxInf>')),
      /processing instructions are not allowed \(found <\?run\?>\)/,
    );
    const escaped = parsePacs008(pacs008.replace('Test Shop', 'Test &amp; &#x53;hop &lt;1&gt;'));
    assert.equal(escaped[1]?.payee.name, 'Test & Shop <1>');
  });

  test('limits nesting depth, token length, input size and encoding', () => {
    const deep = pacs008.replace('<TwnNm>Testville</TwnNm>', `${'<X>'.repeat(80)}${'</X>'.repeat(80)}`);
    rejects(() => parsePacs008(deep), /elements nest deeper than 64 levels/);
    assert.equal(parsePacs008(deep, { maxDepth: 100 }).length, 3);
    const many = pacs008
      .replace('school fees', 'x'.repeat(900))
      .repeat(1)
      .replace(/<\/Ustrd>/, `</Ustrd>${'<Ustrd>y</Ustrd>'.repeat(30_000)}`);
    assert.ok(many.length > 400_000, 'longer than one piece, but every token short');
    assert.equal(parsePacs008(many, { maxTokenLength: 1000 }).length, 3);
    const long = pacs008.replace('school fees', 'x'.repeat(5000));
    rejects(
      () => parsePacs008(long, { maxTokenLength: 1000 }),
      /a token \(text, tag or comment\) longer than 1000 characters/,
    );
    assert.throws(
      () => parsePacs008(pacs008, { maxBytes: 100 }),
      (error: unknown) => error instanceof EngineError && error.code === 'INPUT_TOO_LARGE',
    );
    rejects(() => parsePacs008(pacs008.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')), /only UTF-8 is read/);
    rejects(() => parsePacs008(Buffer.from([0x3c, 0x44, 0xff, 0xfe, 0x3e])), /not valid UTF-8/);
  });
});

/** Two payment-information blocks: one debtor with two transactions, another with one. */
const pain001 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>TEST-PAIN-1</MsgId><CreDtTm>2026-03-04T21:30:00-05:00</CreDtTm><NbOfTxs>3</NbOfTxs>
      <InitgPty><Nm>Test Initiator</Nm></InitgPty></GrpHdr>
    <PmtInf>
      <PmtInfId>B-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>2</NbOfTxs>
      <PmtTpInf><LclInstrm><Cd>CPP</Cd></LclInstrm><CtgyPurp><Cd>SUPP</Cd></CtgyPurp></PmtTpInf><ReqdExctnDt><Dt>2026-03-05</Dt></ReqdExctnDt>
      <Dbtr><Nm>Test Payer A</Nm><PstlAdr><Ctry>US</Ctry></PstlAdr><Id><PrvtId><Othr><Id>P-A</Id></Othr></PrvtId></Id></Dbtr>
      <DbtrAcct><Id><Othr><Id>US-ACC-A</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>TESTUS33</BICFI></FinInstnId></DbtrAgt>
      <CdtTrfTxInf>
        <PmtId><InstrId>A-1</InstrId><EndToEndId>E2E-A-1</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="USD">100</InstdAmt></Amt>
        <Cdtr><Nm>Test Payee One</Nm><PstlAdr><Ctry>PH</Ctry></PstlAdr></Cdtr>
        <CdtrAcct><Id><Othr><Id>PH-1</Id></Othr></Id></CdtrAcct>
        <RmtInf><Ustrd>support</Ustrd></RmtInf>
      </CdtTrfTxInf>
      <CdtTrfTxInf>
        <PmtId><EndToEndId>E2E-A-2</EndToEndId></PmtId><PmtTpInf><LclInstrm><Cd>INST</Cd></LclInstrm></PmtTpInf>
        <Amt><InstdAmt Ccy="USD">40.25</InstdAmt></Amt>
        <Cdtr><Nm>Test Payee Two</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>GB00TEST00000000000002</IBAN></Id></CdtrAcct>
      </CdtTrfTxInf>
    </PmtInf>
    <PmtInf>
      <PmtInfId>B-2</PmtInfId><PmtMtd>TRF</PmtMtd>
      <Dbtr><Nm>Test Payer B</Nm><Id><OrgId><Othr><Id>ORG-B</Id></Othr></OrgId></Id></Dbtr>
      <DbtrAcct><Id><IBAN>DE00TEST0000000000000B</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><PstlAdr><Ctry>DE</Ctry></PstlAdr></FinInstnId></DbtrAgt>
      <CdtTrfTxInf>
        <PmtId><EndToEndId>E2E-B-1</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">9.99</InstdAmt></Amt>
        <Cdtr><Nm>Test Payee One</Nm></Cdtr>
        <CdtrAcct><Id><Othr><Id>PH-1</Id></Othr></Id></CdtrAcct>
        <Purp><Cd>GDDS</Cd></Purp>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;

describe('parsePain001', () => {
  test('each block gives the debtor of its transactions; the time is GrpHdr/CreDtTm', () => {
    const time = '2026-03-04T21:30:00-05:00';
    const payerA = {
      account: 'US-ACC-A',
      name: 'Test Payer A',
      country: 'US',
      type: 'individual',
      agentBic: 'TESTUS33',
    } as const;
    assert.deepEqual(parsePain001(pain001), [
      {
        id: 'E2E-A-1',
        time,
        localHour: 21,
        payer: payerA,
        payee: { account: 'PH-1', name: 'Test Payee One', country: 'PH' },
        amount: 100,
        currency: 'USD',
        remittanceInfo: 'support',
        categoryPurpose: 'SUPP',
        localInstrument: 'CPP',
      },
      {
        id: 'E2E-A-2',
        time,
        localHour: 21,
        payer: payerA,
        payee: { account: 'GB00TEST00000000000002', name: 'Test Payee Two' },
        amount: 40.25,
        currency: 'USD',
        categoryPurpose: 'SUPP',
        localInstrument: 'INST',
      },
      {
        id: 'E2E-B-1',
        time,
        localHour: 21,
        payer: { account: 'DE00TEST0000000000000B', name: 'Test Payer B', country: 'DE', type: 'organisation' },
        payee: { account: 'PH-1', name: 'Test Payee One' },
        amount: 9.99,
        currency: 'EUR',
        purpose: 'GDDS',
      },
    ]);
  });

  test('checks the block count and names debtor fields under PmtInf', () => {
    rejects(
      () => parsePain001(pain001.replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>1</NbOfTxs>')),
      /^line 6, column 5: PmtInf\/NbOfTxs is "1" but the block has 2/,
    );
    const noAccount = pain001
      .replace('<DbtrAcct><Id><IBAN>DE00TEST0000000000000B</IBAN></Id></DbtrAcct>', '')
      .replace('<Id><OrgId><Othr><Id>ORG-B</Id></Othr></OrgId></Id>', '');
    rejects(
      () => parsePain001(noAccount),
      /^line 31, column 7: missing PmtInf\/DbtrAcct\/Id\/IBAN, PmtInf\/DbtrAcct\/Id\/Othr\/Id or PmtInf\/Dbtr\/Id\/\*\/Othr\/Id$/,
    );
    const withoutOrganisationAccount = pain001.replace(
      '<DbtrAcct><Id><IBAN>DE00TEST0000000000000B</IBAN></Id></DbtrAcct>',
      '',
    );
    assert.equal(parsePain001(withoutOrganisationAccount)[2]?.payer.account, 'ORG-B');
    rejects(() => parsePain001(pacs008), /this is a pacs\.008 message/);
  });
});
