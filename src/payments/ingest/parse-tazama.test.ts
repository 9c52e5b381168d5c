import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/index.js';
import { parseTazamaPacs008 } from './parse-tazama.js';

/** A synthetic message in the shape Tazama's TMS API takes at /v1/evaluate/iso20022/pacs.008.001.10. */
function tazamaMessage(endToEndId: string, amount: number | string = 60) {
  return {
    TxTp: 'pacs.008.001.10',
    FIToFICstmrCdtTrf: {
      GrpHdr: {
        MsgId: `MSG-${endToEndId}`,
        CreDtTm: '2026-03-01T22:14:10.612+08:00',
        NbOfTxs: 1,
        SttlmInf: { SttlmMtd: 'CLRG' },
      },
      CdtTrfTxInf: {
        PmtId: { InstrId: `INSTR-${endToEndId}`, EndToEndId: endToEndId },
        IntrBkSttlmAmt: { Amt: { Amt: 1, Ccy: 'ZMW' } },
        InstdAmt: { Amt: { Amt: amount, Ccy: 'MWK' } },
        XchgRate: '60',
        ChrgBr: 'CRED',
        ChrgsInf: { Amt: { Amt: 0, Ccy: 'ZMW' }, Agt: { FinInstnId: { ClrSysMmbId: { MmbId: 'test-dfsp-b' } } } },
        InitgPty: {
          Nm: 'Test Sender',
          Id: { PrvtId: { Othr: [{ Id: '+10000000001', SchmeNm: { Prtry: 'MSISDN' } }] } },
        },
        Dbtr: {
          Nm: 'Test Sender',
          Id: {
            PrvtId: {
              DtAndPlcOfBirth: { BirthDt: '1970-01-02', CityOfBirth: 'Unknown', CtryOfBirth: 'ZZ' },
              Othr: [{ Id: '+10000000001', SchmeNm: { Prtry: 'MSISDN' } }],
            },
          },
          CtctDtls: { MobNb: '+10000000001' },
        },
        DbtrAcct: { Id: { Othr: [{ Id: 'ACC-SENDER', SchmeNm: { Prtry: 'MSISDN' } }] }, Nm: 'Test Sender' },
        DbtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'test-dfsp-a' } } },
        CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'test-dfsp-b' } } },
        Cdtr: {
          Nm: 'Test Receiver',
          Id: { PrvtId: { Othr: [{ Id: '+10000000002', SchmeNm: { Prtry: 'MSISDN' } }] } },
        },
        CdtrAcct: { Id: { Othr: [{ Id: 'ACC-RECEIVER', SchmeNm: { Prtry: 'MSISDN' } }] }, Nm: 'Test Receiver' },
        Purp: { Cd: 'MP2P' },
      },
      RgltryRptg: { Dtls: { Tp: 'BALANCE OF PAYMENTS', Cd: '100' } },
      RmtInf: { Ustrd: 'test payment' },
      SplmtryData: {
        Envlp: { Doc: { Xprtn: '2026-03-01T22:15:10.546Z', InitgPty: { Glctn: { Lat: '0', Long: '0' } } } },
      },
    },
  };
}

const expectedRecord = (id: string) => ({
  id,
  time: '2026-03-01T22:14:10.612+08:00',
  localHour: 22,
  payer: {
    account: 'ACC-SENDER',
    name: 'Test Sender',
    country: undefined,
    type: 'individual',
    birthDate: '1970-01-02',
    birthCountry: 'ZZ',
  },
  payee: { account: 'ACC-RECEIVER', name: 'Test Receiver', type: 'individual' },
  amount: 60,
  currency: 'MWK',
  remittanceInfo: 'test payment',
  purpose: 'MP2P',
});

function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function rejects(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'PAYMENT_INVALID');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('parseTazamaPacs008', () => {
  test('reads one message, parsed or as text: InstdAmt first, DbtrAcct Othr[0], message-level RmtInf', () => {
    const message = tazamaMessage('E2E-1');
    assert.deepEqual(parseTazamaPacs008(message), [withoutUndefined(expectedRecord('E2E-1'))]);
    assert.deepEqual(parseTazamaPacs008(JSON.stringify(message, null, 2)), [withoutUndefined(expectedRecord('E2E-1'))]);
  });

  test('reads an array of messages and JSON Lines of messages', () => {
    const messages = [tazamaMessage('E2E-1'), tazamaMessage('E2E-2', '12.50')];
    const expected = [expectedRecord('E2E-1'), { ...expectedRecord('E2E-2'), amount: 12.5 }].map(withoutUndefined);
    assert.deepEqual(parseTazamaPacs008(messages), expected);
    assert.deepEqual(parseTazamaPacs008(JSON.stringify(messages)), expected);
    assert.deepEqual(parseTazamaPacs008(messages.map((item) => JSON.stringify(item)).join('\n')), expected);
  });

  test('reads the Prevail extension and falls back to party ids and agent countries', () => {
    const message = tazamaMessage('E2E-3');
    const transaction = message.FIToFICstmrCdtTrf.CdtTrfTxInf as Record<string, unknown>;
    transaction.SplmtryData = { Envlp: { Prevail: { Channel: 'p2p_wallet', CryptoRiskTag: ['mixer', 'kiosk'] } } };
    transaction.DbtrAcct = undefined;
    transaction.DbtrAgt = { FinInstnId: { PstlAdr: { Ctry: 'MW' } } };
    const [record] = parseTazamaPacs008(message);
    assert.equal(record?.channel, 'p2p_wallet');
    assert.deepEqual(record?.cryptoRiskTags, ['mixer', 'kiosk']);
    assert.equal(record?.payer.account, '+10000000001');
    assert.equal(record?.payer.country, 'MW');
  });

  test('reads agent BICs, the payment type and creditor-agent instructions', () => {
    const message = tazamaMessage('E2E-10');
    const transaction = message.FIToFICstmrCdtTrf.CdtTrfTxInf as Record<string, unknown>;
    transaction.DbtrAgt = { FinInstnId: { BICFI: 'TESTMW2B' } };
    transaction.CdtrAgt = { FinInstnId: { BIC: 'TESTZM2LXXX' } };
    transaction.PmtTpInf = { SvcLvl: { Cd: 'G001' }, LclInstrm: { Prtry: 'TEST-WALLET' }, CtgyPurp: { Cd: 'GP2P' } };
    transaction.InstrForCdtrAgt = [{ Cd: 'PHOB', InstrInf: '+00' }, { Cd: 'HOLD' }];
    const [record] = parseTazamaPacs008(message);
    assert.equal(record?.payer.agentBic, 'TESTMW2B');
    assert.equal(record?.payee.agentBic, 'TESTZM2LXXX');
    assert.deepEqual(
      [record?.serviceLevel, record?.localInstrument, record?.categoryPurpose, record?.instructionCodes],
      ['G001', 'TEST-WALLET', 'GP2P', ['PHOB', 'HOLD']],
    );
    transaction.DbtrAgt = { FinInstnId: { BICFI: 'test-dfsp-a' } };
    rejects(
      () => parseTazamaPacs008(message),
      /^FIToFICstmrCdtTrf\.CdtTrfTxInf\.DbtrAgt\.FinInstnId\.BICFI: not a BIC .*: "test-dfsp-a"$/,
    );
  });

  test('errors are JSON paths, and nothing is returned', () => {
    const messages = [tazamaMessage('E2E-1'), tazamaMessage('E2E-2'), tazamaMessage('E2E-3'), tazamaMessage('E2E-4')];
    (messages[3]?.FIToFICstmrCdtTrf.CdtTrfTxInf.Dbtr as Record<string, unknown>).Nm = 42;
    rejects(
      () => parseTazamaPacs008(messages),
      /^\[3\]\.FIToFICstmrCdtTrf\.CdtTrfTxInf\.Dbtr\.Nm: expected text, got number "42"$/,
    );
    const noAccount = tazamaMessage('E2E-5');
    const transaction = noAccount.FIToFICstmrCdtTrf.CdtTrfTxInf as Record<string, unknown>;
    transaction.CdtrAcct = undefined;
    transaction.Cdtr = { Nm: 'Test Receiver' };
    rejects(() => parseTazamaPacs008(noAccount), /^missing FIToFICstmrCdtTrf\.CdtTrfTxInf\.CdtrAcct\.Id\.IBAN$/);
    rejects(() => parseTazamaPacs008(tazamaMessage('E2E-6', -1)), /InstdAmt\.Amt\.Amt: must be a positive amount/);
    const lines = [tazamaMessage('E2E-7'), tazamaMessage('E2E-7')].map((item) => JSON.stringify(item)).join('\n');
    rejects(() => parseTazamaPacs008(lines), /^line 2: FIToFICstmrCdtTrf\.CdtTrfTxInf: transaction id "E2E-7" repeats/);
    rejects(
      () => parseTazamaPacs008(`${JSON.stringify(tazamaMessage('E2E-8'))}\n{"TxTp": }\n`),
      /^line 2: not valid JSON \(Unexpected token '}'\)$/,
    );
    rejects(() => parseTazamaPacs008({ TxTp: 'pain.001.001.11' }), /^TxTp: only pacs\.008 messages are read/);
    rejects(() => parseTazamaPacs008({ TxTp: 'pacs.008.001.10' }), /^missing FIToFICstmrCdtTrf$/);
    const wrongCount = tazamaMessage('E2E-9');
    wrongCount.FIToFICstmrCdtTrf.GrpHdr.NbOfTxs = 2;
    rejects(() => parseTazamaPacs008(wrongCount), /GrpHdr\.NbOfTxs: is "2" but the message has 1/);
  });
});
