import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditAction } from '../audit/index.js';
import type { CaseTimelineEntry } from '../cases/index.js';
import { isEngineError } from '../core/index.js';
import type { Person } from '../people/index.js';
import { chatView, type ExposureCheck, revealMessage, withoutMessageText } from './chat-messages.js';
import { defaultRevealPolicy, parseRevealPolicy } from './reveal-policy.js';

/** Synthetic people and a synthetic chat timeline (placeholder text only). */
function person(login: string, optedIn: boolean): Person {
  return {
    id: 1,
    login,
    displayName: login,
    roles: ['child_safety_reviewer'],
    childSafetyOptInAt: optedIn ? '2026-01-01T00:00:00.000Z' : null,
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function entry(id: string, type: string, time: string, entities: object, data: object): CaseTimelineEntry {
  return { caseId: 4, kind: 'event', ref: `event:${id}`, time, summary: type, detail: { id, type, entities, data } };
}

const timeline = [
  entry('m-1', 'message.sent', '2026-11-05T18:00:00Z', { user: 'u-9', recipient: 'u-7' }, { text: 'placeholder one' }),
  entry(
    'i-2',
    'chat.indicator',
    '2026-11-05T18:03:00Z',
    { user: 'u-7', recipient: 'u-9' },
    { family: 'deadline', message_id: 'm-2', confidence: 0.6, language: 'es' },
  ),
  entry(
    'i-1',
    'chat.indicator',
    '2026-11-05T18:00:01Z',
    { user: 'u-9', recipient: 'u-7' },
    { family: 'secrecy', message_id: 'm-1', confidence: 0.9, language: 'en' },
  ),
];

test('the indicator timeline: oldest first, direction from the case subject; message text withheld from the timeline', () => {
  const view = chatView(timeline, 'user:u-7', defaultRevealPolicy, ['a readiness note']);
  assert.deepEqual(
    view?.indicators.map((item) => [
      item.id,
      item.family,
      item.direction,
      item.confidence,
      item.language,
      item.messageId,
    ]),
    [
      ['i-1', 'secrecy', 'to_subject', 0.9, 'en', 'm-1'],
      ['i-2', 'deadline', 'from_subject', 0.6, 'es', 'm-2'],
    ],
  );
  assert.equal(view?.messages, 2);
  assert.deepEqual(view?.reportReadiness, ['a readiness note']);
  assert.equal(chatView([], 'user:u-7', defaultRevealPolicy, []), null);
  const [message] = timeline;
  assert.ok(message !== undefined);
  const shown = withoutMessageText(message) as { data: Record<string, unknown> };
  assert.deepEqual(shown.data, { text_withheld: true });
  assert.equal(
    (message.detail as { data: { text: string } }).data.text,
    'placeholder one',
    'the stored entry is untouched',
  );
});

function rig(options: { exposure?: ExposureCheck; reasonRequired?: boolean } = {}) {
  const audited: AuditAction[] = [];
  return {
    audited,
    run: (who: Person, messageId: string, reason?: unknown) =>
      revealMessage({
        caseId: 4,
        person: who,
        messageId,
        reason,
        policy: parseRevealPolicy(
          options.reasonRequired === false ? { reveals: { messageText: { reasonRequired: false } } } : {},
          'console.yaml',
        ),
        source: { timeline: async () => timeline, events: async () => [] },
        exposure: options.exposure,
        audit: {
          record: async (...actions) => {
            audited.push(...actions);
          },
        },
        now: new Date('2026-11-06T09:00:00Z'),
      }),
  };
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isEngineError(error) && error.code === code);
}

test('a reveal checks the opt-in, the reason policy and the exposure stop before it audits and answers', async () => {
  const stopped = rig({ exposure: async () => ({ status: 'stop', suggestion: { message: 'take a break' } }) });
  await refused(stopped.run(person('rita', true), 'm-1', 'decide'), 'EXPOSURE_LIMIT');
  const open = rig();
  await refused(open.run(person('noor', false), 'm-1', 'decide'), 'AUTH_FORBIDDEN');
  await refused(open.run(person('rita', true), 'm-1'), 'REASON_REQUIRED');
  // m-2 is named by an indicator but not in the event log: not found, not audited.
  await refused(open.run(person('rita', true), 'm-2', 'decide'), 'MESSAGE_NOT_FOUND');
  assert.deepEqual(stopped.audited, []);
  assert.deepEqual(open.audited, []);
  const revealed = await open.run(person('rita', true), 'm-1', 'decide');
  assert.equal(revealed.text, 'placeholder one');
  assert.deepEqual(open.audited, [
    {
      actor: 'person:rita',
      action: 'message.reveal',
      subject: 'case:4',
      reason: 'decide',
      detail: { case: 4, message: 'm-1', at: '2026-11-06T09:00:00.000Z', from: 'timeline', characters: 15 },
    },
  ]);
  const optional = rig({ reasonRequired: false, exposure: async () => ({ status: 'warn', suggestion: null }) });
  await optional.run(person('rita', true), 'm-1', '  ');
  assert.equal(optional.audited[0]?.reason, 'revealed to decide the case');
});

test('console.yaml reveals: strict, over the defaults', () => {
  assert.equal(parseRevealPolicy({ decisions: {} }, 'c').messageText.reasonRequired, true);
  assert.throws(
    () => parseRevealPolicy({ reveals: { messageText: { reasonRequired: 'yes' } } }, 'console.yaml'),
    (error: unknown) => isEngineError(error) && error.code === 'CONFIG_INVALID',
  );
});
