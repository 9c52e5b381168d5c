import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineEvent } from '../../events/index.js';
import { parseMt103, parsePacs008 } from '../ingest/index.js';
import { toPaymentEvent } from '../payment-event.js';
import type { PaymentRecord } from '../payment-record.js';
import { type ChannelEvidence, channelEvidenceOfEvent, channelResolverFor, inferChannel } from './channel-inference.js';
import { payment } from './ocse-pack-test-support.js';
import { defaultOcseSettings, resolveOcseSettings } from './ocse-settings.js';
import { paymentFactsFor } from './payment-facts.js';

/** Plainly fake BIC prefixes standing for an operator's list of MTOs and wallet providers. */
const operatorSettings = resolveOcseSettings({
  agent_channels: { TSTM: 'mto_online', TSTWPH2W: 'p2p_wallet', TSTWPH2WXYZ: 'cash_pickup' },
  purpose_channels: { XGIFT: 'gift_card' },
});

function infer(evidence: ChannelEvidence, settings = operatorSettings) {
  return inferChannel(evidence, settings);
}

describe('inferChannel', () => {
  test('absent fields: nothing is guessed', () => {
    assert.deepEqual(infer({}), {
      channel: undefined,
      source: 'unknown',
      basis: 'none',
      reason: 'nothing in the payment tells its channel',
    });
    const silent: ChannelEvidence = {
      cryptoRiskTags: [],
      instructionCodes: ['PHOB', 'CHQB', 'TELB'],
      localInstrument: 'INST',
      payerAgentBic: 'TESTGB2L',
      payeeAgentBic: 'TESTPH2MXXX',
      purpose: 'FAMI',
      categoryPurpose: 'SUPP',
    };
    assert.equal(infer(silent).source, 'unknown', 'codes and BICs nobody mapped tell nothing');
    assert.equal(infer(silent, defaultOcseSettings).source, 'unknown');
  });

  test('a declared channel wins over every other field', () => {
    const result = infer({ channel: 'bank_wire', merchantCategory: 'VPN_ANON', instructionCodes: ['HOLD'] });
    assert.deepEqual([result.channel, result.source, result.basis], ['bank_wire', 'declared', 'declared']);
  });

  test('fields only one channel carries', () => {
    assert.deepEqual(
      [infer({ merchantCategory: 'TRAVEL' }).channel, infer({ merchantCategory: 'TRAVEL' }).basis],
      ['card', 'merchant_category'],
    );
    assert.equal(infer({ cryptoRiskTags: ['MIXER'] }).channel, 'crypto');
    assert.equal(infer({ payeeDocument: 'DOC-1' }).channel, 'cash_pickup');
  });

  test('each default ISO code: HOLD and CPP are cash pick-up, CARD and POS are card', () => {
    const hold = infer({ instructionCodes: ['PHOB', 'HOLD'] }, defaultOcseSettings);
    assert.deepEqual(
      [hold.channel, hold.source, hold.basis, hold.reason],
      ['cash_pickup', 'inferred', 'instruction_code', 'instruction code HOLD → cash_pickup (instrument_channels)'],
    );
    for (const [code, channel] of [
      ['CPP', 'cash_pickup'],
      ['CARD', 'card'],
      ['POS', 'card'],
    ] as const) {
      const result = infer({ localInstrument: code }, defaultOcseSettings);
      assert.deepEqual([result.channel, result.basis], [channel, 'local_instrument'], code);
      assert.equal(result.reason, `local instrument ${code} → ${channel} (instrument_channels)`);
    }
    for (const code of ['INST', 'SDCL', 'WEB', 'TEL', 'IMD', 'cpp']) {
      assert.equal(infer({ localInstrument: code }, defaultOcseSettings).source, 'unknown', code);
    }
    // An instruction outranks the local instrument (it is addressed to the paying bank).
    assert.equal(infer({ instructionCodes: ['HOLD'], localInstrument: 'CARD' }).channel, 'cash_pickup');
  });

  test('agent BICs: the longest listed prefix, 8 and 11 characters alike, the debtor agent before the creditor agent', () => {
    const mto = infer({ payerAgentBic: 'TSTMGB2L' });
    assert.deepEqual(
      [mto.channel, mto.basis, mto.reason],
      ['mto_online', 'debtor_agent', 'debtor agent BIC TSTMGB2L matches TSTM → mto_online (agent_channels)'],
    );
    assert.equal(infer({ payeeAgentBic: 'TSTWPH2W' }).channel, 'p2p_wallet');
    assert.equal(infer({ payeeAgentBic: 'TSTWPH2W' }).basis, 'creditor_agent');
    assert.equal(infer({ payeeAgentBic: 'TSTWPH2WXYZ' }).channel, 'cash_pickup', 'the branch prefix is longer');
    assert.equal(infer({ payeeAgentBic: 'TSTWPH2WABC' }).channel, 'p2p_wallet');
    assert.equal(infer({ payerAgentBic: 'TSTMGB2L', payeeAgentBic: 'TSTWPH2W' }).channel, 'mto_online');
    assert.equal(infer({ payerAgentBic: 'TESTGB2L', payeeAgentBic: 'TSTWPH2W' }).channel, 'p2p_wallet');
    const primary = resolveOcseSettings({ agent_channels: { TSTWPH2WXXX: 'p2p_wallet' } });
    assert.equal(infer({ payerAgentBic: 'TSTWPH2W' }, primary).channel, 'p2p_wallet', 'TSTWPH2W is TSTWPH2WXXX');
    assert.equal(infer({ payerAgentBic: 'TSTMGB2L' }, defaultOcseSettings).source, 'unknown', 'empty by default');
  });

  test('codes outrank agents, agents outrank purpose codes; the purpose outranks the category purpose', () => {
    assert.equal(infer({ localInstrument: 'CPP', payerAgentBic: 'TSTMGB2L' }).channel, 'cash_pickup');
    assert.equal(infer({ payerAgentBic: 'TSTMGB2L', purpose: 'XGIFT' }).channel, 'mto_online');
    const purpose = infer({ purpose: 'XGIFT' });
    assert.deepEqual([purpose.basis, purpose.reason], ['purpose', 'purpose XGIFT → gift_card (purpose_channels)']);
    const category = infer({ categoryPurpose: 'XGIFT' });
    assert.deepEqual(
      [category.basis, category.reason],
      ['category_purpose', 'category purpose XGIFT → gift_card (purpose_channels)'],
    );
  });

  test('a record and its payment.sent event give the same answer', () => {
    const { channel: _none, ...withoutChannel } = { ...payment(0), payer: { account: 'p1', agentBic: 'TSTMGB2L' } };
    const fromRecord = inferChannel(withoutChannel, operatorSettings);
    const fromEvent = channelResolverFor(operatorSettings)(channelEvidenceOfEvent(toPaymentEvent(withoutChannel)));
    assert.deepEqual(fromEvent, fromRecord);
    assert.equal(fromRecord.channel, 'mto_online');
  });

  test('settings refuse a BIC prefix that is no prefix, and a channel that is not one', () => {
    assert.throws(() => resolveOcseSettings({ agent_channels: { tst: 'mto_online' } }), /agent_channels/);
    assert.throws(() => resolveOcseSettings({ agent_channels: { TSTM: 'pigeon' } }), /agent_channels/);
    assert.throws(() => resolveOcseSettings({ instrument_channels: { HOLD: 'cash' } }), /instrument_channels/);
  });
});

function factsOf(record: PaymentRecord, settings = operatorSettings) {
  const input = toPaymentEvent(record);
  const event: EngineEvent = { ...input, timeMs: Date.parse(input.time) };
  return paymentFactsFor(settings)(event);
}

/** A one-transaction pacs.008 as a bank sends it (no Prevail extension); `extra` after `CdtrAcct`. */
function bankMessage(debtorAgent: string, paymentType = '', extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
  <GrpHdr><MsgId>TEST-1</MsgId><CreDtTm>2026-03-02T09:15:00+10:00</CreDtTm><NbOfTxs>1</NbOfTxs></GrpHdr>
  <CdtTrfTxInf>
    <PmtId><EndToEndId>E-1</EndToEndId><TxId>TX-1</TxId></PmtId>${paymentType}
    <IntrBkSttlmAmt Ccy="AUD">45.00</IntrBkSttlmAmt>
    <Dbtr><Nm>Test Person</Nm><PstlAdr><Ctry>AU</Ctry></PstlAdr><Id><PrvtId><DtAndPlcOfBirth><BirthDt>2008-01-01</BirthDt><CityOfBirth>Test</CityOfBirth><CtryOfBirth>AU</CtryOfBirth></DtAndPlcOfBirth></PrvtId></Id></Dbtr>
    <DbtrAcct><Id><IBAN>AU00TEST0000000001</IBAN></Id></DbtrAcct>
    <DbtrAgt><FinInstnId><BICFI>${debtorAgent}</BICFI></FinInstnId></DbtrAgt>
    <Cdtr><Nm>Test Receiver</Nm><PstlAdr><Ctry>AU</Ctry></PstlAdr></Cdtr>
    <CdtrAcct><Id><Othr><Id>AU-ACCT-2</Id></Othr></Id></CdtrAcct>${extra}
  </CdtTrfTxInf>
</FIToFICstmrCdtTrf></Document>`;
}

describe('payment facts read the inferred channel', () => {
  test('a plain pacs.008 from a listed wallet provider: inferred p2p_wallet, with its reason, and F16 counts it', () => {
    const settings = resolveOcseSettings({ agent_channels: { TSTWAU2W: 'p2p_wallet' } });
    const [fromWallet] = parsePacs008(bankMessage('TSTWAU2W'));
    const [fromBank] = parsePacs008(bankMessage('TESTAU2S'));
    assert.ok(fromWallet && fromBank);
    const wallet = factsOf(fromWallet, settings);
    assert.deepEqual(
      [wallet.channel, wallet.channelSource, wallet.channelReason],
      ['p2p_wallet', 'inferred', 'debtor agent BIC TSTWAU2W matches TSTWAU2W → p2p_wallet (agent_channels)'],
    );
    // A young payer paying domestically: F16 counts it through the victim channel inferred…
    assert.equal(wallet.youngVictimPayment, true);
    // …and, the channel unknown, as a payment to a possible person (F16's path without a channel).
    const bank = factsOf(fromBank, settings);
    assert.deepEqual([bank.channel, bank.channelSource, bank.youngVictimPayment], [undefined, 'unknown', true]);
  });

  test('HOLD and CPP in a pacs.008 are cash pick-ups (cash-out for F15); CARD keeps a payment out of F01', () => {
    const [held] = parsePacs008(bankMessage('TESTAU2S', '', '<InstrForCdtrAgt><Cd>HOLD</Cd></InstrForCdtrAgt>'));
    const [posted] = parsePacs008(bankMessage('TESTAU2S', '<PmtTpInf><LclInstrm><Cd>CPP</Cd></LclInstrm></PmtTpInf>'));
    const [card] = parsePacs008(bankMessage('TESTAU2S', '<PmtTpInf><LclInstrm><Cd>CARD</Cd></LclInstrm></PmtTpInf>'));
    assert.ok(held && posted && card);
    for (const record of [held, posted]) {
      const facts = factsOf(record, defaultOcseSettings);
      assert.deepEqual([facts.channel, facts.channelSource, facts.cashOut], ['cash_pickup', 'inferred', true]);
    }
    const abroad = (record: PaymentRecord): PaymentRecord => ({ ...record, payee: { ...record.payee, country: 'PH' } });
    assert.equal(factsOf(abroad(card), defaultOcseSettings).f01, false, 'a card payment is not person-to-person');
    assert.equal(factsOf(abroad(held), defaultOcseSettings).f01, true);
  });

  test('an MT103 with 23E HOLD and a listed 52A is inferred the same way', () => {
    const fin = [
      ':20:TEST-CH-1',
      ':23B:CRED',
      ':23E:HOLD',
      ':32A:260302AUD45,00',
      ':50K:/AU00TEST0000000001',
      'TEST PERSON',
      ':52A:TSTMAU2SXXX',
      ':59:/PH00TEST0000000000077',
      'TEST RECEIVER',
      ':71A:SHA',
      '-',
    ].join('\r\n');
    const [record] = parseMt103(fin);
    assert.ok(record);
    assert.equal(factsOf(record).channel, 'cash_pickup', 'the instruction outranks the agent');
    const { instructionCodes: _codes, ...noInstruction } = record;
    const facts = factsOf(noInstruction);
    assert.deepEqual([facts.channel, facts.channelSource], ['mto_online', 'inferred']);
  });
});
