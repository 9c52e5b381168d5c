import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignalsEngine } from '../../src/engine/index.js';
import { examplePolicy } from './engine-harness.js';

/**
 * A chat case for console tests, without the chat pack: the example policy copied with one test
 * rule that opens a case on any `chat.indicator` event, and a synthetic conversation (plainly fake
 * ids, benign placeholder text with a marker the tests look for) of `message.sent` events and the
 * indicator events a pack would derive from them.
 */

/** Stands for message text: a page or an answer holding it has shown the text. */
export const chatTextMarker = 'SYNTHETIC-CHAT-TEXT';

/** The test rule (`rules/chat-test.yaml`): every indicator opens or joins its sender's case. */
export const chatTestRuleYaml = `rules:
  - id: chat_indicator_test_case
    description: Test only - a chat indicator opens a case about its sender
    events: [chat.indicator]
    when: "true"
    mode: active
    effects:
      - case: { subject: user, priority: high }
`;

/** Copies the example policy to `directory` with the chat test rule; returns the directory. */
export async function chatTestPolicy(directory: string): Promise<string> {
  await cp(examplePolicy, directory, { recursive: true });
  await writeFile(join(directory, 'rules', 'chat-test.yaml'), chatTestRuleYaml);
  return directory;
}

/**
 * Ingests a conversation from `sender` to `recipient`: message `<prefix>-m0` (before any
 * indicator, so it is only in the event log), then indicators on it and on `<prefix>-m1`, then
 * `<prefix>-m1` itself (on the case's timeline). Returns the message ids.
 */
export async function ingestChat(
  engine: SignalsEngine,
  prefix: string,
  sender: string,
  recipient: string,
): Promise<{ readonly early: string; readonly onTimeline: string }> {
  const start = Date.now() - 3_600_000;
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const entities = { user: sender, recipient, dyad: [sender, recipient].sort().join('~') };
  const indicator = (id: string, minutes: number, family: string, messageId: string) => ({
    id,
    type: 'chat.indicator',
    time: at(minutes),
    entities,
    data: {
      family,
      confidence: 0.75,
      language: 'en',
      message_id: messageId,
      span_hash: 'd'.repeat(64),
      lexicon: 'test-lexicon',
      lexicon_version: 1,
      entry_id: `entry-${family}`,
    },
  });
  const early = `${prefix}-m0`;
  const onTimeline = `${prefix}-m1`;
  const events = [
    {
      id: early,
      type: 'message.sent',
      time: at(0),
      entities: { user: sender, recipient },
      data: { text: `${chatTextMarker} early placeholder` },
    },
    indicator(`${prefix}-i0`, 1, 'exposure_threat', early),
    indicator(`${prefix}-i1`, 2, 'deadline', onTimeline),
    {
      id: onTimeline,
      type: 'message.sent',
      time: at(3),
      entities: { user: sender, recipient },
      data: { text: `${chatTextMarker} later placeholder` },
    },
  ];
  const results = await engine.ingest(events, { wait: true });
  for (const result of results) if (result.status !== 'accepted') throw new Error(`ingest: ${JSON.stringify(result)}`);
  return { early, onTimeline };
}
