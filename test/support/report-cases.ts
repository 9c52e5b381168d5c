import type { PaymentRecord } from '../../src/payments/index.js';
import type {
  FincenConfigInput,
  GoamlConfigInput,
  ReportCase,
  ReportSubject,
  SuspiciousPayment,
} from '../../src/reports/index.js';

/**
 * Synthetic report cases for the report builders' tests: plainly fake people ("Test Sender"),
 * reserved phone numbers, example addresses. Nothing here describes real activity.
 */

/** The subject: a sender who is the reporting entity's customer, with full KYC. */
export const testSender: ReportSubject = {
  accounts: [{ id: 'acct-sender-1', number: '4000123456' }],
  person: {
    firstName: 'Test',
    middleName: 'Example',
    lastName: 'Sender',
    birthDate: '1980-04-12',
    gender: 'male',
    country: 'US',
    nationality: 'US',
    address: { street: '100 Example Avenue', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
    idDocument: {
      type: 'passport',
      number: 'X0000001',
      issuingCountry: 'US',
      issueDate: '2019-05-01',
      expiryDate: '2029-04-30',
      issuedBy: 'Test Passport Office',
    },
    nationalIdNumber: '000-00-0001',
    taxIdNumber: '000-00-0001',
    phone: { countryPrefix: '1', number: '555-010-0100' },
    email: 'test.sender@example.com',
    occupation: 'Test engineer',
  },
};

/** A payment from the test sender to a receiver abroad. */
export function testPayment(index: number, overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  const day = String(1 + (index % 28)).padStart(2, '0');
  return {
    id: `TX-${String(index + 1).padStart(4, '0')}`,
    time: `2026-03-${day}T23:40:00-05:00`,
    payer: { account: 'acct-sender-1', name: 'Test Example Sender', country: 'US', type: 'individual' },
    payee: { account: 'acct-receiver-1', name: 'Test Receiver', country: 'PH', type: 'individual' },
    amount: 50 + index,
    currency: 'USD',
    channel: 'mto_online',
    remittanceInfo: 'Test remittance',
    purpose: 'FAMI',
    ...overrides,
  };
}

/** `count` suspicious payments with their amounts in PHP (56 per USD, a round test rate). */
export function testPayments(count: number): SuspiciousPayment[] {
  return Array.from({ length: count }, (_, index) => {
    const record = testPayment(index);
    return { record, amountLocal: record.amount * 56 };
  });
}

/** A complete OCSE case, with every part both formats use. */
export function testCase(overrides: Partial<ReportCase> = {}): ReportCase {
  return {
    caseId: 'CASE-2026-0001',
    filingDate: '2026-03-20',
    activityPeriod: { from: '2026-03-01', to: '2026-03-15' },
    reportingEntity: {
      goaml: {
        rentityId: 1001,
        branch: 'HQ',
        localCurrency: 'PHP',
        reportingUserCode: 'MLRO01',
        location: { street: '1 Example Street', city: 'Manila', country: 'PH' },
      },
      fincen: {
        name: 'Example Remit Inc',
        tin: '00-0000001',
        tinType: 'ein',
        address: { street: '1 Example Way', city: 'Vienna', state: 'VA', postalCode: '22180', country: 'US' },
        contactOffice: { name: 'Example Remit Compliance Office', phone: '703-555-0100', phoneExtension: '12' },
      },
    },
    subjects: [testSender],
    payments: testPayments(3),
    typologies: [
      {
        id: 'ocse_payments',
        reasons: ['many small payments to one receiver at night', 'receiver in a higher-risk corridor'],
      },
    ],
    ipAddresses: [{ address: '192.0.2.10', seenAt: '2026-03-01T04:40:00Z' }, { address: '2001:db8::1' }],
    narrative: 'Synthetic test narrative: the sender made repeated small transfers to one receiver.',
    regimes: { ocse: true, sextortion: false, humanTrafficking: false },
    ...overrides,
  };
}

/** A goAML configuration for a remitter (the sender is its client), codes left as the generic `-`. */
export const testGoamlConfig: GoamlConfigInput = {
  version: 1,
  fiu: 'TEST-FIU generic 5.0.1',
  myClientSide: 'sender',
  timeZone: 'Asia/Manila',
};

/** A FinCEN configuration with a test Transmitter Control Code. */
export const testFincenConfig: FincenConfigInput = {
  version: 1,
  transmitter: {
    name: 'Example Remit Inc',
    tin: '00-0000001',
    tcc: 'TBSATEST',
    phone: '703-555-0100',
    contactName: 'Test Contact',
    address: { street: '1 Example Way', city: 'Vienna', state: 'VA', postalCode: '22180', country: 'US' },
  },
  filer: { primaryRegulator: 'irs', institutionType: 'money_services_business' },
  locationRole: 'selling',
};

/**
 * A value with its field names in snake_case, as the filer YAML writes them (`postalCode` →
 * `postal_code`); the keys of objects under `keep` fields (codes, account ids) are kept.
 */
export function snakeCaseKeys(value: unknown, keep: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeCaseKeys(item, keep));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const snake = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
      return [snake, keep.has(snake) ? item : snakeCaseKeys(item, keep)];
    }),
  );
}
