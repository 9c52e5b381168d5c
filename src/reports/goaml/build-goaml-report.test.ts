import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addressOrder,
  nestedOrders,
  reportOrder,
  sideOrder,
  transactionOrder,
} from '../../../test/support/goaml-order.js';
import {
  testCase,
  testGoamlConfig,
  testPayment,
  testPayments,
  testSender,
} from '../../../test/support/report-cases.js';
import { goamlSchema, goamlSchemaSkipReason, xmllintValidate } from '../../../test/support/shared-schemas.js';
import { child, childNames, descendants, type ParsedElement, parseXml } from '../../../test/support/xml-tree.js';
import { isEngineError } from '../../core/index.js';
import type { ReportCase } from '../report-case.js';
import { characterCount } from '../text-fitting.js';
import { buildGoamlStr } from './build-goaml-report.js';
import type { GoamlConfigInput } from './goaml-config.js';

/** Every child is in `order` and they appear in that order (an element may repeat, like `transaction`). */
function assertOrder(node: ParsedElement, order: readonly string[]): void {
  const positions = childNames(node).map((name) => {
    const position = order.indexOf(name);
    assert.notEqual(position, -1, `<${node.name}> has <${name}>, which its sequence does not allow`);
    return position;
  });
  for (let index = 1; index < positions.length; index += 1) {
    assert.ok(
      (positions[index] as number) >= (positions[index - 1] as number),
      `<${node.name}> children out of order: ${childNames(node).join(', ')}`,
    );
  }
}

function build(input: ReportCase = testCase(), config: GoamlConfigInput = testGoamlConfig): ParsedElement {
  return parseXml(buildGoamlStr(input, config));
}

function rejects(action: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isEngineError(error));
    assert.equal(error.code, code);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

const sqlDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

test('elements follow the goAML 5.0.1 sequence at every level', () => {
  const report = build();
  assert.equal(report.name, 'report');
  assert.deepEqual(report.attributes, {}, 'goAML reports have no namespace');
  assertOrder(report, reportOrder);
  assertOrder(child(report, 'location'), addressOrder);
  const transactions = report.children.filter((node) => node.name === 'transaction');
  assert.equal(transactions.length, 3);
  for (const transaction of transactions) {
    assertOrder(transaction, transactionOrder);
    const from = child(transaction, 't_from_my_client');
    const to = child(transaction, 't_to');
    assertOrder(from, sideOrder('from'));
    assertOrder(to, sideOrder('to'));
    assert.equal(childNames(from).filter((name) => /^from_(account|person|entity)$/.test(name)).length, 1);
    assert.equal(childNames(to).filter((name) => /^to_(account|person|entity)$/.test(name)).length, 1);
  }
});

test('nested persons, addresses, phones, documents, accounts and parties follow their XSD sequences', () => {
  const withAccount = testCase({
    payments: [
      {
        record: testPayment(0),
        amountLocal: 2800,
        counterpartyAccount: {
          institutionName: 'Example Wallet Co',
          institutionCode: 'EWC',
          number: 'W-1',
          branch: 'Online',
        },
      },
    ],
  });
  const reports = [build(), build(withAccount), build(withAccount, { ...testGoamlConfig, reportCode: 'SAR' })];
  let checked = 0;
  for (const report of reports) {
    for (const node of descendants(report)) {
      const order = nestedOrders[node.name];
      if (order === undefined || node.children.length === 0) continue;
      assertOrder(node, order);
      checked += 1;
    }
  }
  assert.ok(checked > 20, `only ${checked} elements checked`);
});

test('carries the minimal skeleton goAML requires (notes §1.6), with the case values', () => {
  const report = build();
  const value = (name: string): string => child(report, name).text;
  assert.equal(value('rentity_id'), '1001');
  assert.equal(value('rentity_branch'), 'HQ');
  assert.equal(value('submission_code'), 'E');
  assert.equal(value('report_code'), 'STR');
  assert.equal(value('entity_reference'), 'CASE-2026-0001');
  assert.equal(value('report_date'), '2026-03-20T00:00:00');
  assert.equal(value('currency_code_local'), 'PHP');
  assert.equal(value('reporting_user_code'), 'MLRO01');
  const location = child(report, 'location');
  assert.deepEqual(childNames(location), ['address_type', 'address', 'city', 'country_code']);
  const transaction = child(report, 'transaction');
  for (const required of ['transactionnumber', 'transaction_location', 'transaction_description', 'date_transaction']) {
    child(transaction, required);
  }
  assert.equal(child(transaction, 'transactionnumber').text, 'TX-0001');
  assert.equal(child(transaction, 'transmode_code').text, '-');
  assert.equal(child(transaction, 'amount_local').text, '2800.00');
  assert.deepEqual(
    child(report, 'report_indicators').children.map((indicator) => indicator.text),
    ['-'],
  );
  for (const node of descendants(report)) {
    if (/date|birthdate|date_transaction/.test(node.name) && node.children.length === 0) {
      assert.match(node.text, sqlDate, `<${node.name}>`);
    }
  }
});

test('the sender is reported as the own client with full KYC, the receiver as a plain person', () => {
  const transaction = child(build(), 'transaction');
  const from = child(transaction, 't_from_my_client');
  const person = child(from, 'from_person');
  for (const required of [
    'first_name',
    'last_name',
    'birthdate',
    'ssn',
    'nationality1',
    'residence',
    'phones',
    'occupation',
  ]) {
    child(person, required);
  }
  assert.equal(child(person, 'birthdate').text, '1980-04-12T00:00:00');
  assert.equal(child(person, 'passport_number').text, 'X0000001');
  assert.equal(child(from, 'from_country').text, 'US');
  const foreign = child(from, 'from_foreign_currency');
  assert.equal(child(foreign, 'foreign_currency_code').text, 'USD');
  assert.equal(child(foreign, 'foreign_amount').text, '50.00');
  assert.equal(child(foreign, 'foreign_exchange_rate').text, '56.000000');
  const to = child(transaction, 't_to');
  assert.deepEqual(childNames(child(to, 'to_person')), ['first_name', 'last_name']);
  assert.equal(child(child(to, 'to_person'), 'last_name').text, 'Receiver');
  assert.equal(child(to, 'to_country').text, 'PH');
});

test('times are written in the FIU time zone without offset', () => {
  // 2026-03-01T23:40:00-05:00 is 2026-03-02T04:40Z, 12:40 in Manila.
  assert.equal(child(child(build(), 'transaction'), 'date_transaction').text, '2026-03-02T12:40:00');
  const utc = build(testCase(), { ...testGoamlConfig, timeZone: 'UTC' });
  assert.equal(child(child(utc, 'transaction'), 'date_transaction').text, '2026-03-02T04:40:00');
});

test('channel, funds and indicator codes come from the FIU config', () => {
  const report = build(testCase({ regimes: { ocse: true, sextortion: true, humanTrafficking: false } }), {
    ...testGoamlConfig,
    transmodeCodes: { mto_online: 'K' },
    fromFundsCodes: { mto_online: 'A' },
    toFundsCodes: { bank_wire: 'B' },
    unmappedChannelCode: 'Z',
    typologyIndicators: { ocse_payments: ['OCSE01', 'MVTS02'] },
    regimeIndicators: { sextortion: ['SXT01'], ocse: ['OCSE01'] },
    identifierTypeCodes: { passport: 'P' },
    addressTypeCode: 'H',
  });
  const transaction = child(report, 'transaction');
  assert.equal(child(transaction, 'transmode_code').text, 'K');
  assert.equal(child(child(transaction, 't_from_my_client'), 'from_funds_code').text, 'A');
  assert.equal(child(child(transaction, 't_to'), 'to_funds_code').text, 'Z');
  const person = child(child(transaction, 't_from_my_client'), 'from_person');
  assert.equal(child(child(person, 'identification'), 'type').text, 'P');
  assert.equal(child(child(report, 'location'), 'address_type').text, 'H');
  assert.deepEqual(
    child(report, 'report_indicators').children.map((indicator) => indicator.text),
    ['OCSE01', 'SXT01', 'MVTS02'],
  );
});

test('a receiving bank reports the receiver as its client and the sender as a plain party', () => {
  const receiver = {
    accounts: [{ id: 'acct-receiver-1' }],
    person: {
      ...testSender.person,
      firstName: 'Test',
      middleName: undefined,
      lastName: 'Receiver',
      country: 'PH',
      nationality: 'PH',
    },
  };
  const { middleName: _, ...person } = receiver.person;
  const input = testCase({ subjects: [{ accounts: receiver.accounts, person }] });
  const transaction = child(build(input, { ...testGoamlConfig, myClientSide: 'receiver' }), 'transaction');
  assert.deepEqual(
    childNames(transaction).filter((name) => name.startsWith('t_')),
    ['t_from', 't_to_my_client'],
  );
  const from = child(child(transaction, 't_from'), 'from_person');
  assert.equal(child(from, 'first_name').text, 'Test Example');
  assert.equal(child(from, 'last_name').text, 'Sender');
  assert.equal(child(child(child(transaction, 't_to_my_client'), 'to_person'), 'last_name').text, 'Receiver');
});

test('a known counterparty account becomes to_account with the receiver as signatory; organisations are entities', () => {
  const record = testPayment(0);
  const input = testCase({
    payments: [
      {
        record,
        amountLocal: 2800,
        counterpartyAccount: { institutionName: 'Example Wallet Co', swift: 'EXAMPHM1', number: 'W-0001' },
      },
      {
        record: testPayment(1, {
          payee: { account: 'acct-shop', name: 'Example Shop Ltd', country: 'PH', type: 'organisation' },
        }),
        amountLocal: 2856,
      },
    ],
  });
  const [first, second] = build(input).children.filter((node) => node.name === 'transaction');
  assert.ok(first !== undefined && second !== undefined);
  const account = child(child(first, 't_to'), 'to_account');
  assert.deepEqual(childNames(account), ['institution_name', 'swift', 'account', 'account_name', 'signatory']);
  assert.equal(child(account, 'account_name').text, 'Test Receiver');
  assert.equal(child(child(child(account, 'signatory'), 't_person'), 'last_name').text, 'Receiver');
  const entity = child(child(second, 't_to'), 'to_entity');
  assert.equal(child(entity, 'name').text, 'Example Shop Ltd');
});

test('the SAR code uses the activity form: parties, no transactions, payments listed in the reason', () => {
  const report = build(testCase(), { ...testGoamlConfig, reportCode: 'SAR' });
  assertOrder(report, reportOrder);
  assert.equal(childNames(report).includes('transaction'), false);
  assert.equal(child(report, 'report_code').text, 'SAR');
  const parties = child(child(report, 'activity'), 'report_parties').children;
  assert.equal(parties.length, 2, 'the subject and the one counterparty');
  const [subject, counterparty] = parties;
  assert.ok(subject !== undefined && counterparty !== undefined);
  assert.deepEqual(childNames(subject), ['person', 'significance', 'reason']);
  assert.equal(child(subject, 'significance').text, '10');
  assert.match(child(subject, 'reason').text, /sent 3 and received 0 of the 3 suspicious payments/);
  assert.equal(child(child(counterparty, 'person'), 'last_name').text, 'Receiver');
  assert.equal(child(counterparty, 'significance').text, '5');
  assert.match(child(report, 'reason').text, /Suspicious payments:\n- 2026-03-01T23:40:00-05:00 TX-0001: 50\.00 USD/);
});

test('the reason starts with the FIU key terms and is cut with a marker at 8,000 characters', () => {
  const report = build(testCase({ narrative: 'Synthetic narrative. '.repeat(600) }), {
    ...testGoamlConfig,
    regimeKeyTerms: { ocse: 'OCSE-KEY-TERM' },
  });
  const reason = child(report, 'reason').text;
  assert.ok(reason.startsWith('OCSE-KEY-TERM\n\nSynthetic narrative.'));
  assert.equal(characterCount(reason), 8000);
  assert.match(reason, /\[cut to the 8000-character limit; the full text is kept in the case file\]$/);
});

test('names with & and < are escaped and read back unchanged', () => {
  const input = testCase({
    subjects: [{ ...testSender, person: { ...testSender.person, lastName: 'Sender & <Test>' } }],
    narrative: 'Amounts < 100 & repeated.',
  });
  const xml = buildGoamlStr(input, testGoamlConfig);
  assert.ok(xml.includes('<last_name>Sender &amp; &lt;Test&gt;</last_name>'));
  const person = child(child(child(parseXml(xml), 'transaction'), 't_from_my_client'), 'from_person');
  assert.equal(child(person, 'last_name').text, 'Sender & <Test>');
});

test('refuses what goAML cannot carry, naming the field', () => {
  const { birthDate: _, phone: __, ...incomplete } = testSender.person;
  rejects(
    () => buildGoamlStr(testCase({ subjects: [{ ...testSender, person: incomplete }] }), testGoamlConfig),
    'REQUEST_INVALID',
    'payments.0.record.payer',
    'birthDate, phone',
  );
  const [payment] = testPayments(1);
  assert.ok(payment !== undefined);
  rejects(
    () => buildGoamlStr(testCase({ payments: [{ record: payment.record }] }), testGoamlConfig),
    'REQUEST_INVALID',
    'payments.0.amountLocal',
  );
  rejects(
    () =>
      buildGoamlStr(
        testCase({ subjects: [{ ...testSender, person: { ...testSender.person, birthDate: '1700-01-01' } }] }),
        testGoamlConfig,
      ),
    'REQUEST_INVALID',
    '1753-01-01',
  );
  rejects(() => buildGoamlStr(testCase({ payments: [] }), testGoamlConfig), 'REQUEST_INVALID', 'reportForm: activity');
  rejects(
    () => buildGoamlStr(testCase({ reportingEntity: {} }), testGoamlConfig),
    'REQUEST_INVALID',
    'reportingEntity.goaml',
  );
  rejects(() => buildGoamlStr(testCase(), { ...testGoamlConfig, version: 2 } as never), 'CONFIG_INVALID', 'version');
});

test('pure: the same case gives the same bytes whatever the clock says, and the input is not changed', (t) => {
  const input = testCase();
  const copy = structuredClone(input);
  const first = buildGoamlStr(input, testGoamlConfig);
  t.mock.timers.enable({ apis: ['Date'], now: Date.UTC(2031, 0, 1) });
  const second = buildGoamlStr(input, testGoamlConfig);
  t.mock.timers.setTime(Date.UTC(2040, 6, 1));
  const third = buildGoamlStr(input, testGoamlConfig);
  t.mock.timers.reset();
  assert.equal(second, first);
  assert.equal(third, first);
  assert.deepEqual(input, copy);
});

test('validates against the goAML XSD named by PREVAIL_GOAML_XSD', { skip: goamlSchemaSkipReason }, () => {
  const schema = goamlSchema as string;
  const receiverCase = testCase({
    payments: [
      {
        record: testPayment(0),
        amountLocal: 2800,
        counterpartyAccount: { institutionName: 'Example Wallet Co', institutionCode: 'EWC', number: 'W-1' },
      },
    ],
  });
  const documents = [
    buildGoamlStr(testCase(), testGoamlConfig),
    buildGoamlStr(testCase(), { ...testGoamlConfig, reportCode: 'SAR' }),
    buildGoamlStr(receiverCase, testGoamlConfig),
  ];
  for (const xml of documents) {
    const result = xmllintValidate(xml, schema);
    assert.ok(result.valid, result.output);
  }
});

test('one XML policy: a control character, a lone surrogate or U+FFFE in the case is refused naming the element, never replaced', () => {
  for (const [narrative, point] of [
    ['Rang the bell \u0007 twice.', 'U+0007'],
    ['Half a pair \uD800 here.', 'U+D800'],
    ['Not a character \uFFFE here.', 'U+FFFE'],
  ] as const) {
    assert.throws(
      () => buildGoamlStr(testCase({ narrative }), testGoamlConfig),
      (error: unknown) =>
        isEngineError(error) &&
        error.code === 'REQUEST_INVALID' &&
        error.message.startsWith('report/reason: ') &&
        error.message.includes(`${point} cannot be written in XML`),
    );
  }
});
