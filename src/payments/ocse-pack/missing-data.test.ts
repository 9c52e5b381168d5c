import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../../events/index.js';
import { parsePacs008, writePacs008 } from '../ingest/index.js';
import { toPaymentEvent } from '../payment-event.js';
import type { PaymentParty, PaymentRecord } from '../payment-record.js';
import { createOcsePaymentsPack } from './index.js';
import { indicatorInputs } from './indicator-inputs.js';
import { fired, payment, run } from './ocse-pack-test-support.js';
import { resolveOcseSettings } from './ocse-settings.js';
import { paymentFactsFor } from './payment-facts.js';
import { profilePayments } from './payments-profile.js';

/**
 * The pack's missing-data semantics (docs/packs/ocse-payments.md, "Missing data"): absence of a
 * field is never evidence. Each test takes a payment the indicator reads and removes a field.
 */

/** A record stripped to what a plain bank pacs.008 carries: no party types, relationship, channel or extension. */
function plain(record: PaymentRecord): PaymentRecord {
  const {
    channel: _channel,
    declaredRelationship: _relationship,
    merchantCategory: _merchant,
    cryptoRiskTags: _tags,
    fundingInstrument: _instrument,
    payeeDocument: _document,
    ...rest
  } = record;
  const { type: _payerType, ...payer } = record.payer;
  const { type: _payeeType, ...payee } = record.payee;
  return { ...rest, payer, payee };
}

function factsOf(record: PaymentRecord, settings: unknown = {}) {
  const input = toPaymentEvent(record);
  const event: EngineEvent = { ...input, timeMs: Date.parse(input.time) };
  return paymentFactsFor(resolveOcseSettings(settings))(event);
}

const f01 = 'ocse_f01_small_corridor_payment';

/** A one-transaction pacs.008 as a bank sends it (no extension); `extra` goes after `PmtId`, `creditorId` in `Cdtr`. */
function bankMessage(creditorId: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
  <GrpHdr><MsgId>TEST-1</MsgId><CreDtTm>2026-03-02T09:15:00+10:00</CreDtTm><NbOfTxs>1</NbOfTxs></GrpHdr>
  <CdtTrfTxInf>
    <PmtId><EndToEndId>E-1</EndToEndId><TxId>TX-1</TxId></PmtId>${extra}
    <IntrBkSttlmAmt Ccy="AUD">45.00</IntrBkSttlmAmt>
    <Dbtr><Nm>Test Person</Nm><PstlAdr><Ctry>AU</Ctry></PstlAdr></Dbtr>
    <DbtrAcct><Id><IBAN>AU00TEST0000000001</IBAN></Id></DbtrAcct>
    <Cdtr><Nm>Test Receiver</Nm><PstlAdr><Ctry>PH</Ctry></PstlAdr>${creditorId}</Cdtr>
    <CdtrAcct><Id><Othr><Id>PH-ACCT-1</Id></Othr></Id></CdtrAcct>
  </CdtTrfTxInf>
</FIToFICstmrCdtTrf></Document>`;
}
const f03 = 'ocse_f03_no_apparent_link';

test('an unknown payee type is possibly a person: F01 fires; a known organisation never', () => {
  const untyped = payment(0, { payee: { account: 'payee-1', country: 'PH' } });
  assert.equal(factsOf(untyped).payeeKind, 'unknown');
  assert.equal(fired(run([untyped]), f01), true);
  assert.equal(fired(run([plain(payment(0))]), f01), true);
  const business = payment(0, { payee: { account: 'school', country: 'PH', type: 'organisation' } });
  assert.equal(fired(run([business]), f01), false);
  // A known organisation as payer is not person-to-person either.
  const company = payment(0, { payer: { account: 'firm', country: 'AU', type: 'organisation' } });
  assert.equal(fired(run([company]), f01), false);
});

test('a BIC-only creditor (Cdtr/Id/OrgId/AnyBIC) reads as an organisation, so F01 does not fire', () => {
  const [bic] = parsePacs008(bankMessage('<Id><OrgId><AnyBIC>TESTPHMMXXX</AnyBIC></OrgId></Id>'));
  const [bare] = parsePacs008(bankMessage(''));
  assert.ok(bic && bare);
  assert.equal(bic.payee.type, 'organisation');
  assert.equal(bare.payee.type, undefined);
  assert.equal(fired(run([bic]), f01), false);
  assert.equal(fired(run([bare]), f01), true);
});

test('an unknown relationship is unknown, never unrelated: F03 only infers from behaviour, F05 and the F14 suspicion stay silent', () => {
  const unknown = [0, 2, 4, 6, 8, 10, 12].map((days) => {
    const { declaredRelationship: _relationship, ...rest } = payment(days);
    return rest;
  });
  assert.equal(factsOf(unknown[0] as PaymentRecord).link, 'unknown');
  assert.equal(factsOf(unknown[0] as PaymentRecord).unrelated, false);
  const hits = run(unknown);
  assert.equal(fired(hits, f01), true);
  assert.equal(fired(hits, 'ocse_f02_frequent_small_payments'), true);
  // Every two days is no steady week, fortnight or month: F03 infers, and says it did.
  assert.equal(fired(run(unknown.slice(0, 2)), f03), false, 'two payments in two days say nothing about a rhythm');
  assert.match(hits.get(f03)?.[0] ?? '', /^inferred, no relationship declared: .*at irregular intervals/);
  // The same payments weekly, to a payee sharing the payer's surname, or with the inference off: silent.
  const weekly = [0, 7, 14, 21, 28].map((days) => {
    const { declaredRelationship: _relationship, ...rest } = payment(days);
    return rest;
  });
  assert.equal(fired(run(weekly), f03), false);
  const family = unknown.map((record) => ({
    ...record,
    payer: { ...record.payer, name: 'Test Payer 1 Maple' },
    payee: { ...record.payee, name: 'Test Payee 2 maple' },
  }));
  assert.equal(fired(run(family), f03), false);
  assert.equal(fired(hits, 'ocse_f05_cover_story_reference'), false);
  assert.equal(fired(hits, 'ocse_f14_suspected_payer'), false);
  // The same payments with a declared non-family relationship: F03 fires.
  assert.equal(fired(run(unknown.map((record) => ({ ...record, declaredRelationship: 'none' }))), f03), true);
  // A declared relationship and no KYC birth country: F03 still fires (no birth link is known).
  const noBirth = unknown.map((record) => ({
    ...record,
    declaredRelationship: 'friend',
    payer: { account: 'payer-1', country: 'AU' },
  }));
  assert.equal(fired(run(noBirth), f03), true);
});

test('F13 takes its unrelated share over senders with a known link, and fan-in alone when none is known', () => {
  const senders = (relationship: (index: number) => string | undefined) =>
    Array.from({ length: 5 }, (_, index) => {
      const record = plain(
        payment(index, {
          payer: { account: `sender-${index}`, country: index % 2 === 0 ? 'AU' : 'GB' },
          payee: { account: 'receiver-1', country: 'PH' },
          currency: 'USD',
          amount: 40,
        }),
      );
      const declared = relationship(index);
      return declared === undefined ? record : { ...record, declaredRelationship: declared };
    });
  const none = run(senders(() => undefined)).get('ocse_f13_many_unrelated_senders');
  assert.ok(none !== undefined && none.length > 0);
  assert.match(none[0] ?? '', /no sender states a relationship/);
  // One sender declares a parent: the only known link is family, so the share test fails.
  assert.equal(
    fired(run(senders((index) => (index === 0 ? 'parent' : undefined))), 'ocse_f13_many_unrelated_senders'),
    false,
  );
  assert.equal(fired(run(senders(() => 'none')), 'ocse_f13_many_unrelated_senders'), true);
});

test('F04 without a local hour: the night share cannot be tested, the 2-hour burst still fires', () => {
  const noHour = (days: number, hour: number) => {
    const { localHour: _hour, ...rest } = payment(days, {}, hour);
    return { ...rest, time: rest.time.replace('+10:00', 'Z') };
  };
  assert.equal(fired(run([0, 2, 4].map((days) => noHour(days, 23))), 'ocse_f04_night_payments'), false);
  const burst = [0, 1, 2].map((index) => {
    const record = noHour(0, 14);
    return { ...record, id: `burst-${index}`, time: `2026-03-01T0${4 + index}:00:00Z` };
  });
  assert.match(run(burst).get('ocse_f04_night_payments')?.[0] ?? '', /within 2 hours/);
});

test('an unknown channel is inferred from the fields that imply one, else unknown', () => {
  assert.equal(factsOf(plain(payment(0))).channel, undefined);
  assert.equal(factsOf(plain(payment(0))).channelSource, 'unknown');
  const merchant = factsOf({ ...plain(payment(0)), merchantCategory: 'VPN_ANON' });
  assert.deepEqual([merchant.channel, merchant.channelSource, merchant.riskyMerchant], ['card', 'inferred', true]);
  assert.equal(factsOf({ ...plain(payment(0)), cryptoRiskTags: ['MIXER'] }).channel, 'crypto');
  assert.equal(factsOf({ ...plain(payment(0)), payeeDocument: 'DOC-1' }).channel, 'cash_pickup');
  // ISO purpose codes say why, not how: none is mapped by default; an operator maps its own.
  const coded = { ...plain(payment(0)), purpose: 'XGIFTCARD' };
  assert.equal(factsOf(coded).channel, undefined);
  const mapped = factsOf(coded, { purpose_channels: { XGIFTCARD: 'gift_card' } });
  assert.deepEqual([mapped.channel, mapped.channelSource], ['gift_card', 'inferred']);
  // A declared channel wins over anything inferred.
  assert.equal(factsOf({ ...payment(0), merchantCategory: 'VPN_ANON' }).channelSource, 'declared');
});

test("a pacs.008's category purpose (PmtTpInf/CtgyPurp) is kept and can be mapped to a channel", () => {
  const [coded] = parsePacs008(bankMessage('', '<PmtTpInf><CtgyPurp><Cd>SUPP</Cd></CtgyPurp></PmtTpInf>'));
  const [own] = parsePacs008(bankMessage('', '<PmtTpInf><CtgyPurp><Prtry>TESTWALLET</Prtry></CtgyPurp></PmtTpInf>'));
  assert.ok(coded && own);
  assert.equal(coded.categoryPurpose, 'SUPP');
  assert.equal(own.categoryPurpose, 'TESTWALLET');
  assert.equal(factsOf(own).channelSource, 'unknown');
  const mapped = factsOf(own, { purpose_channels: { TESTWALLET: 'p2p_wallet' } });
  assert.deepEqual([mapped.channel, mapped.channelSource], ['p2p_wallet', 'inferred']);
  // The writer keeps it: record → pacs.008 → record.
  assert.deepEqual(parsePacs008(writePacs008([own]))[0]?.categoryPurpose, 'TESTWALLET');
  assert.deepEqual(parsePacs008(writePacs008([coded]))[0]?.categoryPurpose, 'SUPP');
});

test('F16 fires without a channel: a young payer (KYC birth date) sends a burst to a new payee, abroad or at home', () => {
  const young: PaymentParty = { account: 'teen-9', country: 'US', birthDate: '2008-01-01' };
  const baseline = plain(
    payment(0, {
      payer: young,
      payee: { account: 'shop', country: 'US', type: 'organisation' },
      currency: 'USD',
      amount: 20,
    }),
  );
  const burst = (country: string) =>
    [0, 1, 2].map((index) =>
      plain(
        payment(
          30,
          { payer: young, payee: { account: 'new-9', country }, currency: 'USD', amount: 100 * (index + 1) },
          20 + index,
        ),
      ),
    );
  const hits = run([baseline, ...burst('CI')]);
  assert.match(hits.get('sextortion_f16_victim_payment_burst')?.[0] ?? '', /a channel the message does not state/);
  // Domestic with no channel counts too (a victim told to pay a mule at home), to a possible person only.
  assert.match(
    run([baseline, ...burst('US')]).get('sextortion_f16_victim_payment_burst')?.[0] ?? '',
    /never paid before/,
  );
  const toShop = burst('US').map((record) => ({
    ...record,
    payee: { ...record.payee, type: 'organisation' as const },
  }));
  assert.equal(fired(run([baseline, ...toShop]), 'sextortion_f16_victim_payment_burst'), false);
  // A declared bank wire is not a channel extortionists ask for.
  const wire = burst('CI').map((record) => ({ ...record, channel: 'bank_wire' as const }));
  assert.equal(fired(run([baseline, ...wire]), 'sextortion_f16_victim_payment_burst'), false);
  // Without a birth date no one is known to be young: nothing fires.
  const adultUnknown = burst('CI').map((record) => ({ ...record, payer: { account: 'teen-9', country: 'US' } }));
  assert.equal(fired(run([baseline, ...adultUnknown]), 'sextortion_f16_victim_payment_burst'), false);
});

test('F17 fires without a channel: young senders, the money passed on abroad', () => {
  const inflow = Array.from({ length: 5 }, (_, index) =>
    plain(
      payment(
        0,
        {
          payer: { account: `teen-${index}`, country: 'US', birthDate: '2007-06-01' },
          payee: { account: 'mule-1', country: 'US' },
          currency: 'USD',
          amount: 100,
        },
        8 + index,
      ),
    ),
  );
  const forward = plain(
    payment(
      1,
      {
        payer: { account: 'mule-1', country: 'US', birthDate: '1995-01-01' },
        payee: { account: 'abroad-1', country: 'NG' },
        currency: 'USD',
        amount: 450,
      },
      9,
    ),
  );
  assert.equal(fired(run([...inflow, forward]), 'sextortion_f17_money_mule'), true);
});

test('on plain-bank records, only the rules the profile says can fire ever fire', () => {
  const offender = [0, 2, 4, 6, 8, 10].map((days) => plain(payment(days, {}, 23)));
  const records = [
    ...offender,
    ...[0, 1, 2].map((index) =>
      plain(
        payment(
          30,
          {
            payer: { account: 'teen-9', country: 'US', birthDate: '2008-01-01' },
            payee: { account: 'new-9', country: 'CI' },
            currency: 'USD',
            amount: 100 * (index + 1),
          },
          20 + index,
        ),
      ),
    ),
  ];
  const profile = profilePayments(records);
  const canFire = new Set(profile.indicators.filter((reach) => reach.canFire).map((reach) => reach.id));
  const hits = run(records);
  for (const rule of hits.keys()) assert.ok(canFire.has(rule), `${rule} fired but the profile says it cannot`);
  assert.ok(hits.size >= 3, [...hits.keys()].join(', '));
});

test('the missing-data table lists every rule of the pack once, with its default points', () => {
  const pack = createOcsePaymentsPack();
  assert.deepEqual(indicatorInputs.map((spec) => spec.ruleId).sort(), pack.rules.map((rule) => rule.id).sort());
  const typologies = new Set(pack.typologies.map((typology) => typology.name));
  for (const spec of indicatorInputs) {
    for (const typology of Object.keys(spec.points)) assert.ok(typologies.has(typology), `${spec.ruleId}: ${typology}`);
    const config = pack.rules.find((rule) => rule.id === spec.ruleId)?.defaultConfig as Record<string, unknown>;
    const own = typeof config.points === 'number' ? config.points : config.direct_points;
    // A mitigation (M01) configures the size of its discount: its points are the negative of it.
    if (typeof own === 'number')
      assert.ok(
        Object.values(spec.points).some((value) => Math.abs(value) === own),
        `${spec.ruleId} points ${own}`,
      );
  }
});
