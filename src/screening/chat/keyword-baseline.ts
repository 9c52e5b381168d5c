import type { ChatEvalLabel, ConversationOutcome } from './chat-evaluation-types.js';
import type { ChatEventLine } from './chat-replay.js';

/**
 * The naive baseline every chat figure is shown beside: a message is suspicious when it contains
 * one of ten words an analyst would write down in a minute, in any language, case-insensitive,
 * as a whole word. A conversation alerts at its first suspicious message; its ranking score is
 * the number of suspicious messages. Written for the evaluation, not tuned on any seed.
 */
export const naiveChatKeywords = [
  'secret',
  'photo',
  'foto',
  'camera',
  'snapchat',
  'whatsapp',
  'telegram',
  'gift',
  'pay',
  'meet',
] as const;

const pattern = new RegExp(`(?:^|[^\\p{L}])(?:${naiveChatKeywords.join('|')})(?:$|[^\\p{L}])`, 'iu');

/** Whether `text` contains a naive keyword as a whole word. */
export function hasNaiveKeyword(text: string): boolean {
  return pattern.test(text);
}

/** The baseline over a scenario's events (in file order): one outcome per labelled conversation. */
export function keywordBaseline(
  events: Iterable<ChatEventLine>,
  labels: readonly ChatEvalLabel[],
): ConversationOutcome[] {
  const states = new Map(
    labels.map((label) => [
      label.conversation,
      { score: 0, alertTurn: null as number | null, alertTimeMs: null as number | null, messageTimes: [] as number[] },
    ]),
  );
  for (const event of events) {
    if (event.type !== 'message.sent') continue;
    const conversation = event.entities.conversation;
    const state = conversation === undefined ? undefined : states.get(conversation);
    if (state === undefined) continue;
    const timeMs = Date.parse(event.time);
    state.messageTimes.push(timeMs);
    const text = event.data.text;
    if (typeof text !== 'string' || !hasNaiveKeyword(text)) continue;
    state.score += 1;
    if (state.alertTurn === null) {
      state.alertTurn = state.messageTimes.length - 1;
      state.alertTimeMs = timeMs;
    }
  }
  return [...states.entries()].map(([conversation, state]) => ({ conversation, ...state }));
}
