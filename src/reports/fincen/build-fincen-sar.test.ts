import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  testCase,
  testFincenConfig,
  testPayment,
  testPayments,
  testSender,
} from '../../../test/support/report-cases.js';
import { fincenSarSchema, fincenSchemaSkipReason, xmllintValidate } from '../../../test/support/shared-schemas.js';
import { child, childNames, descendants, type ParsedElement, parseXml } from '../../../test/support/xml-tree.js';
import { isEngineError } from '../../core/index.js';
import type { ReportCase, SuspiciousPayment } from '../report-case.js';
import { characterCount } from '../text-fitting.js';
import { buildFincenSar, filingInstitutionNote } from './build-fincen-sar.js';

function activityOf(batch: ParsedElement, index = 0): ParsedElement {
  const activity = batch.children.filter((node) => node.name === 'fc2:Activity')[index];
  assert.ok(activity !== undefined, `no activity ${index}`);
  return activity;
}

function partiesOf(activity: ParsedElement, typeCode: string): ParsedElement[] {
  return activity.children.filter(
    (node) => node.name === 'fc2:Party' && child(node, 'fc2:ActivityPartyTypeCode').text === typeCode,
  );
}

function classifications(activity: ParsedElement): { subtype: string; type: string; other?: string }[] {
  return child(activity, 'fc2:SuspiciousActivity')
    .children.filter((node) => node.name === 'fc2:SuspiciousActivityClassification')
    .map((node) => {
      const other = node.children.find((candidate) => candidate.name === 'fc2:OtherSuspiciousActivityTypeText');
      return {
        subtype: child(node, 'fc2:SuspiciousActivitySubtypeID').text,
        type: child(node, 'fc2:SuspiciousActivityTypeID').text,
        ...(other === undefined ? {} : { other: other.text }),
      };
    });
}

function narrative(activity: ParsedElement): string[] {
  return activity.children
    .filter((node) => node.name === 'fc2:ActivityNarrativeInformation')
    .map((node) => child(node, 'fc2:ActivityNarrativeText').text);
}

/** Many payments with long remittance texts: a narrative past FinCEN's 17,000 characters. */
function manyPayments(count: number): SuspiciousPayment[] {
  return Array.from({ length: count }, (_, index) => {
    const record = testPayment(index, { remittanceInfo: `Test remittance number ${index}` });
    return { record, amountLocal: record.amount * 56 };
  });
}

const receiverSubject = {
  accounts: [{ id: 'acct-receiver-1' }],
  person: { firstName: 'Test', lastName: 'Receiver', country: 'PH' },
};

/** The cases validated against FinCEN's schema, by name. */
const schemaCases: Record<string, ReportCase | ReportCase[]> = {
  'OCSE only': testCase(),
  sextortion: testCase({ regimes: { ocse: false, sextortion: true, humanTrafficking: false } }),
  'OCSE and sextortion with trafficking': testCase({
    regimes: { ocse: true, sextortion: true, humanTrafficking: true },
  }),
  'trafficking only': testCase({ regimes: { ocse: false, sextortion: false, humanTrafficking: true } }),
  'many payments (narrative split)': testCase({ payments: manyPayments(400) }),
  'a name with & and <': testCase({
    subjects: [{ ...testSender, person: { ...testSender.person, lastName: 'Sender & <Test>', firstName: 'Test "Q"' } }],
    narrative: 'Amounts < 100 & repeated, then "more".',
  }),
  'a receiver subject with little KYC': testCase({ subjects: [testSender, receiverSubject] }),
  'a continuing report without payments or IP addresses': testCase({
    payments: [],
    ipAddresses: [],
    priorReport: { kind: 'continuing', documentNumber: '31000012345678' },
  }),
  'a batch of two cases': [testCase(), testCase({ caseId: 'CASE-2026-0002', filingDate: '2026-03-21' })],
};

test("every case validates against FinCEN's SARX schema (xmllint)", { skip: fincenSchemaSkipReason }, () => {
  for (const [name, input] of Object.entries(schemaCases)) {
    const result = xmllintValidate(buildFincenSar(input, testFincenConfig), fincenSarSchema);
    assert.ok(result.valid, `${name}: ${result.output}`);
  }
});

test('the batch root: namespace, form type, totals computed from the activities', () => {
  const batch = parseXml(buildFincenSar(schemaCases['a batch of two cases'] as ReportCase[], testFincenConfig));
  assert.equal(batch.name, 'fc2:EFilingBatchXML');
  assert.equal(batch.attributes['xmlns:fc2'], 'www.fincen.gov/base');
  assert.equal(child(batch, 'fc2:FormTypeCode').text, 'SARX');
  // 50 + 51 + 52 = 153 USD per case.
  assert.deepEqual(
    {
      TotalAmount: batch.attributes.TotalAmount,
      PartyCount: batch.attributes.PartyCount,
      ActivityCount: batch.attributes.ActivityCount,
      ActivityAttachmentCount: batch.attributes.ActivityAttachmentCount,
      AttachmentCount: batch.attributes.AttachmentCount,
    },
    { TotalAmount: '306', PartyCount: '2', ActivityCount: '2', ActivityAttachmentCount: '0', AttachmentCount: '0' },
  );
});

test('SeqNum is unique and increasing in document order across the whole batch', () => {
  const batch = parseXml(buildFincenSar(schemaCases['a batch of two cases'] as ReportCase[], testFincenConfig));
  const numbers = descendants(batch)
    .filter((node) => node.attributes.SeqNum !== undefined)
    .map((node) => Number(node.attributes.SeqNum));
  assert.ok(numbers.length > 60);
  assert.deepEqual(
    numbers,
    numbers.map((_, index) => index + 1),
  );
  assert.equal(batch.attributes.SeqNum, undefined, 'the batch root has none');
});

test('the required parties come in order: 35, 37, 30, 8, 34, then the subjects (33)', () => {
  const activity = activityOf(
    parseXml(buildFincenSar(schemaCases['a receiver subject with little KYC'] as ReportCase, testFincenConfig)),
  );
  const types = activity.children
    .filter((node) => node.name === 'fc2:Party')
    .map((node) => child(node, 'fc2:ActivityPartyTypeCode').text);
  assert.deepEqual(types, ['35', '37', '30', '8', '34', '33', '33']);
  const transmitter = partiesOf(activity, '35')[0] as ParsedElement;
  const identifications = transmitter.children
    .filter((node) => node.name === 'fc2:PartyIdentification')
    .map((node) => [
      child(node, 'fc2:PartyIdentificationTypeCode').text,
      child(node, 'fc2:PartyIdentificationNumberText').text,
    ]);
  assert.deepEqual(identifications, [
    ['4', '000000001'],
    ['28', 'TBSATEST'],
  ]);
  const filer = partiesOf(activity, '30')[0] as ParsedElement;
  assert.equal(child(filer, 'fc2:PrimaryRegulatorTypeCode').text, '7');
  const controlNumber = filer.children.find(
    (node) => node.name === 'fc2:PartyIdentification' && child(node, 'fc2:PartyIdentificationTypeCode').text === '29',
  );
  assert.equal(controlNumber && child(controlNumber, 'fc2:PartyIdentificationNumberText').text, 'CASE-2026-0001');
  const [sender, receiver] = partiesOf(activity, '33');
  assert.ok(sender !== undefined && receiver !== undefined);
  assert.equal(child(sender, 'fc2:PurchaserSenderIndicator').text, 'Y');
  assert.equal(child(sender, 'fc2:IndividualBirthDateText').text, '19800412');
  assert.equal(child(receiver, 'fc2:PayeeReceiverIndicator').text, 'Y');
  for (const unknown of [
    'fc2:BirthDateUnknownIndicator',
    'fc2:UnknownGenderIndicator',
    'fc2:NoKnownAccountInvolvedIndicator',
  ]) {
    assert.equal(child(receiver, unknown).text, 'Y', unknown);
  }
  const receiverAddress = child(receiver, 'fc2:Address');
  assert.deepEqual(childNames(receiverAddress), [
    'fc2:CityUnknownIndicator',
    'fc2:RawCountryCodeText',
    'fc2:StreetAddressUnknownIndicator',
    'fc2:ZIPCodeUnknownIndicator',
  ]);
  const tin = receiver.children.find((node) => node.name === 'fc2:PartyIdentification');
  assert.equal(tin && child(tin, 'fc2:TINUnknownIndicator').text, 'Y');
});

test('OCSE: key term in field 2 and first in the narrative, 38(z) Other with OCSE', () => {
  const activity = activityOf(parseXml(buildFincenSar(testCase(), testFincenConfig)));
  assert.equal(child(activity, 'fc2:FilingInstitutionNotetoFinCEN').text, 'OCSE-FIN-2021-NTC3');
  assert.ok((narrative(activity)[0] ?? '').startsWith('OCSE-FIN-2021-NTC3\n\nSynthetic test narrative'));
  assert.deepEqual(classifications(activity), [{ other: 'OCSE', subtype: '9999', type: '9' }]);
  assert.equal(child(child(activity, 'fc2:ActivityAssociation'), 'fc2:InitialReportIndicator').text, 'Y');
  const suspicious = child(activity, 'fc2:SuspiciousActivity');
  assert.equal(child(suspicious, 'fc2:SuspiciousActivityFromDateText').text, '20260301');
  assert.equal(child(suspicious, 'fc2:SuspiciousActivityToDateText').text, '20260315');
  assert.equal(child(suspicious, 'fc2:TotalSuspiciousAmountText').text, '153');
});

test('sextortion and trafficking: their key terms, classifications 9999 and 927', () => {
  const sextortion = activityOf(parseXml(buildFincenSar(schemaCases.sextortion as ReportCase, testFincenConfig)));
  assert.equal(child(sextortion, 'fc2:FilingInstitutionNotetoFinCEN').text, 'FIN-2025-SEXTORTION');
  assert.deepEqual(classifications(sextortion), [{ other: 'SEXTORTION', subtype: '9999', type: '9' }]);
  assert.ok((narrative(sextortion)[0] ?? '').startsWith('FIN-2025-SEXTORTION\n'));

  const all = activityOf(
    parseXml(buildFincenSar(schemaCases['OCSE and sextortion with trafficking'] as ReportCase, testFincenConfig)),
  );
  assert.equal(child(all, 'fc2:FilingInstitutionNotetoFinCEN').text, 'OCSE-FIN-2021-NTC3 FIN-2025-SEXTORTION');
  assert.deepEqual(classifications(all), [
    { other: 'OCSE, SEXTORTION', subtype: '9999', type: '9' },
    { subtype: '927', type: '9' },
  ]);
  assert.ok(
    (narrative(all)[0] ?? '').startsWith('OCSE-FIN-2021-NTC3 FIN-2025-SEXTORTION HUMAN TRAFFICKING FIN-2020-A008\n'),
  );

  const trafficking = schemaCases['trafficking only'] as ReportCase;
  assert.equal(filingInstitutionNote(trafficking), 'HUMAN TRAFFICKING FIN-2020-A008');
  assert.deepEqual(classifications(activityOf(parseXml(buildFincenSar(trafficking, testFincenConfig)))), [
    { subtype: '927', type: '9' },
  ]);
});

test('IP addresses: date and UTC time when known, duplicates once', () => {
  const input = testCase({
    ipAddresses: [
      { address: '192.0.2.10', seenAt: '2026-03-01T23:40:00-05:00' },
      { address: '192.0.2.10', seenAt: '2026-03-01T23:40:00-05:00' },
      { address: '2001:db8::1' },
    ],
  });
  const entries = activityOf(parseXml(buildFincenSar(input, testFincenConfig))).children.filter(
    (node) => node.name === 'fc2:ActivityIPAddress',
  );
  assert.deepEqual(
    entries.map((entry) => childNames(entry).map((name) => `${name}=${child(entry, name).text}`)),
    [
      [
        'fc2:ActivityIPAddressDateText=20260302',
        'fc2:ActivityIPAddressTimeStampText=04:40:00',
        'fc2:IPAddressText=192.0.2.10',
      ],
      ['fc2:IPAddressText=2001:db8::1'],
    ],
  );
});

test('a long narrative is cut with a marker at 17,000 characters in at most five blocks of 4,000', () => {
  const blocks = narrative(
    activityOf(
      parseXml(buildFincenSar(schemaCases['many payments (narrative split)'] as ReportCase, testFincenConfig)),
    ),
  );
  assert.equal(blocks.length, 5);
  assert.deepEqual(
    blocks.map((block) => characterCount(block)),
    [4000, 4000, 4000, 4000, 1000],
  );
  const text = blocks.join('');
  assert.ok(text.startsWith('OCSE-FIN-2021-NTC3\n'));
  assert.match(text, /Suspicious payments:\n- 2026-03-01T23:40:00-05:00 TX-0001: 50\.00 USD, mto_online, US to PH/);
  assert.match(text, /\[cut to the 17000-character limit; the full text is kept in the case file\]$/);
  const numbers = activityOf(
    parseXml(buildFincenSar(schemaCases['many payments (narrative split)'] as ReportCase, testFincenConfig)),
  )
    .children.filter((node) => node.name === 'fc2:ActivityNarrativeInformation')
    .map((node) => child(node, 'fc2:ActivityNarrativeSequenceNumber').text);
  assert.deepEqual(numbers, ['1', '2', '3', '4', '5']);
});

test('names with & and < are escaped and read back unchanged', () => {
  const xml = buildFincenSar(schemaCases['a name with & and <'] as ReportCase, testFincenConfig);
  assert.ok(
    xml.includes('<fc2:RawEntityIndividualLastName>Sender &amp; &lt;Test&gt;</fc2:RawEntityIndividualLastName>'),
  );
  const subject = partiesOf(activityOf(parseXml(xml)), '33')[0] as ParsedElement;
  const name = child(subject, 'fc2:PartyName');
  assert.equal(child(name, 'fc2:RawEntityIndividualLastName').text, 'Sender & <Test>');
  assert.equal(child(name, 'fc2:RawIndividualFirstName').text, 'Test "Q"');
});

test('a continuing report names the prior document; no payments means no amount involved', () => {
  const activity = activityOf(
    parseXml(
      buildFincenSar(
        schemaCases['a continuing report without payments or IP addresses'] as ReportCase,
        testFincenConfig,
      ),
    ),
  );
  assert.equal(child(activity, 'fc2:EFilingPriorDocumentNumber').text, '31000012345678');
  assert.deepEqual(childNames(child(activity, 'fc2:ActivityAssociation')), ['fc2:ContinuingActivityReportIndicator']);
  const suspicious = child(activity, 'fc2:SuspiciousActivity');
  assert.equal(child(suspicious, 'fc2:NoAmountInvolvedIndicator').text, 'Y');
  assert.equal(childNames(suspicious).includes('fc2:TotalSuspiciousAmountText'), false);
});

test('dollar totals are summed in cents and rounded up to a whole dollar', () => {
  const payments: SuspiciousPayment[] = [
    { record: testPayment(0, { amount: 10.1, currency: 'USD' }) },
    { record: testPayment(1, { amount: 20.2, currency: 'USD' }) },
    { record: testPayment(2, { amount: 1000, currency: 'PHP' }), amountUsd: 17.85 },
  ];
  const activity = activityOf(parseXml(buildFincenSar(testCase({ payments }), testFincenConfig)));
  // 10.10 + 20.20 + 17.85 = 48.15 → 49.
  assert.equal(child(child(activity, 'fc2:SuspiciousActivity'), 'fc2:TotalSuspiciousAmountText').text, '49');
});

test('refuses what a SAR cannot carry, naming the field', () => {
  const check = (action: () => unknown, code: string, fragment: string): void => {
    assert.throws(action, (error: unknown) => {
      assert.ok(isEngineError(error));
      assert.equal(error.code, code);
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
      return true;
    });
  };
  check(
    () =>
      buildFincenSar(
        testCase({ regimes: { ocse: false, sextortion: false, humanTrafficking: false } }),
        testFincenConfig,
      ),
    'REQUEST_INVALID',
    'regimes',
  );
  const [payment] = testPayments(1);
  assert.ok(payment !== undefined);
  check(
    () =>
      buildFincenSar(testCase({ payments: [{ record: { ...payment.record, currency: 'EUR' } }] }), testFincenConfig),
    'REQUEST_INVALID',
    'payments.0.amountUsd',
  );
  const filer = testCase().reportingEntity.fincen;
  assert.ok(filer !== undefined);
  check(
    () =>
      buildFincenSar(
        testCase({
          reportingEntity: {
            fincen: { ...filer, address: { street: '1 Example Way', city: 'Vienna', country: 'US' } },
          },
        }),
        testFincenConfig,
      ),
    'REQUEST_INVALID',
    'state and postalCode',
  );
  check(
    () => buildFincenSar([testCase(), testCase({ caseId: 'CASE-B', reportingEntity: {} })], testFincenConfig),
    'REQUEST_INVALID',
    'case 2 (CASE-B): reportingEntity.fincen',
  );
  check(() => buildFincenSar([], testFincenConfig), 'REQUEST_INVALID', 'at least one case');
  check(
    () =>
      buildFincenSar(
        testCase({ subjects: [{ ...testSender, person: { ...testSender.person, birthDate: '1899-12-31' } }] }),
        testFincenConfig,
      ),
    'REQUEST_INVALID',
    'subjects.0.person.birthDate',
  );
  check(
    () => buildFincenSar(testCase(), { ...testFincenConfig, transmitter: undefined } as never),
    'CONFIG_INVALID',
    'transmitter',
  );
});

test('pure: the same cases give the same bytes whatever the clock says, and the input is not changed', (t) => {
  const input = testCase({ regimes: { ocse: true, sextortion: true, humanTrafficking: true } });
  const copy = structuredClone(input);
  const first = buildFincenSar(input, testFincenConfig);
  t.mock.timers.enable({ apis: ['Date'], now: Date.UTC(2031, 0, 1) });
  const second = buildFincenSar(input, testFincenConfig);
  t.mock.timers.setTime(Date.UTC(2040, 6, 1));
  const third = buildFincenSar(input, testFincenConfig);
  t.mock.timers.reset();
  assert.equal(second, first);
  assert.equal(third, first);
  assert.deepEqual(input, copy);
  assert.ok(first.includes('<fc2:FilingDateText>20260320</fc2:FilingDateText>'));
});

test('one XML policy: a control character in the case is refused naming the element, never replaced', () => {
  assert.throws(
    () => buildFincenSar(testCase({ narrative: 'Rang the bell \u0007 twice.' }), testFincenConfig),
    (error: unknown) =>
      isEngineError(error) &&
      error.code === 'REQUEST_INVALID' &&
      /^fc2:EFilingBatchXML\/.*: U\+0007 cannot be written in XML$/.test(error.message),
  );
});
