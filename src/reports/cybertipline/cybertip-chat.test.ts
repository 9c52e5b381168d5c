import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cybertipSequences } from '../../../test/support/cybertip-sequences.js';
import { child, childNames, descendants, parseXml } from '../../../test/support/xml-tree.js';
import { minorToMinorLabel } from '../../chat/index.js';
import type { CaseFile } from '../report-transactions.js';
import { buildCybertipReport } from './build-cybertip-report.js';
import { parseCybertipConfig } from './cybertip-config.js';
import { cybertipChatReadiness, cybertipReportFromCase } from './cybertip-from-case.js';

/**
 * Text-only chat cases (hand-built timelines of `message.sent` and `chat.indicator` events, no
 * media) to CyberTipline reports: the incident, the annotations, the parties, the message ids and
 * times as content, never text; and the readiness check. All content is plainly synthetic.
 */

const now = new Date('2026-12-01T12:00:00Z');
const filer = parseCybertipConfig(
  {
    platform: 'Example Chat',
    esp_service: 'Example Chat messages',
    reporting_person: { first_name: 'Report', last_name: 'Filer', email: 'filer@example.org' },
  },
  'test',
);
const facts = { now, decision: { decidedBy: 'person:reviewer', decidedAt: '2026-11-30T09:00:00Z' }, files: [] };
const spanHash = 'c'.repeat(64);
/** A marker that must never reach a report (it stands for message text). */
const textMarker = 'SYNTHETIC-TEXT-MARKER';

type Entry = CaseFile['timeline'][number];

function message(id: string, time: string, from = 'user-7', to = 'user-9', extra: Record<string, unknown> = {}): Entry {
  const detail = {
    id,
    type: 'message.sent',
    entities: { user: from, recipient: to },
    data: { text: `${textMarker} ${id}`, ...extra },
  };
  return { kind: 'event', ref: `event:${id}`, time, summary: 'message.sent', detail };
}

function indicator(
  id: string,
  time: string,
  family: string,
  messageId: string,
  extra: Record<string, unknown> = {},
  from = 'user-7',
  to = 'user-9',
): Entry {
  const detail = {
    id,
    type: 'chat.indicator',
    entities: { user: from, recipient: to, dyad: 'user-7~user-9' },
    data: {
      family,
      confidence: 0.8,
      language: 'en',
      message_id: messageId,
      span_hash: spanHash,
      lexicon: 'test-lexicon',
      lexicon_version: 1,
      entry_id: `e-${family}`,
      ...extra,
    },
  };
  return { kind: 'event', ref: `event:${id}`, time, summary: `chat.indicator ${family}`, detail };
}

function reportXml(file: CaseFile) {
  const assembled = cybertipReportFromCase(file, filer, facts);
  const xml = buildCybertipReport(assembled.report, { now });
  return { assembled, xml, root: parseXml(xml) };
}

/** Every element with a transcribed XSD sequence has its children in that order. */
function assertXsdOrder(xml: string): void {
  for (const node of descendants(parseXml(xml))) {
    const order = cybertipSequences[node.name]?.map((item) => item.name);
    if (order === undefined) continue;
    const positions = childNames(node).map((name) => order.indexOf(name));
    assert.ok(!positions.includes(-1), `<${node.name}> has a child outside its sequence: ${childNames(node)}`);
    for (let index = 1; index < positions.length; index += 1)
      assert.ok((positions[index] as number) >= (positions[index - 1] as number), `<${node.name}> out of order`);
  }
}

const sextortionCase: CaseFile = {
  id: 31,
  subject: 'user:user-7',
  timeline: [
    message('m-1', '2026-11-05T18:00:00Z'),
    indicator('i-1', '2026-11-05T18:00:01Z', 'exposure_threat', 'm-1'),
    message('m-2', '2026-11-05T18:02:00Z'),
    indicator('i-2', '2026-11-05T18:02:01Z', 'payment_instruction', 'm-2'),
    indicator('i-3', '2026-11-05T18:02:01Z', 'deadline', 'm-2'),
    // An indicator whose message is not on the timeline (derived before the case opened).
    indicator('i-4', '2026-11-05T17:58:00Z', 'platform_move', 'm-0'),
  ],
};

test('a text-only sextortion chat: online enticement, chatImIncident with ids, times and families, never text', () => {
  const { assembled, xml, root } = reportXml(sextortionCase);
  assert.equal(assembled.incidentType, 'Online Enticement of Children for Sexual Acts');
  assert.deepEqual(assembled.files, []);
  assert.deepEqual(assembled.report.incidentSummary.reportAnnotations, ['sextortion']);
  assert.ok(assembled.notes.some((note) => note.includes('exposure threats with payment instructions')));
  assert.equal(assembled.report.incidentSummary.incidentDateTime, '2026-11-05T17:58:00Z', 'the earliest message');
  assert.deepEqual(assembled.report.personOrUserReported, {
    espIdentifier: 'user-7',
    espService: 'Example Chat messages',
  });
  assert.deepEqual(assembled.report.intendedRecipients, [
    { espIdentifier: 'user-9', espService: 'Example Chat messages' },
  ]);

  assert.ok(!xml.includes(textMarker), 'no message text in the report');
  assert.ok(!xml.includes(spanHash), 'no span hash in the report');
  assertXsdOrder(xml);
  assert.deepEqual(childNames(root), [
    'incidentSummary',
    'internetDetails',
    'reporter',
    'personOrUserReported',
    'intendedRecipient',
    'additionalInfo',
  ]);
  assert.deepEqual(childNames(child(child(root, 'incidentSummary'), 'reportAnnotations')), ['sextortion']);
  const incident = child(child(root, 'internetDetails'), 'chatImIncident');
  assert.deepEqual(childNames(incident), ['chatClient', 'content', 'additionalInfo']);
  assert.equal(child(incident, 'chatClient').text, 'Example Chat');
  assert.deepEqual(child(incident, 'content').text.split('\n'), [
    '2026-11-05T17:58:00Z message m-0: user-7 to user-9; indicators: platform_move',
    '2026-11-05T18:00:00Z message m-1: user-7 to user-9; indicators: exposure_threat',
    '2026-11-05T18:02:00Z message m-2: user-7 to user-9; indicators: payment_instruction, deadline',
  ]);
  assert.match(
    child(incident, 'additionalInfo').text,
    /^3 message\(s\) in the case, 2026-11-05T17:58:00Z to 2026-11-05T18:02:00Z\. Indicator families found by Prevail: platform_move \(1\), exposure_threat \(1\), payment_instruction \(1\), deadline \(1\)\. Message text is not included/,
  );
  assert.deepEqual(cybertipChatReadiness(sextortionCase), []);
});

test('exposure threats alone are not sextortion; a deadline with them is; a sextortion typology is', () => {
  const threatOnly: CaseFile = {
    id: 32,
    subject: 'user:user-7',
    timeline: [indicator('i-1', '2026-11-05T18:00:00Z', 'exposure_threat', 'm-1')],
  };
  assert.equal(reportXml(threatOnly).assembled.report.incidentSummary.reportAnnotations, undefined);
  const withDeadline: CaseFile = {
    ...threatOnly,
    timeline: [...threatOnly.timeline, indicator('i-2', '2026-11-05T18:01:00Z', 'deadline', 'm-2')],
  };
  assert.deepEqual(reportXml(withDeadline).assembled.report.incidentSummary.reportAnnotations, ['sextortion']);
  const typology: CaseFile = {
    ...threatOnly,
    timeline: [
      ...threatOnly.timeline,
      { kind: 'rule_hit', ref: 'typology:chat_sextortion:i-1', time: '2026-11-05T18:00:01Z', summary: '', detail: {} },
    ],
  };
  assert.deepEqual(reportXml(typology).assembled.report.incidentSummary.reportAnnotations, ['sextortion']);
});

test("the chat pack's minor↔minor typology on the case alone gives minorToMinorInteraction", () => {
  const file: CaseFile = {
    id: 34,
    subject: 'user:user-7',
    timeline: [
      message('m-1', '2026-11-06T10:00:00Z', 'user-7', 'user-9'),
      indicator('i-1', '2026-11-06T10:00:01Z', 'secrecy', 'm-1'),
      {
        kind: 'rule_hit',
        ref: 'typology:chat_minor_to_minor:i-1',
        time: '2026-11-06T10:00:02Z',
        summary: '',
        detail: {},
      },
    ],
  };
  assert.deepEqual(reportXml(file).assembled.report.incidentSummary.reportAnnotations, ['minorToMinorInteraction']);
});

test('in a game, between two minors, a photo request: onlineGamingIncident, csamSolicitation and minorToMinorInteraction', () => {
  const file: CaseFile = {
    id: 33,
    subject: 'user:user-7',
    timeline: [
      message('m-1', '2026-11-06T10:00:00Z', 'user-7', 'user-9', { surface: 'game', game: 'Example Quest' }),
      indicator('i-1', '2026-11-06T10:00:01Z', 'photo_call_request', 'm-1', { surface: 'game' }),
      indicator('i-2', '2026-11-06T10:00:01Z', 'secrecy', 'm-1'),
      {
        kind: 'rule_hit',
        ref: 'hit:i-1:chat_minor_pair',
        time: '2026-11-06T10:00:02Z',
        summary: 'minor pair',
        detail: {
          ruleId: 'chat_minor_pair',
          effects: [{ kind: 'label', action: 'add', label: minorToMinorLabel }],
        },
      },
    ],
  };
  const { assembled, xml, root } = reportXml(file);
  assert.deepEqual(assembled.report.incidentSummary.reportAnnotations, ['csamSolicitation', 'minorToMinorInteraction']);
  assertXsdOrder(xml);
  assert.ok(!xml.includes(textMarker));
  const incident = child(child(root, 'internetDetails'), 'onlineGamingIncident');
  assert.deepEqual(childNames(incident), ['gameName', 'content', 'additionalInfo']);
  assert.equal(child(incident, 'gameName').text, 'Example Quest');
  assert.equal(
    child(incident, 'content').text,
    '2026-11-06T10:00:00Z message m-1: user-7 to user-9; indicators: photo_call_request, secrecy',
  );
  assert.deepEqual(
    childNames(child(child(root, 'incidentSummary'), 'reportAnnotations')),
    ['csamSolicitation', 'minorToMinorInteraction'],
    'annotations in the schema order',
  );
});

test('csamSolicitation needs a recipient known to be a minor; the readiness check says when the age is unknown', () => {
  const unknownAge: CaseFile = {
    id: 34,
    subject: 'user:user-7',
    timeline: [indicator('i-1', '2026-11-06T10:00:00Z', 'photo_call_request', 'm-1')],
  };
  assert.equal(reportXml(unknownAge).assembled.report.incidentSummary.reportAnnotations, undefined);
  const readiness = cybertipChatReadiness(unknownAge);
  assert.equal(readiness.length, 1);
  assert.match(readiness[0] ?? '', /^recipient age: 1 photo or call request\(s\) .* csamSolicitation is not set/);
  const minorRecipient: CaseFile = {
    ...unknownAge,
    timeline: [indicator('i-1', '2026-11-06T10:00:00Z', 'photo_call_request', 'm-1', { recipient_age_band: '13-15' })],
  };
  assert.deepEqual(reportXml(minorRecipient).assembled.report.incidentSummary.reportAnnotations, ['csamSolicitation']);
  assert.deepEqual(cybertipChatReadiness(minorRecipient), []);
});

test('the readiness check names what a chat case lacks: no chat, no recipient, a subject outside the chat', () => {
  assert.deepEqual(cybertipChatReadiness({ id: 35, subject: 'user:user-7', timeline: [] }), [
    'chat: the case holds no message.sent or chat.indicator event, so it has no chat incident to report',
  ]);
  const noRecipient: Entry = {
    kind: 'event',
    ref: 'event:m-5',
    time: '2026-11-06T10:00:00Z',
    summary: 'message.sent',
    detail: { id: 'm-5', type: 'message.sent', entities: { user: 'user-3', conversation: 'room-1' }, data: {} },
  };
  assert.deepEqual(cybertipChatReadiness({ id: 36, subject: 'user:user-7', timeline: [noRecipient] }), [
    'recipient: 1 message(s) name no recipient (entities.recipient), e.g. m-5: the report cannot name their intended recipient',
    "subject: user:user-7 neither sent nor received any of the case's messages",
  ]);
  // Still a valid report: the room names the chat, the other sender is in the additional information.
  const { root } = reportXml({ id: 36, subject: 'user:user-7', timeline: [noRecipient] });
  const incident = child(child(root, 'internetDetails'), 'chatImIncident');
  assert.equal(child(incident, 'chatRoomName').text, 'room-1');
  assert.match(child(root, 'additionalInfo').text, /Other senders in the case's chat: user-3\./);
});

test('a case about a pair of users (the dyad entity): the member who sent the indicator hits is the reported account', () => {
  const file: CaseFile = {
    id: 37,
    subject: 'dyad:user-7~user-9',
    timeline: sextortionCase.timeline,
  };
  const { assembled, xml } = reportXml(file);
  assert.equal(assembled.report.personOrUserReported?.espIdentifier, 'user-7');
  assert.deepEqual(
    assembled.report.intendedRecipients?.map((recipient) => recipient.espIdentifier),
    ['user-9'],
  );
  assert.ok(!xml.includes('user-7~user-9</espIdentifier>'));
  assert.deepEqual(cybertipChatReadiness(file), []);
});
