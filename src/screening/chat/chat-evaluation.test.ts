import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import type { RulePack } from '../../packs/index.js';
import { defineBuiltinRule } from '../../rules/index.js';
import { defineTypologies } from '../../typologies/index.js';
import { defaultChatAlertSource, evaluateChats } from './chat-evaluation.js';
import type { ChatEvalLabel } from './chat-evaluation-types.js';
import type { ChatEventLine } from './chat-replay.js';
import { hasNaiveKeyword } from './keyword-baseline.js';

/**
 * A tiny test pack standing in for the chat pack: a message whose text holds "secret" gives its
 * sender 1 point in `chat_test_grooming`, which alerts at 2 (two such messages in 7 days).
 */
const testPack: RulePack = {
  name: 'chat_test',
  version: 1,
  description: 'test double for the chat pack',
  features: [],
  labels: [],
  typologies: defineTypologies([{ name: 'chat_test_grooming', subject: 'user', window: '7d', alert_threshold: 2 }]),
  rules: [
    defineBuiltinRule({
      id: 'chat_test_keyword',
      version: 1,
      description: 'a message holds the test keyword',
      events: ['message.sent'],
      configSchema: z.strictObject({}),
      defaultConfig: {},
      evaluate: (context) => ({
        fired: typeof context.event.data.text === 'string' && context.event.data.text.includes('secret'),
        effects: [{ kind: 'typology', typology: 'chat_test_grooming', points: 1 }],
      }),
    }),
  ],
};

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 20, minute)).toISOString();
const message = (conversation: string, turn: number, from: string, to: string, text: string, minute: number) => ({
  id: `m-${conversation}-${turn}`,
  type: 'message.sent',
  time: at(minute),
  entities: { user: from, recipient: to, conversation },
  data: { text, chars: text.length },
});

// Conversation a (positive, first risky move at turn 1): the sender's second keyword message (turn
// 3, minute 9) alerts. Conversation b (benign) names a baseline keyword but not the pack's.
const events: ChatEventLine[] = [
  message('a', 0, 'adult', 'kid', 'hello there', 0),
  message('b', 0, 'coach', 'player', 'practice at six', 1),
  message('a', 1, 'adult', 'kid', 'this is our secret', 3),
  message('b', 1, 'player', 'coach', 'ok, can you send a photo of the map', 4),
  message('a', 2, 'kid', 'adult', 'ok', 5),
  message('a', 3, 'adult', 'kid', 'remember, secret', 9),
];
const labels: ChatEvalLabel[] = [
  {
    conversation: 'a',
    seed: 2,
    class: 'grooming',
    slice: 'grooming_fast',
    language: 'en',
    users: ['adult', 'kid'],
    firstRiskyTurn: 1,
  },
  {
    conversation: 'b',
    seed: 2,
    class: 'benign',
    slice: 'coach_teacher',
    language: 'en',
    users: ['coach', 'player'],
    firstRiskyTurn: null,
  },
];

describe('chat evaluation harness', () => {
  test('places the alert on the message that crossed the threshold, with and without text, beside the baseline', async () => {
    const evaluation = await evaluateChats(events, labels, { packs: [testPack] });
    assert.deepEqual(evaluation.alertSource, { typologies: ['chat_test_grooming'], cases: true });
    assert.deepEqual(evaluation.metadataAlertSource, evaluation.alertSource);
    assert.equal(evaluation.heldOut, false, 'seed 2 is a default tune seed');
    const text = evaluation.withText.overall;
    assert.equal(text.alertedPositives, 1);
    assert.equal(text.alertedNegatives, 0);
    assert.equal(text.precisionAtRecall90, 1);
    assert.equal(text.recallAtFpr1, 1);
    assert.deepEqual(text.messagesToAlert, { median: 2, p90: 2 }, 'turn 3 − first risky turn 1');
    assert.deepEqual(text.minutesToAlert, { median: 6, p90: 6 }, 'minute 9 − minute 3');
    // ERDE_5: the positive decided after k = 3 messages costs 1 − 1/(1 + e^(3−5)); the negative 0.
    assert.ok(Math.abs((text.erde5 ?? 0) - (1 - 1 / (1 + Math.exp(-2))) / 2) < 1e-12);
    const metadata = evaluation.metadataOnly.overall;
    assert.equal(metadata.alertedPositives, 0, 'the test pack reads text only');
    assert.equal(metadata.erde5, 0.5, 'a missed positive costs 1, over 2 conversations');
    const baseline = evaluation.baseline.overall;
    assert.equal(baseline.alertedPositives, 1);
    assert.equal(baseline.alertedNegatives, 1, '"photo" is a baseline keyword');
    assert.deepEqual(baseline.messagesToAlert, { median: 0, p90: 0 }, 'the baseline alerts on the risky message');
    assert.equal(evaluation.withText.bySlice.coach_teacher?.falsePositiveRate, 0);
    assert.equal(evaluation.baseline.byLanguage.en?.conversations, 2);
  });

  test('without a chat pack every typology counts; the baseline matches whole words in any case', () => {
    assert.deepEqual(defaultChatAlertSource([]), { cases: true });
    assert.ok(hasNaiveKeyword('Keep it SECRET ok'));
    assert.ok(hasNaiveKeyword('manda uma foto'));
    assert.ok(!hasNaiveKeyword('the secretary called'));
  });
});
