import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dyadEntityId } from '../../chat/index.js';
import { EngineError } from '../../core/index.js';
import { openEngine, type SignalsEngine } from '../../engine/index.js';
import { entityKey } from '../../events/index.js';
import type { RulePack } from '../../packs/index.js';
import type { BuiltinRuleSettings } from '../../rules/index.js';
import { openStorage } from '../../storage/index.js';
import type { ChatAlertSource, ChatEvalLabel, ConversationOutcome } from './chat-evaluation-types.js';

/** One event of a chat scenario file (the engine's input shape). */
export interface ChatEventLine {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Runs `work` on an engine with exactly `packs` loaded and every pack rule active, on a throwaway
 * embedded store in a fresh temporary directory deleted afterwards (no snapshots: nothing will
 * restart from it). `work` also gets the store's cases, to read which cases opened when.
 */
export async function withPackEngine<T>(
  packs: readonly RulePack[],
  work: (engine: SignalsEngine, cases: () => Promise<readonly { subject: string; openedAt: string }[]>) => Promise<T>,
  options: { readonly workDirectory?: string; readonly snapshotEvery?: number } = {},
): Promise<T> {
  const directory = await mkdtemp(join(options.workDirectory ?? tmpdir(), 'prevail-chat-'));
  const storage = await openStorage({ dataDir: directory });
  try {
    const ruleSettings: Record<string, BuiltinRuleSettings> = {};
    for (const rule of packs.flatMap((pack) => pack.rules)) ruleSettings[rule.id] = { mode: 'active' };
    const { engine } = await openEngine(storage.engine, undefined, {
      packs,
      builtinRuleSettings: ruleSettings,
      snapshotEvery: options.snapshotEvery ?? Number.MAX_SAFE_INTEGER,
    });
    return await work(engine, () => storage.engine.cases.list({ limit: Number.MAX_SAFE_INTEGER }));
  } finally {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  }
}

interface ConversationState {
  readonly label: ChatEvalLabel;
  readonly messageTimes: number[];
  score: number;
  alertTurn: number | null;
  alertTimeMs: number | null;
}

/** The entity keys an alert on which counts for a conversation: its users, its dyad, itself. */
function subjectsOf(label: ChatEvalLabel): string[] {
  const [first, second] = label.users;
  return [
    entityKey('user', first),
    entityKey('user', second),
    entityKey('dyad', dyadEntityId(first, second)),
    entityKey('conversation', label.conversation),
  ];
}

/**
 * Replays `events` in file order through `engine`, message by message as far as scores go (each
 * batch holds no two events naming the same entity and is drained before the next, so every
 * derived event and effect of a message is in before that conversation's next message), and after
 * each event reads the scores of the typologies `source` counts for the subjects the event names.
 * Per conversation it keeps the highest score reached (in units of the typology's alert
 * threshold: 1 = alert) and the message index and time at which the first alert came. Alerts on
 * a user count for every conversation of that user (an adult writing to many minors), at that
 * conversation's latest message. With `stripText` the messages' text is removed first (the
 * metadata-only view of an end-to-end encrypted service).
 *
 * @throws EngineError `EVENT_INVALID` when the engine refuses an event (naming it).
 */
export async function replayChats(
  engine: SignalsEngine,
  cases: () => Promise<readonly { subject: string; openedAt: string }[]>,
  events: Iterable<ChatEventLine>,
  labels: readonly ChatEvalLabel[],
  source: ChatAlertSource,
  options: { readonly stripText?: boolean; readonly onProgress?: (events: number) => void } = {},
): Promise<ConversationOutcome[]> {
  const states = new Map<string, ConversationState>();
  const bySubject = new Map<string, ConversationState[]>();
  const byDyad = new Map<string, ConversationState>();
  for (const label of labels) {
    const state: ConversationState = { label, messageTimes: [], score: 0, alertTurn: null, alertTimeMs: null };
    states.set(label.conversation, state);
    byDyad.set(dyadEntityId(label.users[0], label.users[1]), state);
    for (const subject of subjectsOf(label)) {
      const list = bySubject.get(subject) ?? [];
      list.push(state);
      bySubject.set(subject, list);
    }
  }
  const counted = source.typologies === undefined ? undefined : new Set(source.typologies);
  const raise = (state: ConversationState, score: number, timeMs: number) => {
    state.score = Math.max(state.score, score);
    if (score >= 1 && state.alertTurn === null) {
      state.alertTurn = Math.max(0, state.messageTimes.length - 1);
      state.alertTimeMs = timeMs;
    }
  };
  const score = (subject: string) => {
    let best = 0;
    for (const { typology, score } of engine.typologiesOf(subject)) {
      if (counted !== undefined && !counted.has(typology.name)) continue;
      best = Math.max(best, score / typology.alertThreshold);
    }
    return best;
  };
  let processed = 0;
  const run = async (batch: readonly ChatEventLine[]) => {
    const results = await engine.ingest(
      batch.map((line) =>
        options.stripText === true && line.type === 'message.sent' && 'text' in line.data
          ? { ...line, data: withoutText(line.data) }
          : line,
      ),
    );
    for (const result of results) {
      if (result.status !== 'rejected') continue;
      const problems = result.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
      throw new EngineError('EVENT_INVALID', `event ${batch[result.index]?.id ?? result.index}: ${problems}`);
    }
    await engine.drain();
    for (const line of batch) {
      const timeMs = Date.parse(line.time);
      const { user, recipient, conversation } = line.entities;
      if (line.type === 'message.sent') {
        const state =
          (conversation === undefined ? undefined : states.get(conversation)) ??
          (user !== undefined && recipient !== undefined && user !== recipient
            ? byDyad.get(dyadEntityId(user, recipient))
            : undefined);
        state?.messageTimes.push(timeMs);
      }
      for (const subject of subjectsNamed(line)) {
        const touched = bySubject.get(subject);
        if (touched === undefined) continue;
        const best = score(subject);
        if (best > 0) for (const state of touched) raise(state, best, timeMs);
      }
      processed++;
      if (processed % 1000 === 0) options.onProgress?.(processed);
    }
  };
  // Events go in in batches whose events name no entity twice: after a batch, each subject's
  // score moved because of at most one of its events, so the alert is placed on that event
  // exactly, as if the events had gone in one by one.
  let batch: ChatEventLine[] = [];
  let named = new Set<string>();
  for (const line of events) {
    const names = Object.values(line.entities);
    if (names.some((name) => named.has(name))) {
      await run(batch);
      batch = [];
      named = new Set();
    }
    batch.push(line);
    for (const name of names) named.add(name);
  }
  if (batch.length > 0) await run(batch);
  if (source.cases !== false) {
    for (const record of await cases()) {
      const openedMs = Date.parse(record.openedAt);
      for (const state of bySubject.get(record.subject) ?? []) {
        const turn = state.messageTimes.filter((time) => time <= openedMs).length - 1;
        if (state.alertTurn === null || turn < state.alertTurn) {
          state.alertTurn = Math.max(0, turn);
          state.alertTimeMs = openedMs;
        }
        state.score = Math.max(state.score, 1);
      }
    }
  }
  return [...states.values()].map((state) => ({
    conversation: state.label.conversation,
    score: state.score,
    alertTurn: state.alertTurn,
    alertTimeMs: state.alertTimeMs,
    messageTimes: state.messageTimes,
  }));
}

/** The subjects an event names: its users, their dyad, its conversation. */
function subjectsNamed(line: ChatEventLine): string[] {
  const { user, recipient, conversation } = line.entities;
  const subjects = [user, recipient].filter((id): id is string => id !== undefined).map((id) => entityKey('user', id));
  if (user !== undefined && recipient !== undefined && user !== recipient) {
    subjects.push(entityKey('dyad', dyadEntityId(user, recipient)));
  }
  if (conversation !== undefined) subjects.push(entityKey('conversation', conversation));
  return subjects;
}

function withoutText(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { text: _text, ...rest } = data;
  return rest;
}
