import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cybertipSequences } from '../../../test/support/cybertip-sequences.js';
import { child, childNames, descendants, type ParsedElement, parseXml } from '../../../test/support/xml-tree.js';
import { isEngineError } from '../../core/index.js';
import { buildCybertipFileDetails } from './build-cybertip-file-details.js';
import { buildCybertipReport } from './build-cybertip-report.js';
import type { CybertipFileInput, CybertipPerson, CybertipReportInput } from './cybertip-schema.js';

// The XSD sequences, transcribed once from the note independently of the builder (shared with
// the contract server): a misordered child is NCMEC's code 4100.
const sequences: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(cybertipSequences).map(([name, items]) => [name, items.map((item) => item.name)]),
);
/** Elements of the note's sequences the builder cannot yet write (their content model is not in the note). */
const notYetWritten = new Set(['compromisedAccount', 'allEmailsReported', 'associatedAccount']);

/** Every child is in the element's sequence, in order (a child may repeat). */
function assertOrder(node: ParsedElement, order: readonly string[]): void {
  const positions = childNames(node).map((name) => {
    const position = order.indexOf(name);
    assert.notEqual(position, -1, `<${node.name}> has <${name}>, which its sequence does not allow`);
    return position;
  });
  for (let index = 1; index < positions.length; index += 1)
    assert.ok(
      (positions[index] as number) >= (positions[index - 1] as number),
      `<${node.name}> children out of order: ${childNames(node).join(', ')}`,
    );
}

/** Checks every element that has a sequence; returns how many were checked per name. */
function assertOrderEverywhere(root: ParsedElement): Map<string, number> {
  const checked = new Map<string, number>();
  for (const node of descendants(root)) {
    if (node.name === 'internetDetails') {
      assert.equal(node.children.length, 1, '<internetDetails> holds exactly one incident element');
      continue;
    }
    const order = sequences[node.name];
    if (order === undefined || node.children.length === 0) continue;
    assertOrder(node, order);
    checked.set(node.name, (checked.get(node.name) ?? 0) + 1);
  }
  return checked;
}

const now = new Date('2026-12-01T12:00:00Z');
const fullPerson: CybertipPerson = {
  firstName: 'Test',
  lastName: 'Person',
  phones: [{ number: '+15555550100', type: 'Mobile', verified: true, countryCallingCode: '+1' }],
  emails: [{ address: 'test.person@example.org', type: 'Home', verified: false }],
  addresses: [{ type: 'Home', address: '1 Example Road', city: 'Exampleton', zipCode: '00000', country: 'US' }],
  age: 30,
  dateOfBirth: '1996-01-01',
};
/** The fields every account section shares (a victim without a school is exactly those). */
const account: NonNullable<CybertipReportInput['victims']>[number] = {
  person: fullPerson,
  espIdentifier: 'user-42',
  espService: 'Example Live',
  screenName: 'test_user',
  displayNames: ['Test User', 'TU'],
  profileUrls: ['https://example.org/u/test_user'],
  ipCaptureEvents: [
    { ipAddress: '192.0.2.10', eventName: 'Login', dateTime: '2026-11-01T10:00:00Z', possibleProxy: false, port: 443 },
    { ipAddress: '198.51.100.7', eventName: 'Upload', dateTime: '2026-11-02T10:00:00Z' },
  ],
  deviceIds: [{ idType: 'IMEI', idValue: '000000000000000', eventName: 'Login', dateTime: '2026-11-01T10:00:00Z' }],
  priorCtReports: ['1000001', '1000002'],
  estimatedLocation: {
    city: 'Exampleton',
    region: 'Example Region',
    countryCode: 'US',
    verified: false,
    timestamp: '2026-11-01T10:00:00Z',
  },
  additionalInfo: 'Synthetic account.',
};

function fullReport(): CybertipReportInput {
  return {
    incidentSummary: {
      incidentType: 'Child Pornography (possession, manufacture, and distribution)',
      platform: 'Example Live',
      escalateToHighPriority: 'Synthetic escalation reason.',
      // Given out of order: written in the schema's order.
      reportAnnotations: ['spam', 'sextortion', 'minorToMinorInteraction', 'csamSolicitation'],
      incidentDateTime: '2026-11-01T10:00:00Z',
      incidentDateTimeDescription: 'First evidence in the case.',
    },
    internetDetails: [
      {
        type: 'webPage',
        url: 'https://example.org/live/1',
        additionalInfo: 'A stream.',
        thirdPartyHostedContent: false,
      },
      { type: 'email', emailAddresses: ['a@example.org', 'b@example.org'], content: 'Text.', additionalInfo: 'Info.' },
      {
        type: 'newsgroup',
        name: 'example.test',
        emailAddresses: ['c@example.org'],
        content: 'Text.',
        additionalInfo: 'I.',
      },
      { type: 'chatIm', chatClient: 'Example Chat', chatRoomName: 'room-1', content: 'Hello.', additionalInfo: 'I.' },
      { type: 'onlineGaming', gameName: 'Example Game', console: 'PC', content: 'Text.', additionalInfo: 'I.' },
      {
        type: 'peer2peer',
        client: 'Example P2P',
        ipCaptureEvents: [{ ipAddress: '192.0.2.11', eventName: 'Other', port: 6881, possibleProxy: true }],
        additionalInfo: 'I.',
      },
    ],
    lawEnforcement: {
      agencyName: 'Example Police',
      caseNumber: 'EX-1',
      officerContact: { firstName: 'Officer', lastName: 'Example', emails: [{ address: 'officer@example.org' }] },
      reportedToLe: true,
      servedLegalProcessDomestic: false,
      servedLegalProcessInternational: false,
    },
    reporter: {
      reportingPerson: {
        firstName: 'Report',
        lastName: 'Filer',
        phones: [{ number: '+15555550101', type: 'Business' }],
        emails: [{ address: 'filer@example.org', type: 'Business' }],
      },
      contactPerson: { firstName: 'Legal', lastName: 'Contact', emails: [{ address: 'legal@example.org' }] },
      companyTemplate: 'Example Live, 1 Example Road. Legal process: legal@example.org.',
      termsOfService: 'https://example.org/terms section 4.',
      legalUrl: 'https://example.org/legal',
    },
    personOrUserReported: {
      ...account,
      vehicleDescription: 'None known.',
      profileBio: 'Synthetic bio.',
      thirdPartyUserReported: false,
      groupIdentifier: 'group-1',
      accountTemporarilyDisabled: true,
      accountPermanentlyDisabled: false,
    },
    intendedRecipients: [{ ...account, accountTemporarilyDisabled: false, accountPermanentlyDisabled: false }],
    victims: [{ ...account, schoolName: 'Example School' }],
    additionalInfo: 'Synthetic test report.',
  };
}

function minimalReport(): CybertipReportInput {
  return {
    incidentSummary: { incidentType: 'Child Sex Trafficking', incidentDateTime: '2026-11-01T10:00:00+02:00' },
    reporter: { reportingPerson: { emails: [{ address: 'filer@example.org' }] } },
  };
}

function fullFile(): CybertipFileInput {
  return {
    fileName: 'frame-1.png',
    originalFileName: 'upload.png',
    uploadedToEspTimestamp: '2026-11-01T10:00:00Z',
    locationOfFile: 'https://example.org/media/1.png',
    fileViewedByEsp: false,
    exifViewedByEsp: false,
    publiclyAvailable: false,
    fileRelevance: 'Reported',
    fileAnnotations: ['generativeAi', 'liveStreaming'],
    industryClassification: 'B2',
    originalFileHashes: [
      { hashType: 'MD5', value: '0123456789abcdef0123456789abcdef' },
      { hashType: 'PDQ', value: 'f'.repeat(64) },
    ],
    ipCaptureEvent: { ipAddress: '192.0.2.12', eventName: 'Upload', dateTime: '2026-11-01T10:00:00Z' },
    deviceIds: [{ idType: 'IMEI', idValue: '000000000000000' }],
    details: [
      {
        type: 'EXIF',
        pairs: [
          { name: 'Make', value: 'Example' },
          { name: 'Model', value: 'Test' },
        ],
      },
      { type: 'HASH', pairs: [{ name: 'SHA256', value: 'a'.repeat(64) }] },
    ],
    additionalInfo: ['Synthetic file.', 'Second note.'],
  };
}

function rejects(action: () => unknown, ...fragments: string[]): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isEngineError(error), String(error));
    assert.equal(error.code, 'REQUEST_INVALID');
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

test('every level of <report> follows the XSD sequence, and the full input reaches every element the builder writes', () => {
  const xml = buildCybertipReport(fullReport(), { now });
  const root = parseXml(xml);
  assert.equal(root.name, 'report');
  const checked = assertOrderEverywhere(root);
  for (const name of [
    'report',
    'incidentSummary',
    'reportAnnotations',
    'webPageIncident',
    'emailIncident',
    'newsgroupIncident',
    'chatImIncident',
    'onlineGamingIncident',
    'peer2peerIncident',
    'lawEnforcement',
    'reporter',
    'personOrUserReported',
    'intendedRecipient',
    'victim',
    'reportingPerson',
    'contactPerson',
    'officerContact',
    'personOrUserReportedPerson',
    'intendedRecipientPerson',
    'victimPerson',
    'ipCaptureEvent',
    'deviceId',
    'estimatedLocation',
  ])
    assert.ok((checked.get(name) ?? 0) > 0, `<${name}> was not emitted by the full report`);
  // Field coverage: each section's full sequence is emitted, but for what the builder cannot write yet.
  for (const section of ['report', 'incidentSummary', 'lawEnforcement', 'reporter', 'personOrUserReported']) {
    const emitted = new Set(childNames(section === 'report' ? root : child(root, section)));
    const expected = (sequences[section] ?? []).filter((name) => !notYetWritten.has(name));
    assert.deepEqual(
      expected.filter((name) => !emitted.has(name)),
      [],
      `<${section}> misses elements of its sequence`,
    );
  }
  const annotations = childNames(child(child(root, 'incidentSummary'), 'reportAnnotations'));
  assert.deepEqual(annotations, ['sextortion', 'csamSolicitation', 'minorToMinorInteraction', 'spam']);
  const reported = child(root, 'personOrUserReported');
  assert.deepEqual(
    reported.children.filter((node) => node.name === 'displayName').map((node) => node.text),
    ['Test User', 'TU'],
  );
  const location = child(reported, 'estimatedLocation');
  assert.deepEqual(location.attributes, { verified: 'false', timestamp: '2026-11-01T10:00:00Z' });
  assert.equal(child(child(root, 'reporter'), 'legalURL').text, 'https://example.org/legal');
  const phone = child(child(child(root, 'reporter'), 'reportingPerson'), 'phone');
  assert.deepEqual(phone.attributes, { type: 'Business' });
  assert.equal(phone.text, '+15555550101');
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<report>'));
  assert.equal(buildCybertipReport(fullReport(), { now }), xml, 'the same input gives the same bytes');
});

test('absent optional fields are left out, never written empty', () => {
  const root = parseXml(buildCybertipReport(minimalReport(), { now }));
  assert.deepEqual(childNames(root), ['incidentSummary', 'reporter']);
  assert.deepEqual(childNames(child(root, 'incidentSummary')), ['incidentType', 'incidentDateTime']);
  assert.deepEqual(childNames(child(child(root, 'reporter'), 'reportingPerson')), ['email']);
  for (const node of descendants(root))
    assert.ok(node.children.length > 0 || node.text !== '', `<${node.name}> is empty`);
  const empty = {
    ...minimalReport(),
    personOrUserReported: {},
    incidentSummary: { ...minimalReport().incidentSummary, reportAnnotations: [] },
  };
  const withEmpty = parseXml(buildCybertipReport(empty, { now }));
  assert.deepEqual(childNames(child(withEmpty, 'incidentSummary')), ['incidentType', 'incidentDateTime']);
});

test('text is escaped and reads back exactly', () => {
  const input = { ...minimalReport(), additionalInfo: 'a < b & c > d "quoted" \'single\'\r\nnext line\ttab' };
  const xml = buildCybertipReport(input, { now });
  assert.ok(xml.includes('a &lt; b &amp; c &gt; d'));
  assert.equal(child(parseXml(xml), 'additionalInfo').text, input.additionalInfo);
});

test('NUL, other control characters and lone surrogates are refused, naming the field', () => {
  rejects(
    () => buildCybertipReport({ ...minimalReport(), additionalInfo: 'a\u0000b' }, { now }),
    'additionalInfo',
    'U+0000',
  );
  const reporter = { reportingPerson: { firstName: 'Bad\u0001', emails: [{ address: 'filer@example.org' }] } };
  rejects(
    () => buildCybertipReport({ ...minimalReport(), reporter }, { now }),
    'reporter.reportingPerson.firstName',
    'U+0001',
  );
  rejects(
    () => buildCybertipReport({ ...minimalReport(), personOrUserReported: { screenName: 'x\ud800' } }, { now }),
    'personOrUserReported.screenName',
    'U+D800',
  );
  rejects(
    () =>
      buildCybertipFileDetails({ ...fullFile(), additionalInfo: ['ok', 'bad\u001b'] }, { reportId: '1', fileId: 'f' }),
    'additionalInfo.1',
  );
});

test('URLs with whitespace or control characters, a reporter without email, bad enums and long text are refused together', () => {
  const input = {
    incidentSummary: {
      incidentType: 'Child Porn',
      incidentDateTime: '2026-11-01T10:00:00Z',
      escalateToHighPriority: '   ',
      reportAnnotations: ['grooming'],
    },
    internetDetails: [{ type: 'webPage', url: 'https://example.org/a b' }],
    reporter: { reportingPerson: { firstName: 'No', lastName: 'Email' }, legalUrl: 'https://example.org/\tlegal' },
    personOrUserReported: {
      ipCaptureEvents: [{ ipAddress: '999.1.1.1', eventName: 'Logout' }],
      profileUrls: ['example.org/no-scheme'],
    },
    additionalInfo: 'x'.repeat(3001),
  } as unknown as CybertipReportInput;
  rejects(
    () => buildCybertipReport(input, { now }),
    'incidentSummary.incidentType',
    'incidentSummary.escalateToHighPriority',
    'incidentSummary.reportAnnotations.0',
    'internetDetails.0.url',
    'reporter.reportingPerson.emails',
    'reporter.legalUrl',
    'personOrUserReported.ipCaptureEvents.0.ipAddress',
    'personOrUserReported.ipCaptureEvents.0.eventName',
    'personOrUserReported.profileUrls.0',
    'additionalInfo: at most 3000',
  );
  // 3000 characters (code points, an emoji is one) is the limit, not over it.
  const limit = `${'x'.repeat(2999)}\u{1F600}`;
  assert.doesNotThrow(() => buildCybertipReport({ ...minimalReport(), additionalInfo: limit }, { now }));
  rejects(
    () => buildCybertipReport({ ...minimalReport(), reporter: { reportingPerson: { emails: [] } } }, { now }),
    'reporter.reportingPerson.emails',
  );
});

test('the incident time must be before now (the caller’s clock), and a real date', () => {
  const at = (incidentDateTime: string) => ({
    ...minimalReport(),
    incidentSummary: { incidentType: 'Child Sex Trafficking' as const, incidentDateTime },
  });
  rejects(() => buildCybertipReport(at('2026-12-01T12:00:00Z'), { now }), 'incidentSummary.incidentDateTime', 'past');
  rejects(() => buildCybertipReport(at('2027-01-01T00:00:00Z'), { now }), 'incidentSummary.incidentDateTime', 'past');
  rejects(() => buildCybertipReport(at('2026-11-01'), { now }), 'incidentSummary.incidentDateTime');
  rejects(() => buildCybertipReport(at('1969-12-31T23:59:59Z'), { now }), 'before 1970');
  rejects(() => buildCybertipReport(at('2026-02-30T10:00:00Z'), { now }), 'incidentSummary.incidentDateTime');
  assert.doesNotThrow(() => buildCybertipReport(at('2026-12-01T11:59:59Z'), { now }));
  rejects(() => buildCybertipReport(minimalReport(), { now: new Date(Number.NaN) }), '(now)');
});

test('<fileDetails> follows its XSD sequence at every level and writes fileViewedByEsp as given', () => {
  const xml = buildCybertipFileDetails(fullFile(), { reportId: '123456', fileId: 'abc-1' });
  const root = parseXml(xml);
  assert.equal(root.name, 'fileDetails');
  const checked = assertOrderEverywhere(root);
  for (const name of ['fileDetails', 'fileAnnotations', 'details', 'nameValuePair', 'ipCaptureEvent', 'deviceId'])
    assert.ok((checked.get(name) ?? 0) > 0, `<${name}> was not emitted`);
  assert.deepEqual(
    childNames(root),
    sequences.fileDetails?.flatMap((name) => {
      if (name === 'originalFileHash' || name === 'details' || name === 'additionalInfo') return [name, name];
      return [name];
    }),
  );
  assert.equal(child(root, 'reportId').text, '123456');
  assert.equal(child(root, 'fileViewedByEsp').text, 'false');
  assert.equal(child(root, 'exifViewedByEsp').text, 'false');
  assert.deepEqual(childNames(child(root, 'fileAnnotations')), ['liveStreaming', 'generativeAi']);
  const hashes = root.children.filter((node) => node.name === 'originalFileHash');
  assert.deepEqual(
    hashes.map((node) => [node.attributes.hashType, node.text]),
    [
      ['MD5', '0123456789abcdef0123456789abcdef'],
      ['PDQ', 'f'.repeat(64)],
    ],
  );
  const details = root.children.filter((node) => node.name === 'details');
  assert.deepEqual(
    details.map((node) => node.attributes.type),
    ['EXIF', 'HASH'],
  );
  const viewed = parseXml(
    buildCybertipFileDetails({ ...fullFile(), fileViewedByEsp: true }, { reportId: '1', fileId: 'f' }),
  );
  assert.equal(child(viewed, 'fileViewedByEsp').text, 'true');
});

test('a file input survives JSON storage: the same details after a round trip', () => {
  const file = fullFile();
  const stored = JSON.parse(JSON.stringify(file)) as CybertipFileInput;
  const ids = { reportId: '1', fileId: 'f-1' };
  assert.equal(buildCybertipFileDetails(stored, ids), buildCybertipFileDetails(file, ids));
});

test('a minimal file writes only its ids, name, viewing record and relevance', () => {
  const root = parseXml(
    buildCybertipFileDetails(
      { fileName: 'a.png', fileViewedByEsp: false, fileRelevance: 'Supplemental Reported' },
      { reportId: '9', fileId: 'x' },
    ),
  );
  assert.deepEqual(childNames(root), ['reportId', 'fileId', 'fileName', 'fileViewedByEsp', 'fileRelevance']);
  assert.equal(child(root, 'fileRelevance').text, 'Supplemental Reported');
});

test('file details refuse a missing viewing record, bad ids, hash types and annotations', () => {
  const { fileViewedByEsp: _dropped, ...unviewed } = fullFile();
  rejects(
    () =>
      buildCybertipFileDetails(
        {
          ...(unviewed as CybertipFileInput),
          originalFileHashes: [{ hashType: 'CRC32' as never, value: 'a b' }],
          fileAnnotations: ['unknown' as never],
          industryClassification: 'C1' as never,
          details: [{ type: 'EXIF', pairs: [{ name: 'n'.repeat(65), value: 'v' }] }],
        },
        { reportId: '1 2', fileId: '' },
      ),
    'fileViewedByEsp',
    'originalFileHashes.0.hashType',
    'originalFileHashes.0.value',
    'fileAnnotations.0',
    'industryClassification',
    'details.0.pairs.0.name',
    'reportId',
    'fileId',
  );
});
