import assert from 'node:assert/strict';
import { test } from 'node:test';
import { child, childNames, parseXml } from '../../../test/support/xml-tree.js';
import { isEngineError } from '../../core/index.js';
import { mediaMatchedEvent } from '../../matching/index.js';
import { ocseTypology } from '../../payments/index.js';
import type { CaseFile } from '../report-transactions.js';
import { buildCybertipFileDetails } from './build-cybertip-file-details.js';
import { buildCybertipReport } from './build-cybertip-report.js';
import type { CybertipCaseFacts } from './cybertip-case-facts.js';
import { hashMatchOnlyStatement } from './cybertip-case-files.js';
import { parseCybertipConfig } from './cybertip-config.js';
import { cybertipReportFromCase } from './cybertip-from-case.js';

const now = new Date('2026-12-01T12:00:00Z');
const filer = parseCybertipConfig(
  {
    platform: 'Example Live',
    esp_service: 'Example Live streams',
    reporting_person: { first_name: 'Report', last_name: 'Filer', email: 'filer@example.org' },
    legal_url: 'https://example.org/legal',
  },
  'test',
);
const evidenceId = '0f5c1a9e-1111-4222-8333-944445555666';
const mediaUrl = 'https://media.example.org/u/1/photo.jpg';
const md5 = '0123456789abcdef0123456789abcdef';
const pdq = 'a'.repeat(64);

type Entry = CaseFile['timeline'][number];

function eventEntry(
  kind: 'event' | 'match',
  id: string,
  type: string,
  time: string,
  entities: Record<string, string>,
  data: Record<string, unknown>,
): Entry {
  return { kind, ref: `event:${id}`, time, summary: type, detail: { id, type, entities, data } };
}

function hashMatch(
  id: string,
  time: string,
  media: Record<string, string>,
  extra: Record<string, unknown> = {},
): Entry {
  return eventEntry(
    'match',
    id,
    'media.matched',
    time,
    { user: 'user-7' },
    {
      matches: [{ bank: 'test-bank', contentId: 3, signalType: 'pdq', distance: 4 }],
      signals: { pdq, md5 },
      source: 'api',
      media,
      ...extra,
    },
  );
}

function typology(name: string, time: string): Entry {
  return { kind: 'rule_hit', ref: `typology:${name}:event-x`, time, summary: `${name} alerted`, detail: {} };
}

function payment(id: string, time: string, payer: string, ip: string): Entry {
  return eventEntry(
    'event',
    id,
    'payment.sent',
    time,
    { payment_account: payer, payee_account: 'acct-payee', ip },
    { amount: 45, currency: 'USD', channel: 'card' },
  );
}

function chat(id: string, time: string, text: string): Entry {
  return eventEntry('event', id, 'message.sent', time, { user: 'user-7', recipient: 'user-9' }, { text });
}

function facts(overrides: Partial<CybertipCaseFacts> = {}): CybertipCaseFacts {
  return {
    now,
    decision: { decidedBy: 'person:reviewer', decidedAt: '2026-11-30T09:00:00Z', classification: 'B1' },
    files: [],
    ...overrides,
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

const hashCase: CaseFile = {
  id: 11,
  subject: 'user:user-7',
  timeline: [
    eventEntry(
      'event',
      'up-1',
      'media.uploaded',
      '2026-11-01T09:59:00Z',
      { user: 'user-7', ip: '192.0.2.20' },
      {
        media: { url: mediaUrl },
      },
    ),
    hashMatch('m-1', '2026-11-01T10:00:00Z', { url: mediaUrl }),
    hashMatch('m-2', '2026-11-02T10:00:00Z', { evidenceId }),
  ],
};

test('a hash-matched case with one file revealed: child pornography, first file viewed, second not, in order', () => {
  const assembled = cybertipReportFromCase(
    hashCase,
    filer,
    facts({
      files: [
        {
          itemId: 'item-1',
          source: mediaUrl,
          viewedByEsp: true,
          exifViewed: false,
          hashes: [{ type: 'md5', value: md5 }],
        },
        { itemId: 'item-2', source: evidenceId, viewedByEsp: false, hashes: [{ type: 'sha1', value: 'b'.repeat(40) }] },
      ],
    }),
  );
  assert.equal(assembled.incidentType, 'Child Pornography (possession, manufacture, and distribution)');
  assert.equal(assembled.files.length, 2);
  const [first, second] = assembled.files;
  assert.equal(first?.fileViewedByEsp, true);
  assert.equal(first?.exifViewedByEsp, false);
  assert.equal(first?.locationOfFile, mediaUrl);
  assert.equal(first?.fileName, 'photo.jpg');
  assert.equal(first?.uploadedToEspTimestamp, '2026-11-01T09:59:00Z');
  assert.deepEqual(first?.ipCaptureEvent, {
    ipAddress: '192.0.2.20',
    eventName: 'Upload',
    dateTime: '2026-11-01T09:59:00Z',
  });
  assert.equal(second?.fileViewedByEsp, false);
  assert.equal(second?.exifViewedByEsp, undefined, 'not guessed when the caller did not say');
  assert.equal(second?.fileName, `evidence-${evidenceId}`);
  assert.deepEqual(second?.originalFileHashes, [
    { hashType: 'SHA1', value: 'b'.repeat(40) },
    { hashType: 'PDQ', value: pdq },
    { hashType: 'MD5', value: md5 },
  ]);
  assert.ok(second?.additionalInfo?.some((line) => line.includes('reported on a hash match alone')));
  assert.equal(first?.industryClassification, 'B1');
  const info = assembled.report.additionalInfo ?? '';
  assert.ok(!info.includes(hashMatchOnlyStatement));
  assert.ok(info.includes('viewed 1 of the 2 reported files'));
  assert.equal(assembled.report.incidentSummary.incidentDateTime, '2026-11-01T10:00:00Z');
  assert.equal(assembled.report.personOrUserReported?.espIdentifier, 'user-7');
  assert.deepEqual(assembled.report.personOrUserReported?.ipCaptureEvents, [
    { ipAddress: '192.0.2.20', eventName: 'Upload', dateTime: '2026-11-01T09:59:00Z' },
  ]);

  // The assembly builds: the report and each file's details, as the contract server will read them.
  const report = parseXml(buildCybertipReport(assembled.report, { now }));
  assert.equal(child(child(report, 'incidentSummary'), 'platform').text, 'Example Live');
  assert.equal(child(child(child(report, 'reporter'), 'reportingPerson'), 'email').text, 'filer@example.org');
  const viewed = assembled.files.map(
    (file, index) =>
      child(parseXml(buildCybertipFileDetails(file, { reportId: '1', fileId: `f${index}` })), 'fileViewedByEsp').text,
  );
  assert.deepEqual(viewed, ['true', 'false']);
});

test('files no person viewed, all hash-matched: the report says they were reported on hash matches alone', () => {
  const assembled = cybertipReportFromCase(
    hashCase,
    filer,
    facts({
      files: [
        { itemId: 'item-1', source: mediaUrl, viewedByEsp: false, hashes: [] },
        { itemId: 'item-2', source: evidenceId, viewedByEsp: false, hashes: [] },
      ],
    }),
  );
  assert.ok(assembled.report.additionalInfo?.includes(hashMatchOnlyStatement));
  assert.deepEqual(
    assembled.files.map((file) => file.fileViewedByEsp),
    [false, false],
  );
});

test('a live-stream match: liveStreaming on its file, the stream URL as a web page incident', () => {
  const streamUrl = 'https://live.example.org/s/42';
  const frame = eventEntry(
    'match',
    'sm-1',
    'media.matched',
    '2026-11-03T20:00:00Z',
    { stream: streamUrl, user: 'user-7' },
    {
      matches: [{ bank: 'test-bank', contentId: 9, signalType: 'pdq', distance: 10 }],
      signals: { pdq, frame_timestamp: 12.5 },
      source: 'stream',
      media: { evidenceId, kind: 'image' },
    },
  );
  const assembled = cybertipReportFromCase(
    { id: 12, subject: 'user:user-7', timeline: [frame] },
    filer,
    facts({
      decision: {
        decidedBy: 'person:r',
        decidedAt: '2026-11-30T09:00:00Z',
        annotations: ['generativeAi'],
        classification: 'B2',
      },
      files: [{ itemId: 'item-3', source: evidenceId, viewedByEsp: false, hashes: [] }],
    }),
  );
  const [file] = assembled.files;
  // Nobody viewed the frame: the reviewer's content annotation and classification are not the
  // file's; that it is a live-stream frame is known without looking.
  assert.deepEqual(file?.fileAnnotations, ['liveStreaming']);
  assert.equal(file?.industryClassification, undefined);
  const viewedFrame = cybertipReportFromCase(
    { id: 12, subject: 'user:user-7', timeline: [frame] },
    filer,
    facts({
      decision: {
        decidedBy: 'person:r',
        decidedAt: '2026-11-30T09:00:00Z',
        annotations: ['generativeAi'],
        classification: 'B2',
      },
      files: [{ itemId: 'item-3', source: evidenceId, viewedByEsp: true, hashes: [] }],
    }),
  ).files[0];
  assert.deepEqual(viewedFrame?.fileAnnotations, ['liveStreaming', 'generativeAi']);
  assert.equal(viewedFrame?.industryClassification, 'B2');
  assert.deepEqual(file?.originalFileHashes, [{ hashType: 'PDQ', value: pdq }]);
  assert.ok(file?.additionalInfo?.[0]?.includes('12.5 s of stream time'));
  assert.deepEqual(assembled.report.internetDetails?.[0], {
    type: 'webPage',
    url: streamUrl,
    additionalInfo: 'Live stream: 1 sampled frame(s) matched known material at 2026-11-03T20:00:00Z.',
  });
  // A stream named by an id, not a URL: its details go to the additional info.
  const byId = cybertipReportFromCase(
    {
      id: 13,
      subject: 'user:user-7',
      timeline: [{ ...frame, detail: { ...(frame.detail as object), entities: { stream: 'stream-42' } } }],
    },
    filer,
    facts({ files: [{ itemId: 'item-3', source: evidenceId, viewedByEsp: true, hashes: [] }] }),
  );
  assert.equal(byId.report.internetDetails, undefined);
  assert.ok(byId.report.additionalInfo?.includes('Live stream "stream-42" on Example Live'));
});

test('a live-stream payer case with payments: child sex trafficking, payments listed, the payer’s IPs as Purchase', () => {
  const file: CaseFile = {
    id: 14,
    subject: 'payment_account:acct-1',
    timeline: [
      payment('pay-1', '2026-10-01T23:40:00+10:00', 'acct-1', '198.51.100.1'),
      payment('pay-2', '2026-10-08T23:40:00+10:00', 'acct-1', '198.51.100.2'),
      payment('pay-3', '2026-10-09T10:00:00Z', 'acct-other', '198.51.100.99'),
      typology(ocseTypology.livestreamPayer, '2026-10-09T00:00:00Z'),
    ],
  };
  const assembled = cybertipReportFromCase(file, filer, facts());
  assert.equal(assembled.incidentType, 'Child Sex Trafficking');
  assert.deepEqual(assembled.files, []);
  assert.deepEqual(assembled.report.personOrUserReported?.ipCaptureEvents, [
    { ipAddress: '198.51.100.1', eventName: 'Purchase', dateTime: '2026-10-01T23:40:00+10:00' },
    { ipAddress: '198.51.100.2', eventName: 'Purchase', dateTime: '2026-10-08T23:40:00+10:00' },
  ]);
  const info = assembled.report.additionalInfo ?? '';
  assert.ok(info.includes('Payments in the case (3)'));
  assert.ok(info.includes('2026-10-01T23:40:00+10:00 45 USD from acct-1 to acct-payee (card)'));
  assert.ok(info.includes(ocseTypology.livestreamPayer));
  assert.equal(assembled.report.incidentSummary.incidentDateTime, '2026-10-01T23:40:00+10:00');
  const root = parseXml(buildCybertipReport(assembled.report, { now }));
  const events = child(root, 'personOrUserReported').children.filter((node) => node.name === 'ipCaptureEvent');
  assert.deepEqual(childNames(events[0] as never), ['ipAddress', 'eventName', 'dateTime']);
  // The typology without a payment is not trafficking.
  rejects(
    () =>
      cybertipReportFromCase(
        {
          id: 15,
          subject: 'payment_account:acct-1',
          timeline: [typology(ocseTypology.livestreamPayer, '2026-10-09T00:00:00Z')],
        },
        filer,
        facts(),
      ),
    'incidentType',
  );
});

test('text-only sextortion: online enticement, the sextortion annotation, a chat incident and no file', () => {
  const file: CaseFile = {
    id: 16,
    subject: 'user:user-7',
    timeline: [
      chat('c-1', '2026-11-05T18:00:00Z', 'synthetic message one'),
      chat('c-2', '2026-11-05T18:05:00Z', 'synthetic message <two> & more'),
      typology(ocseTypology.sextortionMule, '2026-11-05T18:06:00Z'),
    ],
  };
  const assembled = cybertipReportFromCase(file, filer, facts());
  assert.equal(assembled.incidentType, 'Online Enticement of Children for Sexual Acts');
  assert.deepEqual(assembled.files, []);
  assert.deepEqual(assembled.report.incidentSummary.reportAnnotations, ['sextortion']);
  const [detail] = assembled.report.internetDetails ?? [];
  assert.equal(detail?.type, 'chatIm');
  // The content names each message by time, id and parties; never its text (cybertip-chat.test.ts).
  assert.ok(
    detail?.type === 'chatIm' && detail.content?.includes('2026-11-05T18:05:00Z message c-2: user-7 to user-9'),
  );
  assert.ok(detail?.type === 'chatIm' && !detail.content?.includes('synthetic message'));
  assert.deepEqual(assembled.report.intendedRecipients, [
    { espIdentifier: 'user-9', espService: 'Example Live streams' },
  ]);
  assert.equal(
    assembled.report.incidentSummary.incidentDateTimeDescription,
    'First evidence in the case; the last is 2026-11-05T18:05:00Z.',
  );
  const root = parseXml(buildCybertipReport(assembled.report, { now }));
  assert.deepEqual(childNames(root), [
    'incidentSummary',
    'internetDetails',
    'reporter',
    'personOrUserReported',
    'intendedRecipient',
    'additionalInfo',
  ]);
  assert.deepEqual(childNames(child(child(root, 'incidentSummary'), 'reportAnnotations')), ['sextortion']);
});

test('refuses files the case does not name, facts without a viewing record, and cases nothing maps', () => {
  rejects(
    () =>
      cybertipReportFromCase(
        hashCase,
        filer,
        facts({
          files: [{ itemId: 'x', source: 'https://elsewhere.example.org/a.jpg', viewedByEsp: true, hashes: [] }],
        }),
      ),
    'files.0.source',
  );
  rejects(
    () =>
      cybertipReportFromCase(
        hashCase,
        filer,
        facts({ files: [{ itemId: 'x', source: mediaUrl, hashes: [] } as never] }),
      ),
    'files.0.viewedByEsp',
  );
  rejects(
    () =>
      cybertipReportFromCase(
        hashCase,
        filer,
        facts({ decision: { decidedBy: '', decidedAt: 'yesterday', annotations: ['x'] } as never }),
      ),
    'decision.decidedBy',
    'decision.decidedAt',
    'decision.annotations.0',
  );
  rejects(() => cybertipReportFromCase({ id: 1, subject: 'user:u', timeline: [] }, filer, facts()), 'incidentType');
  const chosen = cybertipReportFromCase(
    { id: 1, subject: 'user:u', timeline: [] },
    filer,
    facts({
      decision: { decidedBy: 'person:r', decidedAt: '2026-11-30T09:00:00Z', incidentType: 'Misleading Domain Name' },
    }),
  );
  assert.equal(chosen.incidentType, 'Misleading Domain Name');
  assert.equal(chosen.report.incidentSummary.incidentDateTime, '2026-11-30T09:00:00Z');
  assert.ok(chosen.notes.some((note) => note.includes('chosen by the reviewer')));
});

test('evidence dated at or after now: the incident time is one second before now, and noted', () => {
  const late = cybertipReportFromCase(
    { id: 17, subject: 'user:user-7', timeline: [hashMatch('m-9', '2026-12-01T12:00:00Z', { url: mediaUrl })] },
    filer,
    facts(),
  );
  assert.equal(late.report.incidentSummary.incidentDateTime, '2026-12-01T11:59:59.000Z');
  assert.ok(late.notes.some((note) => note.includes('one second before now')));
  assert.ok(late.notes.some((note) => note.includes('no file was given')));
  assert.doesNotThrow(() => buildCybertipReport(late.report, { now }));
});

test('a sextortion victim case: the subject is the victim, the account it paid most the reported account', () => {
  const file: CaseFile = {
    id: 18,
    subject: 'payment_account:acct-victim',
    timeline: [
      payment('pay-1', '2026-11-10T20:00:00Z', 'acct-victim', '192.0.2.30'),
      payment('pay-2', '2026-11-10T21:00:00Z', 'acct-victim', '192.0.2.30'),
      typology(ocseTypology.sextortionVictim, '2026-11-10T21:05:00Z'),
    ],
  };
  const assembled = cybertipReportFromCase(file, filer, facts());
  assert.equal(assembled.incidentType, 'Online Enticement of Children for Sexual Acts');
  assert.deepEqual(assembled.report.incidentSummary.reportAnnotations, ['sextortion']);
  assert.deepEqual(assembled.report.personOrUserReported, {
    espIdentifier: 'acct-payee',
    espService: 'Example Live streams',
  });
  assert.deepEqual(assembled.report.victims, [
    {
      espIdentifier: 'acct-victim',
      espService: 'Example Live streams',
      ipCaptureEvents: [
        { ipAddress: '192.0.2.30', eventName: 'Purchase', dateTime: '2026-11-10T20:00:00Z' },
        { ipAddress: '192.0.2.30', eventName: 'Purchase', dateTime: '2026-11-10T21:00:00Z' },
      ],
    },
  ]);
  assert.ok(assembled.notes.some((note) => note.includes('reported as the victim')));
  const root = parseXml(buildCybertipReport(assembled.report, { now }));
  assert.deepEqual(childNames(root), [
    'incidentSummary',
    'reporter',
    'personOrUserReported',
    'victim',
    'additionalInfo',
  ]);
});

test('events made by the matching module’s own mediaMatchedEvent are read: API upload by URL, stream frame by evidence id', () => {
  const api = mediaMatchedEvent({
    entities: { user: 'user-7' },
    matches: [{ bank: 'test-bank', contentId: 1, signalType: 'md5', distance: 0 }],
    signals: { md5, pdq },
    source: { kind: 'api' },
    time: new Date('2026-11-20T10:00:00Z'),
    media: { url: mediaUrl },
  });
  const frame = mediaMatchedEvent({
    entities: { stream: 'stream-9', user: 'user-7' },
    matches: [{ bank: 'test-bank', contentId: 2, signalType: 'pdq', distance: 8 }],
    signals: { pdq },
    source: { kind: 'stream', frameTimestamp: 3.25 },
    time: new Date('2026-11-20T11:00:00Z'),
    media: { evidenceId, kind: 'image' },
  });
  const entry = (event: typeof api): Entry => ({
    kind: 'match',
    ref: `event:${event.id}`,
    time: event.time,
    summary: 'media matched',
    detail: event,
  });
  const assembled = cybertipReportFromCase(
    { id: 19, subject: 'user:user-7', timeline: [entry(api), entry(frame)] },
    filer,
    facts({
      files: [
        { itemId: 'a', source: mediaUrl, viewedByEsp: false, hashes: [] },
        { itemId: 'b', source: evidenceId, viewedByEsp: false, hashes: [] },
      ],
    }),
  );
  const [upload, still] = assembled.files;
  assert.equal(upload?.fileAnnotations, undefined);
  assert.deepEqual(
    upload?.originalFileHashes?.map((hash) => hash.hashType),
    ['MD5', 'PDQ'],
  );
  assert.deepEqual(still?.fileAnnotations, ['liveStreaming']);
  assert.ok(still?.additionalInfo?.[0]?.includes('3.25 s of stream time'));
  assert.ok(assembled.report.additionalInfo?.includes(hashMatchOnlyStatement));
  assert.ok(assembled.report.additionalInfo?.includes('Live stream "stream-9" on Example Live'));
});
