import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaymentRecord } from '../payment-record.js';
import { payment } from './ocse-pack-test-support.js';
import { resolveOcseSettings } from './ocse-settings.js';
import { type PaymentsProfile, profilePayments } from './payments-profile.js';

/** Records that between them carry every field a payment can have (Prevail's own rich sources). */
function richRecords(): PaymentRecord[] {
  return [
    payment(0, {
      purpose: 'FAMI',
      categoryPurpose: 'SUPP',
      localInstrument: 'INST',
      serviceLevel: 'G001',
      instructionCodes: ['PHOB'],
      payer: {
        account: 'p1',
        name: 'Test Payer',
        country: 'AU',
        type: 'individual',
        birthDate: '1980-01-01',
        birthCountry: 'AU',
        agentBic: 'TESTAU2S',
      },
      payee: { account: 'r1', name: 'Test Receiver', country: 'PH', type: 'individual', agentBic: 'TESTPH2M' },
      fundingInstrument: 'card-1',
    }),
    payment(1, { channel: 'card', merchantCategory: 'VPN_ANON' }),
    payment(2, { channel: 'crypto', cryptoRiskTags: ['MIXER'] }),
    payment(3, { channel: 'cash_pickup', payeeDocument: 'DOC-1' }),
  ];
}

/** What a plain bank pacs.008 export carries (issue 13): countries, amounts, times with offsets, names, KYC birth data. */
function plainBank(record: PaymentRecord): PaymentRecord {
  return {
    id: record.id,
    time: record.time,
    ...(record.localHour === undefined ? {} : { localHour: record.localHour }),
    amount: record.amount,
    currency: record.currency,
    payer: {
      account: record.payer.account,
      name: 'Test Payer',
      ...(record.payer.country === undefined ? {} : { country: record.payer.country }),
      birthDate: record.payer.birthDate ?? '1980-01-01',
      birthCountry: record.payer.birthCountry ?? 'AU',
    },
    payee: {
      account: record.payee.account,
      name: 'Test Receiver',
      ...(record.payee.country === undefined ? {} : { country: record.payee.country }),
    },
  };
}

function reach(profile: PaymentsProfile, id: string) {
  const found = profile.indicators.find((indicator) => indicator.id === id);
  assert.ok(found, id);
  return found;
}

function typology(profile: PaymentsProfile, id: string) {
  const found = profile.typologies.find((entry) => entry.id === id);
  assert.ok(found, id);
  return found;
}

test('a rich input: every field present, every indicator can fire but the two that wait for a setting', () => {
  const profile = profilePayments(richRecords());
  assert.equal(profile.records, 4);
  for (const field of profile.fields) assert.ok(field.present > 0, `${field.name} present`);
  assert.equal(profile.fields.find((field) => field.name === 'merchantCategory')?.share, 0.25);
  const cannot = profile.indicators.filter((indicator) => !indicator.canFire).map((indicator) => indicator.id);
  assert.deepEqual(cannot.sort(), ['ocse_f05_fiu_keyword', 'ocse_f10_payer_profile']);
  for (const entry of profile.typologies) assert.equal(entry.effective, true, `${entry.id}: ${entry.why}`);
  // With the FIU's keyword list loaded, C8 can fire too.
  const keyed = profilePayments(richRecords(), resolveOcseSettings({ private_keywords: ['testword'] }));
  assert.equal(reach(keyed, 'ocse_f05_fiu_keyword').canFire, true);
});

test('a plain bank pacs.008: what can fire, what cannot and why, and the typologies that stay effective', () => {
  const profile = profilePayments(richRecords().map(plainBank));
  const share = (name: string) => profile.fields.find((field) => field.name === name)?.share;
  assert.equal(share('payee.type'), 0);
  assert.equal(share('channel'), 0);
  assert.equal(share('declaredRelationship'), 0);
  assert.equal(share('payer.birthDate'), 1);

  const f01 = reach(profile, 'ocse_f01_small_corridor_payment');
  assert.equal(f01.canFire, true);
  assert.ok(f01.degraded.some((text) => text.startsWith('payee.type absent: possibly a person')));
  const f03 = reach(profile, 'ocse_f03_no_apparent_link');
  assert.deepEqual([f03.canFire, f03.missing], [true, []]);
  assert.ok(f03.degraded.some((text) => text.startsWith('declaredRelationship absent: inferred from behaviour')));
  assert.deepEqual(reach(profile, 'ocse_f15_receiver_cash_out').missing, ['channel or payeeDocument']);
  assert.equal(reach(profile, 'sextortion_f16_victim_payment_burst').canFire, true);
  assert.equal(reach(profile, 'sextortion_f17_money_mule').canFire, true);
  assert.match(reach(profile, 'ocse_f14_confirmed_payer_payee').waitsFor ?? '', /analyst/);
  const can = profile.indicators.filter((indicator) => indicator.canFire).map((indicator) => indicator.indicator);
  assert.deepEqual(
    [...new Set(can)].sort(),
    [
      'F01',
      'F02',
      'F03',
      'F04',
      'F06',
      'F07',
      'F13',
      'F13 membership',
      'F14',
      'F16',
      'F17',
      'F18',
      'F19',
      'M01',
    ].sort(),
  );

  const t1 = typology(profile, 'ocse_livestream_payer');
  assert.equal(t1.effective, true, t1.why);
  assert.equal(
    t1.reachablePoints,
    [10, 15, 15, 10, 10, 10, 10, 10, 10, 10].reduce((sum, points) => sum + points, 0),
    'F01 F02 F03 F04 F06 F07 F13 (both) F18 F19; the M01 mitigation adds nothing',
  );
  const t2 = typology(profile, 'ocse_facilitator');
  assert.deepEqual([t2.effective, t2.reachablePoints], [false, 30]);
  assert.match(t2.why, /only with an analyst's confirmation/);
  assert.equal(typology(profile, 'ocse_travel_to_offend').effective, false);
  assert.equal(typology(profile, 'ocse_crypto_purchase').effective, false);
  assert.equal(typology(profile, 'sextortion_victim').effective, true);
  assert.equal(typology(profile, 'sextortion_mule').effective, true);
});

test('channels a plain bank file does not declare are counted as inferred, by the field that told them', () => {
  const records = richRecords().map(plainBank);
  const plain = profilePayments(records);
  assert.deepEqual(plain.channels, { declared: 0, inferred: 0, unknown: 4, inferredBy: {} });
  const told = [
    { ...records[0], instructionCodes: ['HOLD'] },
    { ...records[1], localInstrument: 'CPP' },
    { ...records[2], payer: { ...records[2]?.payer, agentBic: 'TESTGB2MXXX' } },
    records[3],
  ] as PaymentRecord[];
  const settings = resolveOcseSettings({ agent_channels: { TESTGB2M: 'mto_online' } });
  const profile = profilePayments(told, settings);
  assert.deepEqual(profile.channels, {
    declared: 0,
    inferred: 3,
    unknown: 1,
    inferredBy: { instruction_code: 1, local_instrument: 1, debtor_agent: 1 },
  });
  assert.equal(profile.fields.find((field) => field.name === 'channel')?.present, 0, 'coverage counts declared only');
  assert.equal(reach(profile, 'ocse_f15_receiver_cash_out').canFire, true, 'an inferred cash pick-up lets F15 fire');
  assert.equal(profilePayments(richRecords()).channels.declared, 4);
});

test('a plain bank file without KYC birth dates loses the sextortion typologies too', () => {
  const records = richRecords()
    .map(plainBank)
    .map((record) => ({ ...record, payer: { account: record.payer.account, country: 'AU' } }));
  const profile = profilePayments(records);
  assert.deepEqual(reach(profile, 'sextortion_f16_victim_payment_burst').missing, ['payer.birthDate']);
  assert.equal(typology(profile, 'sextortion_victim').effective, false);
  assert.equal(profilePayments([]).records, 0);
  assert.equal(profilePayments([]).fields[0]?.share, 0);
});
