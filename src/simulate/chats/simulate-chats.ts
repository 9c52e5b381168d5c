import { EngineError } from '../../core/index.js';
import { createRandom, type Random } from '../random.js';
import { contactEvents } from './chat-contacts.js';
import {
  type ChatClass,
  type ChatLabel,
  type ChatLanguage,
  type ChatSlice,
  chatLanguages,
  riskySlices,
} from './chat-labels.js';
import { familyOfKey, type ScriptTurn, scriptFor } from './chat-scripts.js';
import { conversationPeople, localHourOf, type SimulatedUser, UserPool } from './chat-users.js';
import { evade, evasionKinds } from './evasion.js';
import { conversationSlots } from './slots.js';
import type { LanguageTemplates } from './template-keys.js';
import { englishTemplates } from './templates/en.js';
import { spanishTemplates } from './templates/es.js';
import { frenchTemplates } from './templates/fr.js';
import { portugueseTemplates } from './templates/pt.js';
import { tagalogTemplates } from './templates/tl.js';

/** The most conversations one run writes (about 16 messages each): bounded memory. */
export const maximumChatConversations = 50_000;

/** The default window start: 2026-03-02T00:00:00Z (conversations start within 14 days of it). */
const windowStartMs = Date.parse('2026-03-02T00:00:00Z');
const windowDays = 14;

const templates: Readonly<Record<ChatLanguage, LanguageTemplates>> = {
  en: englishTemplates,
  fr: frenchTemplates,
  es: spanishTemplates,
  pt: portugueseTemplates,
  tl: tagalogTemplates,
};

/** Share of conversations per slice: 40 % risky, 60 % benign look-alikes. */
const sliceMix: readonly (readonly [ChatSlice, number])[] = [
  ['grooming_fast', 12],
  ['grooming_slow', 14],
  ['sextortion', 14],
  ['teen_peers', 9],
  ['family', 9],
  ['coach_teacher', 9],
  ['gaming_teammates', 9],
  ['adult_dating', 8],
  ['customer_support', 8],
  ['scam_awareness', 8],
];

/** One engine event as `prevail simulate chats` writes it (a line of the events file). */
export interface ChatSimEvent {
  readonly id: string;
  readonly type: 'account.created' | 'message.sent' | 'gift.sent' | 'payment.sent' | 'report.filed';
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ChatSimulationOptions {
  /** Any safe integer ≥ 0; the same options always give the same output. */
  readonly seed: number;
  /** 1 to `maximumChatConversations`. */
  readonly conversations: number;
  /** Languages to write, a non-empty subset of `chatLanguages` (default all five), used in turn. */
  readonly languages?: readonly string[];
}

export interface ChatSimulation {
  /** Every event sorted by time (then id). */
  readonly events: readonly ChatSimEvent[];
  /** One label per conversation, in conversation order. */
  readonly labels: readonly ChatLabel[];
}

/**
 * The languages of `value` (e.g. `['en', 'fr']`), checked.
 * @throws EngineError `REQUEST_INVALID` naming the unsupported ones, or for an empty list.
 */
export function chatLanguagesOf(value: readonly string[]): ChatLanguage[] {
  const unknown = value.filter((language) => !(chatLanguages as readonly string[]).includes(language));
  if (unknown.length > 0) {
    throw new EngineError(
      'REQUEST_INVALID',
      `unsupported language(s): ${unknown.join(', ')}; supported: ${chatLanguages.join(', ')}`,
    );
  }
  if (value.length === 0) throw new EngineError('REQUEST_INVALID', 'give at least one language');
  return [...new Set(value)] as ChatLanguage[];
}

const classOf = (slice: ChatSlice): ChatClass =>
  slice === 'sextortion' ? 'sextortion' : (riskySlices as readonly string[]).includes(slice) ? 'grooming' : 'benign';

/**
 * Generates a deterministic synthetic chat scenario: grooming (fast and slow, stages reordered
 * and skipped), sextortion scripts and benign look-alike conversations in up to five languages,
 * with account events (assured and declared ages, account age), messages (text, or only metadata
 * for the share of conversations on an end-to-end encrypted service), gifts, the sextortion
 * victims' payments to the handle they were told to pay, and the metadata around each
 * conversation (`contactEvents`: reports and blocks by others, one-message contact bursts to many
 * accounts, in risky and benign populations alike, from a stream of its own). Everything is plainly fake and
 * non-sexual. Each conversation draws from its own random stream, so conversation `i` is the same
 * whatever the count after it.
 *
 * @throws RangeError for a seed or count out of range; EngineError `REQUEST_INVALID` for languages.
 */
export function simulateChats(options: ChatSimulationOptions): ChatSimulation {
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new RangeError('seed must be a whole number ≥ 0');
  if (
    !Number.isSafeInteger(options.conversations) ||
    options.conversations < 1 ||
    options.conversations > maximumChatConversations
  ) {
    throw new RangeError(`conversations must be a whole number from 1 to ${maximumChatConversations}`);
  }
  const languages = chatLanguagesOf(options.languages ?? chatLanguages);
  const seed = options.seed;
  const events: ChatSimEvent[] = [];
  const labels: ChatLabel[] = [];
  const users = new UserPool(seed);
  for (let index = 0; index < options.conversations; index++) {
    const random = createRandom(seed, index, 1);
    const slice = random.weighted(sliceMix);
    const language = languages[index % languages.length] as ChatLanguage;
    const conversation = `cv${seed}-${index}`;
    const script = scriptFor(slice, random);
    const risky = classOf(slice) !== 'benign';
    const latestStart = windowStartMs + random.integer(0, windowDays - 1) * 86_400_000 + startHourMs(random, risky);
    const people = conversationPeople(slice, language, random, users, latestStart);
    for (const user of people.created) events.push(accountEvent(user));
    const textless = random.chance(0.15);
    const evasive = random.chance(risky ? 0.25 : 0.08);
    const rendered = renderConversation({
      conversation,
      seed,
      slice,
      language,
      script,
      random,
      startMs: people.startMs,
      users: [people.initiator, people.other],
      textless,
      evasive,
    });
    events.push(...rendered.events);
    events.push(
      ...contactEvents(
        {
          seed,
          index,
          conversation,
          slice,
          language,
          people,
          lastMs: rendered.lastMs,
          templates: templates[language],
          textless,
          accountEvent,
        },
        createRandom(seed, index, 2),
      ),
    );
    const firstRisky = script.findIndex((turn) => turn.speaker === 0 && familyOfKey[turn.key] !== undefined);
    labels.push({
      conversation,
      seed,
      class: classOf(slice),
      slice,
      language,
      users: [people.initiator.id, people.other.id],
      ages: [people.initiator.age, people.other.age],
      messages: script.length,
      firstRiskyTurn: risky && firstRisky >= 0 ? firstRisky : null,
      moves: script.map((turn) => turn.key),
      families: script.map((turn) => (turn.speaker === 0 ? (familyOfKey[turn.key] ?? null) : null)),
      evasive,
      textless,
      durationMinutes: Math.round((rendered.lastMs - people.startMs) / 60_000),
    });
  }
  events.sort((a, b) => (a.time === b.time ? (a.id < b.id ? -1 : 1) : a.time < b.time ? -1 : 1));
  return { events, labels };
}

/** Hour of day (UTC, in ms) a conversation starts: risky ones lean to the late evening. */
function startHourMs(random: Random, risky: boolean): number {
  const lateNight = random.chance(risky ? 0.6 : 0.2);
  const hour = lateNight ? (20 + random.integer(0, 5)) % 24 : random.integer(8, 19);
  return hour * 3_600_000 + random.integer(0, 3599) * 1000;
}

/**
 * The account event: `age_assurance` when the platform ran a check, `age_years` with `age_source`
 * `assured` (the checked age) or `declared` (what the holder typed: a groomer's may be a teen's),
 * and `verified_organisation` for verified coaches and teachers.
 */
function accountEvent(user: SimulatedUser): ChatSimEvent {
  const data: Record<string, unknown> = { country: user.country };
  if (user.assurance !== undefined) data.age_assurance = user.assurance;
  if (user.assurance === 'adult' || user.assurance === 'minor') {
    data.age_years = user.age;
    data.age_source = 'assured';
  } else if (user.declaredAge !== undefined) {
    data.age_years = user.declaredAge;
    data.age_source = 'declared';
  }
  if (user.organisation !== undefined) data.verified_organisation = user.organisation;
  return {
    id: `acct-${user.id}`,
    type: 'account.created',
    time: new Date(user.createdMs).toISOString(),
    entities: { user: user.id },
    data,
  };
}

interface RenderInput {
  readonly conversation: string;
  readonly seed: number;
  readonly slice: ChatSlice;
  readonly language: ChatLanguage;
  readonly script: readonly ScriptTurn[];
  readonly random: Random;
  readonly startMs: number;
  readonly users: readonly [SimulatedUser, SimulatedUser];
  readonly textless: boolean;
  readonly evasive: boolean;
}

/**
 * What the platform knows about the pair, sent with every message of the conversation: contacts
 * they share (often unknown; few or none for a new contact) and a relationship it recorded (some
 * families, coaches and friends). Partial on purpose: absent means unknown.
 */
function pairMetadata(slice: ChatSlice, random: Random): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (random.chance(0.5)) {
    const known = ['teen_peers', 'family', 'coach_teacher', 'gaming_teammates', 'scam_awareness'].includes(slice);
    metadata.mutual_contacts = known ? random.integer(0, 30) : random.integer(0, 2);
  }
  const recorded: Partial<Record<ChatSlice, string>> = {
    family: 'family',
    coach_teacher: 'coach',
    teen_peers: 'friend',
  };
  const relationship = recorded[slice];
  if (relationship !== undefined && random.chance(0.4)) metadata.relationship = relationship;
  return metadata;
}

/** The messages (and gifts and payments) of one conversation. */
function renderConversation(input: RenderInput): { events: ChatSimEvent[]; lastMs: number } {
  const { random, script, users, conversation } = input;
  const slots = conversationSlots(input.language, random);
  const lines = templates[input.language];
  const evasion = random.pick(evasionKinds);
  const pair = pairMetadata(input.slice, random);
  const events: ChatSimEvent[] = [];
  let at = input.startMs;
  script.forEach((turn, index) => {
    if (index > 0) at += turn.gapSeconds * 1000;
    const senderUser = users[turn.speaker];
    const sender = senderUser.id;
    const recipient = users[turn.speaker === 0 ? 1 : 0].id;
    let text = slots.fill(random.pick(lines[turn.key]), random);
    const risky = familyOfKey[turn.key] !== undefined || turn.key.startsWith('peer_') || turn.key.startsWith('game_');
    if (input.evasive && risky && random.chance(0.7)) text = evade(text, evasion, random);
    const data: Record<string, unknown> = input.textless ? { chars: text.length } : { text, chars: text.length };
    data.local_hour = localHourOf(senderUser, at);
    Object.assign(data, pair);
    if (turn.image === true) data.has_attachment = true;
    events.push({
      id: `msg-${conversation}-${index}`,
      type: 'message.sent',
      time: new Date(at).toISOString(),
      entities: { user: sender, recipient, conversation },
      data,
    });
    const gift = turn.key === 'risky_gift' || turn.key === 'game_gift' || turn.key === 'family_gift';
    if (gift && random.chance(0.5)) {
      events.push({
        id: `gift-${conversation}-${index}`,
        type: 'gift.sent',
        time: new Date(at + random.integer(30, 300) * 1000).toISOString(),
        entities: { user: sender, recipient },
        data: { amount: random.integer(5, 50), currency: 'USD' },
      });
    }
  });
  if (input.slice === 'sextortion' && random.chance(0.6)) {
    const victim = users[1].id;
    const payee = handleEntity(input.language, slots.handle);
    for (let payment = random.integer(1, 3), n = 0; n < payment; n++) {
      events.push({
        id: `pay-${conversation}-${n}`,
        type: 'payment.sent',
        time: new Date(at + random.integer(5, 40) * 60_000 * (n + 1)).toISOString(),
        entities: { payment_account: `pa-${victim}`, payee_account: payee },
        data: { amount: random.pick([25, 50, 100]), currency: 'USD', channel: 'p2p' },
      });
    }
  }
  return { events, lastMs: at };
}

/**
 * The entity a payment to a handle named in a chat is keyed by: `<kind>:<normalised value>` as
 * the `ExtractedHandle` contract of `chat/` describes (cashtags lower-cased, Philippine mobile
 * numbers in E.164, e-mail Pix keys lower-cased).
 */
function handleEntity(language: ChatLanguage, handle: string): string {
  if (language === 'tl') return `phone_number:+63${handle.slice(1)}`;
  if (language === 'pt') return `email:${handle.toLowerCase()}`;
  return `p2p_handle:${handle.toLowerCase()}`;
}
