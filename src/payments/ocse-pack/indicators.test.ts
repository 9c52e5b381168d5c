import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fired, payment, run } from './ocse-pack-test-support.js';

test('F01 fires on a small payment to a person in a corridor, not above the band, not to a business, not domestic', () => {
  assert.equal(fired(run([payment(0)]), 'ocse_f01_small_corridor_payment'), true);
  assert.match(run([payment(0)]).get('ocse_f01_small_corridor_payment')?.[0] ?? '', /\[F01; AUSTRAC-24/);
  assert.equal(fired(run([payment(0, { amount: 540 })]), 'ocse_f01_small_corridor_payment'), false); // USD 356
  assert.equal(fired(run([payment(0, { amount: 530 })]), 'ocse_f01_small_corridor_payment'), true); // USD 350
  assert.equal(
    fired(
      run([payment(0, { payee: { account: 'school', country: 'PH', type: 'organisation' } })]),
      'ocse_f01_small_corridor_payment',
    ),
    false,
  );
  assert.equal(
    fired(
      run([payment(0, { payee: { account: 'p', country: 'AU', type: 'individual' } })]),
      'ocse_f01_small_corridor_payment',
    ),
    false,
  );
  assert.equal(
    fired(
      run([payment(0, { payee: { account: 'p', country: 'NZ', type: 'individual' } })]),
      'ocse_f01_small_corridor_payment',
    ),
    false,
  );
});

test('F02 fires at 4 corridor payments in 30 days, not at 3 spread over more than a week', () => {
  const three = [payment(0), payment(9), payment(18)];
  assert.equal(fired(run(three), 'ocse_f02_frequent_small_payments'), false);
  assert.equal(fired(run([...three, payment(27)]), 'ocse_f02_frequent_small_payments'), true);
  assert.equal(fired(run([payment(0), payment(2), payment(4)]), 'ocse_f02_frequent_small_payments'), true); // 3 in 7 days
  const payees = [0, 10, 20].map((days, index) =>
    payment(days * 2, { payee: { account: `r${index}`, country: 'PH', type: 'individual' } }),
  );
  assert.equal(fired(run(payees), 'ocse_f02_frequent_small_payments'), true); // 3 receivers in 90 days
});

test('F03 fires without a family or birth link, not for a declared parent or a payer born in the country', () => {
  assert.equal(fired(run([payment(0)]), 'ocse_f03_no_apparent_link'), true);
  assert.equal(fired(run([payment(0, { declaredRelationship: 'parent' })]), 'ocse_f03_no_apparent_link'), false);
  const migrant = payment(0, {
    payer: { account: 'payer-1', country: 'AU', type: 'individual', birthCountry: 'PH' },
  });
  assert.equal(fired(run([migrant]), 'ocse_f03_no_apparent_link'), false);
  // An established corridor sender (first corridor payment over 180 days earlier) is not raised.
  assert.equal(
    fired(run([payment(0, { declaredRelationship: 'parent' }), payment(200)]), 'ocse_f03_no_apparent_link'),
    false,
  );
  assert.equal(
    fired(run([payment(0, { declaredRelationship: 'parent' }), payment(170)]), 'ocse_f03_no_apparent_link'),
    true,
  );
});

test('F04 fires when at least half of 3+ corridor payments are at night local time, not at 1 of 3', () => {
  const night = [payment(0, {}, 23), payment(10, {}, 2), payment(20, {}, 14)];
  assert.equal(fired(run(night), 'ocse_f04_night_payments'), true);
  const day1 = [payment(0, {}, 23), payment(10, {}, 12), payment(20, {}, 14)];
  assert.equal(fired(run(day1), 'ocse_f04_night_payments'), false);
  assert.equal(
    fired(run([payment(0, {}, 21), payment(10, {}, 6), payment(20, {}, 14)]), 'ocse_f04_night_payments'),
    false,
  );
});

test('F05 fires on repeated cover-story references with no family link, not on ordinary references', () => {
  assert.equal(fired(run([payment(0), payment(5)]), 'ocse_f05_cover_story_reference'), true);
  const ordinary = [payment(0, { remittanceInfo: 'thank you' }), payment(5, { remittanceInfo: 'see you soon' })];
  assert.equal(fired(run(ordinary), 'ocse_f05_cover_story_reference'), false);
  assert.equal(fired(run([payment(0)]), 'ocse_f05_cover_story_reference'), false); // one is not a pattern
  const handle = [payment(0, { remittanceInfo: '@user4821' }), payment(5, { remittanceInfo: '' })];
  assert.equal(fired(run(handle), 'ocse_f05_cover_story_reference'), true);
});

test('F06 fires when payments double in frequency and grow in size, not when steady', () => {
  const before = [payment(0), payment(30), payment(60)];
  const steady = [...before, payment(95), payment(110)];
  assert.equal(fired(run(steady), 'ocse_f06_escalation'), false);
  const rising = [...before, ...[92, 96, 100, 104, 108].map((days) => payment(days, { amount: 90 }))];
  assert.equal(fired(run(rising), 'ocse_f06_escalation'), true);
  const moreButNotLarger = [...before, ...[92, 96, 100, 104, 108].map((days) => payment(days))];
  assert.equal(fired(run(moreButNotLarger), 'ocse_f06_escalation'), false);
});

test('F07 fires when at least 70% of 3+ corridor payments are round, not at 2 of 3', () => {
  assert.equal(fired(run([payment(0), payment(10), payment(20)]), 'ocse_f07_round_amounts'), false); // 45 is not round
  const round = [payment(0, { amount: 50 }), payment(10, { amount: 100 }), payment(20, { amount: 40 })];
  assert.equal(fired(run(round), 'ocse_f07_round_amounts'), true);
  const twoOfThree = [payment(0, { amount: 50 }), payment(10, { amount: 100 }), payment(20, { amount: 43 })];
  assert.equal(fired(run(twoOfThree), 'ocse_f07_round_amounts'), false);
});

test('F08 fires on a VPN purchase around corridor payments, not on ordinary shopping', () => {
  const vpn = payment(3, {
    payee: { account: 'merchant-vpn', country: 'US', type: 'organisation' },
    channel: 'card',
    merchantCategory: 'VPN_ANON',
    amount: 12,
  });
  assert.equal(fired(run([payment(0), vpn]), 'ocse_f08_related_purchases'), true);
  assert.equal(fired(run([payment(0), { ...vpn, merchantCategory: 'RETAIL' }]), 'ocse_f08_related_purchases'), false);
  assert.equal(fired(run([vpn]), 'ocse_f08_related_purchases'), false); // no corridor payment
});

test('F09 fires on a long stay with cash use in a corridor country after unexplained payments there', () => {
  const spend = (days: number, channel: 'card' | 'atm') =>
    payment(days, {
      payee: { account: `shop-${days}-${channel}`, country: 'PH', type: 'organisation' },
      channel,
      amount: 60,
    });
  const trip = (length: number) =>
    Array.from({ length }, (_, index) => [spend(40 + index, 'card'), spend(40 + index, 'atm')]).flat();
  assert.equal(fired(run([payment(0), ...trip(14)]), 'ocse_f09_travel_pattern'), true);
  assert.equal(fired(run([payment(0), ...trip(13)]), 'ocse_f09_travel_pattern'), false); // 13 days
  assert.equal(
    fired(run([payment(0, { declaredRelationship: 'parent' }), ...trip(14)]), 'ocse_f09_travel_pattern'),
    false,
  );
});

test('F10 never fires unless the operator turns it on', () => {
  const payments = [payment(0), payment(3), payment(6)];
  assert.equal(fired(run(payments), 'ocse_f10_payer_profile'), false);
});

test('F11 fires on three funding instruments in 30 days, not on two', () => {
  const cards = (count: number) =>
    Array.from({ length: count }, (_, index) => payment(index * 3, { fundingInstrument: `card-${index}` }));
  assert.equal(fired(run(cards(3)), 'ocse_f11_channel_evasion'), true);
  assert.equal(fired(run(cards(2)), 'ocse_f11_channel_evasion'), false);
});

test('F12 fires on crypto to a tagged address, directly or not, and not on an untagged one', () => {
  const crypto = (tags: string[]) =>
    payment(0, {
      payee: { account: 'wallet-1', country: 'US', type: 'organisation' },
      channel: 'crypto',
      cryptoRiskTags: tags,
      amount: 120,
    });
  assert.match(run([crypto(['CSAM_VENDOR'])]).get('ocse_f12_crypto_exposure')?.[0] ?? '', /direct exposure/);
  assert.match(run([crypto(['MIXER'])]).get('ocse_f12_crypto_exposure')?.[0] ?? '', /mixer/);
  assert.equal(fired(run([crypto([])]), 'ocse_f12_crypto_exposure'), false);
});

test('F13 fires on five unrelated small senders from two countries, not on four, not on declared siblings', () => {
  const sender = (index: number, country: string, relationship = 'none') =>
    payment(index * 2, {
      payer: { account: `sender-${index}`, country, type: 'individual', birthCountry: country },
      payee: { account: 'receiver-1', country: 'PH', type: 'individual' },
      declaredRelationship: relationship,
      currency: 'USD',
      amount: 40,
    });
  const five = [sender(0, 'US'), sender(1, 'US'), sender(2, 'GB'), sender(3, 'AU'), sender(4, 'CA')];
  assert.equal(fired(run(five), 'ocse_f13_many_unrelated_senders'), true);
  assert.equal(fired(run(five.slice(0, 4)), 'ocse_f13_many_unrelated_senders'), false);
  const oneCountry = [0, 1, 2, 3, 4].map((index) => sender(index, 'US'));
  assert.equal(fired(run(oneCountry), 'ocse_f13_many_unrelated_senders'), false);
  const siblings = [0, 1, 2, 3, 4].map((index) => sender(index, index % 2 === 0 ? 'US' : 'GB', 'sibling'));
  assert.equal(fired(run(siblings), 'ocse_f13_many_unrelated_senders'), false);
});

test('F14 raises the payees of a confirmed payer and the payers of a network payee', () => {
  assert.equal(
    fired(run([payment(0)], { payment_account: ['ocse_confirmed_payer'] }), 'ocse_f14_confirmed_payer_payee'),
    true,
  );
  assert.equal(fired(run([payment(0)]), 'ocse_f14_confirmed_payer_payee'), false);
  assert.equal(
    fired(run([payment(0)], { payee_account: ['ocse_network_payee'] }), 'ocse_f14_shared_payee_network'),
    true,
  );
  assert.equal(fired(run([payment(0)], { payee_account: ['other_label'] }), 'ocse_f14_shared_payee_network'), false);
});

test('F15 fires when a receiver cashes out 80% of its inflow within 24 hours, not 70%', () => {
  const inflow = [0, 1, 2].map((index) =>
    payment(
      0,
      {
        payer: { account: `sender-${index}`, country: 'US', type: 'individual' },
        payee: { account: 'receiver-1', country: 'PH', type: 'individual' },
        currency: 'USD',
        amount: 100,
      },
      10 + index,
    ),
  );
  const cashOut = (amount: number) =>
    payment(
      0,
      {
        payer: { account: 'receiver-1', country: 'PH', type: 'individual' },
        payee: { account: 'atm-1', country: 'PH', type: 'organisation' },
        channel: 'atm',
        currency: 'USD',
        amount,
      },
      18,
    );
  assert.equal(fired(run([...inflow, cashOut(240)]), 'ocse_f15_receiver_cash_out'), true);
  assert.equal(fired(run([...inflow, cashOut(210)]), 'ocse_f15_receiver_cash_out'), false);
});

test('F15 fires when one pick-up document collects for three names, not two', () => {
  const pickup = (index: number) =>
    payment(index, {
      payee: { account: `beneficiary-${index}`, name: `Test Receiver ${index}`, country: 'PH', type: 'individual' },
      channel: 'cash_pickup',
      payeeDocument: 'doc-1',
    });
  assert.equal(fired(run([pickup(0), pickup(1), pickup(2)]), 'ocse_f15_shared_pickup_document'), true);
  assert.equal(fired(run([pickup(0), pickup(1)]), 'ocse_f15_shared_pickup_document'), false);
});

test('F16 fires on a young payer sending three gift cards abroad in 48 hours to a new payee, not two', () => {
  const young = { account: 'teen-1', country: 'US', type: 'individual' as const, birthDate: '2008-01-01' };
  const baseline = payment(0, {
    payer: young,
    payee: { account: 'shop', country: 'US', type: 'organisation' },
    channel: 'card',
    currency: 'USD',
    amount: 20,
  });
  const burst = [0, 1, 2].map((index) =>
    payment(
      30,
      {
        payer: young,
        payee: { account: 'extortion-1', country: 'CI', type: 'individual' },
        channel: 'gift_card',
        currency: 'USD',
        amount: 100 * (index + 1),
      },
      20 + index,
    ),
  );
  assert.equal(fired(run([baseline, ...burst]), 'sextortion_f16_victim_payment_burst'), true);
  assert.equal(fired(run([baseline, ...burst.slice(0, 2)]), 'sextortion_f16_victim_payment_burst'), false);
  const adult = burst.map((record) => ({ ...record, payer: { ...young, birthDate: '1990-01-01' } }));
  assert.equal(fired(run([baseline, ...adult]), 'sextortion_f16_victim_payment_burst'), false);
});

test('F16 fires on a young payer paying one new domestic payee three times in 48 hours, not an old friend', () => {
  const young = { account: 'teen-2', country: 'FR', type: 'individual' as const, birthDate: '2007-03-03' };
  const toMule = (days: number, index: number, payee = 'mule-2') =>
    payment(
      days,
      {
        payer: young,
        payee: { account: payee, country: 'FR', type: 'individual' },
        channel: 'p2p_wallet',
        currency: 'EUR',
        amount: 80 + index * 60,
      },
      9 + index * 4,
    );
  const burst = [0, 1, 2].map((index) => toMule(40, index));
  assert.equal(fired(run(burst), 'sextortion_f16_victim_payment_burst'), true);
  const oldFriend = [toMule(0, 0, 'friend-1'), ...[0, 1, 2].map((index) => toMule(40, index, 'friend-1'))];
  assert.equal(fired(run(oldFriend), 'sextortion_f16_victim_payment_burst'), false);
});

test('F17 fires when five young senders are passed on abroad within 48 hours, not four', () => {
  const inflow = (count: number) =>
    Array.from({ length: count }, (_, index) =>
      payment(
        0,
        {
          payer: { account: `teen-${index}`, country: 'US', type: 'individual', birthDate: '2007-06-01' },
          payee: { account: 'mule-1', country: 'US', type: 'individual' },
          channel: 'p2p_wallet',
          currency: 'USD',
          amount: 100,
        },
        8 + index,
      ),
    );
  const forward = (amount: number) =>
    payment(
      1,
      {
        payer: { account: 'mule-1', country: 'US', type: 'individual', birthDate: '1995-01-01' },
        payee: { account: 'abroad-1', country: 'NG', type: 'individual' },
        channel: 'mto_online',
        currency: 'USD',
        amount,
      },
      9,
    );
  assert.equal(fired(run([...inflow(5), forward(450)]), 'sextortion_f17_money_mule'), true);
  assert.equal(fired(run([...inflow(4), forward(400)]), 'sextortion_f17_money_mule'), false);
  assert.equal(fired(run([...inflow(5), forward(300)]), 'sextortion_f17_money_mule'), false);
});

test('every hit reason cites its indicator and sources, and a name never raises a score', () => {
  const hits = run([payment(0), payment(2), payment(4)]);
  for (const reasons of hits.values()) for (const reason of reasons) assert.match(reason, /\[[FM]\d\d[^\]]*; [A-Za-z]/);
  const named = run(
    [payment(0), payment(2), payment(4)].map((record) => ({
      ...record,
      payer: { ...record.payer, name: 'Test Payer' },
    })),
  );
  assert.deepEqual([...named.keys()].sort(), [...hits.keys()].sort());
});
